/**
 * The rating policy (spec rating.md §4), written once for both raters: whether a fired rule may
 * act (validity, currency, cycles, coupon presented, redemption limits, budget), exclusive groups,
 * which subscription an invoice-level or points rule acts for, which tax rule covers a line, which
 * lines a discount may touch, the minimum true-up, and the trace reasons that explain all of it.
 *
 * The exact fast path (rate.ts, integers in minor units) and the decimal.js reference
 * (rate-reference.ts) differ only in how they count money, passed in as `Amounts<A>`. Keeping the
 * decisions here means a policy change reaches both at once; test/unit/rating/fast-path.test.ts
 * proves their arithmetic equal. The fast path's common route allocates nothing here (group sets
 * are created on first use, no closures per rule).
 */
import type { PreparedRule, PreparedRules } from './prepare';
import { REASON_TEMPLATES, reasonText } from './reasons';
import type { PromotionUsageEntry, TraceEntry } from './types';

/** How a rater counts money: minor-unit integers (fast path) or Decimals (reference). */
export interface Amounts<A> {
  readonly zero: A;
  plus(a: A, b: A): A;
  minus(a: A, b: A): A;
  lessThan(a: A, b: A): boolean;
  /** What a promotion's budget is at the start of this invoice: what stored billing says is left, else its full budget. */
  budget(r: PreparedRule, remaining: string | null | undefined): A;
}

/**
 * Promotion and coupon consumption on one invoice. Budgets and redemption limits are enforced
 * only when stored billing says what was used before (`promotionUsage`); the preview has none.
 */
export class Redemptions<A> {
  readonly redeemed = new Map<string, A>();
  constructor(
    readonly usage: Readonly<Record<string, PromotionUsageEntry>> | undefined,
    private readonly amounts: Amounts<A>,
  ) {}

  /** What is left of the rule's budget on this invoice; undefined = not tracked. */
  budgetLeft(r: PreparedRule): A | undefined {
    if (!this.usage || r.budget === undefined) return undefined;
    const a = this.amounts;
    const left = a.minus(a.budget(r, this.usage[r.id]?.remainingBudget), this.redeemed.get(r.id) ?? a.zero);
    return a.lessThan(a.zero, left) ? left : a.zero;
  }

  /** Its budget is tracked and nothing is left of it. */
  exhausted(r: PreparedRule): boolean {
    const left = this.budgetLeft(r);
    return left !== undefined && !this.amounts.lessThan(this.amounts.zero, left);
  }

  redeem(r: PreparedRule, amount: A): void {
    if (r.kind === 'coupon' || r.kind === 'promotion') this.redeemed.set(r.id, this.amounts.plus(this.redeemed.get(r.id) ?? this.amounts.zero, amount));
  }

  /** Positive reductions per rule, for stored billing to record. */
  list(format: (a: A) => string): { rule: string; amount: string }[] {
    const out: { rule: string; amount: string }[] = [];
    const zero = this.amounts.zero;
    for (const [rule, a] of this.redeemed) if (this.amounts.lessThan(zero, a)) out.push({ rule, amount: format(a) });
    return out;
  }
}

/** What the gates read of the invoice being rated. */
export interface InvoiceTerms<A> {
  currency: string;
  period: { start: string; end: string };
  redemptions: Redemptions<A>;
}

/** What the gates read of the subscription a rule fired for (invoice and subscription coupons together). */
export interface GateSubject {
  index: number;
  cycleIndex: number;
  coupons: readonly string[];
}

/** Why a fired rule may not act for this subscription (null = it may). Exclusive groups: see mayAct. */
export function gate<A>(x: InvoiceTerms<A>, r: PreparedRule, s: GateSubject): string | null {
  const d = r.doc;
  if (d.validFrom && x.period.start < d.validFrom) return reasonText('notValidBefore', { date: d.validFrom });
  if (d.validTo && x.period.start > d.validTo) return reasonText('validUntil', { date: d.validTo });
  if (d.currency && d.currency !== x.currency) return reasonText('currencyOnly', { currency: d.currency });
  if (r.cycles !== undefined && s.cycleIndex > r.cycles) return reasonText('firstCycles', { cycles: r.cycles, cycle: s.cycleIndex });
  if (r.couponCode !== undefined && s.coupons.indexOf(r.couponCode) < 0) return reasonText('couponAbsent', { code: r.couponCode });
  const book = x.redemptions;
  if (book.usage && (r.kind === 'coupon' || r.kind === 'promotion')) {
    const e = book.usage[r.id] ?? {};
    // Limits count invoices: once it acted on this one, this invoice already counts.
    if (!book.redeemed.has(r.id)) {
      if (r.maxRedemptions !== undefined && (e.redemptions ?? 0) >= r.maxRedemptions) return reasonText('redemptionsUsed', { max: r.maxRedemptions });
      if (r.perCustomer !== undefined && (e.customerRedemptions ?? 0) >= r.perCustomer) return reasonText('customerRedeemed', { max: r.perCustomer });
    }
    if (book.exhausted(r)) return reasonText('budgetExhausted');
  }
  return null;
}

/**
 * Exclusive groups: within one phase (pricing effects, one subscription's discounts, invoice-level
 * discounts, points) only the first rule of a group that acts, in priority order, acts. The phase
 * keeps the groups used so far, created on first use.
 */
export function groupTaken(groups: ReadonlySet<string> | undefined, r: PreparedRule): string | null {
  const group = r.doc.exclusiveGroup;
  return group && groups?.has(group) ? reasonText('exclusiveGroup', { group }) : null;
}
export function takeGroup(groups: Set<string> | undefined, r: PreparedRule): Set<string> | undefined {
  const group = r.doc.exclusiveGroup;
  if (!group) return groups;
  (groups ??= new Set()).add(group);
  return groups;
}
/** Gates first, then the exclusive group: the reason a fired rule may not act here, or null. */
export function mayAct<A>(x: InvoiceTerms<A>, r: PreparedRule, s: GateSubject, groups: ReadonlySet<string> | undefined): string | null {
  return gate(x, r, s) ?? groupTaken(groups, r);
}

/** Per compiled post-pricing pack, once: the rule indexes of each later phase, in priority order. */
export interface RulePhases {
  invoiceLevel: number[];
  tax: number[];
  points: number[];
}
const phaseCache = new WeakMap<object, RulePhases>();
export function rulePhases(pack: PreparedRules['post']): RulePhases {
  let p = phaseCache.get(pack);
  if (p) return p;
  p = { invoiceLevel: [], tax: [], points: [] };
  for (let j = 0; j < pack.rules.length; j++) {
    const r = pack.rules[j];
    if (r.discount && r.invoiceLevel) p.invoiceLevel.push(j);
    if (r.tax) p.tax.push(j);
    if (r.points) p.points.push(j);
  }
  phaseCache.set(pack, p);
  return p;
}

/** A subscription after the post-pricing rules were evaluated for it. */
export interface EvaluatedSubject extends GateSubject {
  /** Fired flags of the post-pricing pack. */
  post?: Uint8Array;
  /** Its trace entry per post-pricing rule. */
  postTrace: TraceEntry[];
}

/**
 * An invoice-level rule acts once if it fired for any subscription: for the first one whose gates
 * it passes (that subscription's cycle and coupons decide). Sets the reasons of the others.
 */
export function invoiceLevelActor<A, S extends EvaluatedSubject>(x: InvoiceTerms<A>, r: PreparedRule, j: number, subs: readonly S[]): S | undefined {
  const firedFor = subs.filter((s) => s.post![j] === 1);
  if (firedFor.length === 0) return undefined;
  const s0 = firedFor.find((s) => gate(x, r, s) === null);
  if (!s0) {
    for (const s of firedFor) s.postTrace[j].reason = gate(x, r, s)!;
    return undefined;
  }
  for (const s of firedFor) if (s !== s0) s.postTrace[j].reason = reasonText('actedOnce', { subscription: s0.index });
  return s0;
}

/** A points rule earns once per invoice: for the first subscription it fired for and whose gates it passes. */
export function pointsActor<A, S extends EvaluatedSubject>(x: InvoiceTerms<A>, r: PreparedRule, j: number, subs: readonly S[]): S | undefined {
  for (const s of subs) if (s.post![j] === 1 && gate(x, r, s) === null) return s;
  return undefined;
}

export interface TaxCandidate {
  rule: PreparedRule;
  entry: TraceEntry;
}
/**
 * The tax rules that may act for one subscription, per tax name, in priority order (blocked ones
 * get their reason). Undefined when none may.
 */
export function taxCandidates<A>(x: InvoiceTerms<A>, rules: readonly PreparedRule[], phases: RulePhases, s: EvaluatedSubject): Map<string, TaxCandidate[]> | undefined {
  let byName: Map<string, TaxCandidate[]> | undefined;
  for (const j of phases.tax) {
    const r = rules[j];
    if (s.post![j] !== 1) continue;
    const entry = s.postTrace[j];
    const blocked = gate(x, r, s);
    if (blocked) {
      entry.reason = blocked;
      continue;
    }
    byName ??= new Map();
    const list = byName.get(r.tax!.name);
    if (list) list.push({ rule: r, entry });
    else byName.set(r.tax!.name, [{ rule: r, entry }]);
  }
  return byName;
}
/** Each line is taxed, per tax name, by the first candidate (priority order) covering its component. */
export function taxRuleFor(candidates: readonly TaxCandidate[], component: string | undefined): TaxCandidate | undefined {
  for (const c of candidates) {
    const only = c.rule.tax!.components;
    if (!only || (component !== undefined && only.includes(component))) return c;
  }
  return undefined;
}
export function markTaxed(c: TaxCandidate, name: string): void {
  c.entry.applied = true;
  c.entry.reason = reasonText('taxes', { tax: name });
}
export function markUntaxed(candidates: readonly TaxCandidate[], name: string): void {
  for (const c of candidates) if (!c.entry.applied) c.entry.reason = reasonText('taxCovered', { tax: name });
}

/** What a discount may take from: charge lines (never a minimum true-up) of its target. */
export function discountTargets<L extends { kind: string; component?: string; planCode: string }>(r: PreparedRule, lines: readonly L[]): L[] {
  const t = r.discount!.target;
  const charges = lines.filter((l) => l.kind === 'charge');
  if (!t || t === 'invoice') return charges;
  return charges.filter((l) => (!t.components || t.components.includes(l.component!)) && (!t.plans || t.plans.includes(l.planCode)));
}

/** The components a free_units / price_override effect acts on (an override never prices a flat fee). */
export function effectComponents<C extends { code: string; type: string; meter?: string; quantityKey?: string }>(r: PreparedRule, components: readonly C[]): C[] {
  const e = r.effect!;
  if (e.type === 'price_override') return components.filter((c) => c.code === e.component && c.type !== 'flat');
  return components.filter((c) => (e.meter !== undefined ? c.meter === e.meter : c.quantityKey === e.quantityKey && c.type === 'quantity'));
}

/**
 * A plan's minimum commitment: when the subscription's charges are below its (prorated, rounded)
 * minimum, the difference is one more line, which discounts do not touch (discountTargets).
 * Returns that difference, or undefined.
 */
export function minimumTrueUp<A>(a: Amounts<A>, lines: readonly { amount: A }[], minimum: A): A | undefined {
  let charges = a.zero;
  for (const l of lines) charges = a.plus(charges, l.amount);
  return a.lessThan(charges, minimum) ? a.minus(minimum, charges) : undefined;
}
export const trueUpDescription = (planName: string, minimum: string) => `${planName} · minimum ${minimum} true-up`;

/** Trace reasons both raters give (the ones not computed above). */
export const REASON = {
  notMet: REASON_TEMPLATES.notMet,
  noComponent: REASON_TEMPLATES.noComponent,
  overridden: REASON_TEMPLATES.overridden,
  priceOverridden: REASON_TEMPLATES.priceOverridden,
  pendingPricing: REASON_TEMPLATES.pendingPricing,
  noReduction: REASON_TEMPLATES.noReduction,
  nothingOnTarget: REASON_TEMPLATES.nothingOnTarget,
  nothingLeft: REASON_TEMPLATES.nothingLeft,
  freeUnits: (units: unknown) => reasonText('freeUnits', { units: String(units) }),
  reduces: (component: string, amount: string) => reasonText('reduces', { component, amount }),
  budgetShort: (left: string, reduction: string) => reasonText('budgetShort', { left, reduction }),
  tookOff: (amount: string) => reasonText('tookOff', { amount }),
  earns: (points: string) => reasonText('earns', { points }),
} as const;

/** A rule that fired but found nothing to do says so (entries that acted or were blocked already say why). */
export function settleReasons(trace: readonly TraceEntry[]): void {
  for (const e of trace) if (e.fired && !e.applied && e.reason === '') e.reason = REASON_TEMPLATES.nothingToActOn;
}
