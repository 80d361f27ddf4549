/**
 * Trace reasons: why a rule acted or did not, as a stable code with parameters, and the English
 * text the trace has always carried (`reason`, kept for API compatibility and logs).
 *
 * The raters keep writing the English text (one string per entry on the hot path, no object);
 * this table is where each text comes from (policy.ts builds them with `reasonText`), and
 * `reasonOf` reads a text back into its code and parameters at the API edge (the rating preview
 * and stored invoice traces, old ones included). The console words each code in Korean and
 * English (web/src/locales/trace.*.ts). A text no template matches answers `other` with the text.
 */
import { reasonCodec } from '../lib/reason-codec';

/** Code → English template; `{name}` is a parameter (free text without line breaks). */
export const REASON_TEMPLATES = {
  notMet: 'conditions not met',
  notValidBefore: 'not valid before {date}',
  validUntil: 'valid until {date}',
  currencyOnly: 'rule is for {currency} invoices',
  firstCycles: 'applies to the first {cycles} cycle(s); this is cycle {cycle}',
  couponAbsent: 'coupon {code} not presented',
  redemptionsUsed: 'all {max} redemptions used',
  customerRedeemed: 'customer already redeemed it {max} time(s)',
  budgetExhausted: 'budget exhausted',
  exclusiveGroup: 'exclusive group "{group}" already applied',
  actedOnce: 'invoice-level rule: acted once, see subscription {subscription}',
  taxes: 'taxes {tax}',
  taxCovered: 'no line left for {tax} (a higher-priority {tax} rule covers them)',
  noComponent: 'the plan has no matching component',
  overridden: 'component already overridden by a higher-priority rule',
  priceOverridden: 'price overridden',
  pendingPricing: 'pending pricing',
  noReduction: 'no reduction',
  nothingOnTarget: 'nothing left to discount on its target',
  nothingLeft: 'nothing left to discount',
  freeUnits: '{units} free unit(s)',
  reduces: 'reduces {component} by {amount}',
  budgetShort: 'budget left {left} is less than the reduction {reduction}',
  tookOff: 'took off {amount}',
  earns: 'earns {points} points when paid',
  nothingToActOn: 'fired; nothing to act on',
} as const;

export type ReasonCode = keyof typeof REASON_TEMPLATES;
export const REASON_CODES = Object.keys(REASON_TEMPLATES) as ReasonCode[];

export interface ReasonOut {
  /** A ReasonCode, `other` for a text no template matches, '' for an empty reason. */
  code: ReasonCode | 'other' | '';
  params: Record<string, string>;
}

const codec = reasonCodec(REASON_TEMPLATES);

/** The English text of a reason. */
export function reasonText(code: ReasonCode, params: Record<string, string | number> = {}): string {
  return codec.text(code, params);
}

/** The code and parameters of a reason text (what the raters wrote). */
export function reasonOf(text: string): ReasonOut {
  return codec.of(text);
}

/** A trace entry as the API answers it: its reason also as code and parameters. */
export function withReasonCode<E extends { reason: string }>(e: E): E & ReasonOut {
  return { ...e, ...reasonOf(e.reason) };
}
