/**
 * rate(): one invoice, rated as a pure function of plans, rules, usage and balances.
 *
 * Order of application (spec rating.md §4):
 * 1. per subscription: free_units / price_override (and promotions with such an effect), then
 *    every component is priced into a rounded charge line, then the `minimum` true-up;
 * 2. per subscription: discounts, coupons and promotions in priority order, each on what remains
 *    of its target lines;
 * 3. invoice-level discounts/coupons/promotions (`target: "invoice"`) over all charge lines;
 * 4. tax per tax name on each line's net amount, rounded once per name;
 * 5. totals; prepaid balance and then points come off the total.
 * Rules are evaluated by the compiled evaluator (equal to json-rules-engine by proof) twice per
 * subscription: before pricing (bill.subtotal/invoice.subtotal unknown = null) for the rules that
 * change pricing, and after pricing for the others.
 *
 * Performance (rules/README.md "Rating performance"): this is the exact integer fast path —
 * line amounts are safe integers in minor units, unrounded values exact scaled integers
 * (./exact.ts), rounding on exact remainders. It gives the same result as the straightforward
 * decimal.js implementation `rateReference` (rate-reference.ts; proved by
 * test/unit/rating/fast-path.test.ts) and falls back to it for any input it cannot compute
 * exactly (amounts beyond 2^53 minor units, money fields with more decimals than the currency,
 * exponent-form numbers ...).
 *
 * Each step is its own module under ./fast/ (price, discount, tax, points); what may act and
 * the trace reasons are the policy both raters share (./policy.ts). This file runs the steps in
 * order and assembles the result.
 */
import { Decimal, currencyDecimals, toMoneyString, type RoundingMode } from '../lib/money';
import { applyBalances } from './balances';
import { chargeSlots } from './charge-timing';
import { NotExact, add, formatMinor, scaled, toMinor } from './exact';
import { invoiceDiscounts, subscriptionDiscounts } from './fast/discount';
import { earnPoints } from './fast/points';
import { priceSubscription } from './fast/price';
import { minorAmounts, type RatingState, type SubState } from './fast/state';
import { taxes } from './fast/tax';
import { Redemptions, settleReasons } from './policy';
import { couponCodes, isPreparedRules, preparePlanLite, prepareRules, type PreparedRules } from './prepare';
import { rateReference } from './rate-reference';
import { subscriptionFacts } from './subscription-facts';
import { CHURN_FACT_NAMES } from '../rules/facts';
import type { RatedLine, RateOptions, RatingInput, RatingResult, TraceEntry } from './types';

/** How often rate() fell back to the reference implementation (diagnostics, tests). */
export const rateStats = { fast: 0, fallbacks: 0 };

export function rate(input: RatingInput, options: RateOptions): RatingResult {
  const rules = isPreparedRules(options.rules) ? options.rules : prepareRules(options.rules);
  const opts = rules === options.rules ? options : { ...options, rules };
  if (options.engine === 'reference') return withScoreSource(rateReference(input, opts), input);
  try {
    const r = rateFast(input, opts, rules);
    rateStats.fast++;
    return withScoreSource(r, input);
  } catch (e) {
    if (e instanceof NotExact) {
      rateStats.fallbacks++;
      return withScoreSource(rateReference(input, opts), input);
    }
    throw e;
  }
}

/**
 * A rule that read a churn fact names the score it read (model version, score date) in its trace
 * entry, so "why this discount?" is answered from the invoice alone. Both raters record the facts
 * a rule read; this adds the source once, after either.
 */
function withScoreSource(r: RatingResult, input: RatingInput): RatingResult {
  const src = input.customer.churnScore;
  if (!src) return r;
  for (const e of r.trace) {
    const f = e.facts;
    if (f && CHURN_FACT_NAMES.some((n) => n in f)) e.churnScore = { modelVersion: src.modelVersion, asOf: src.asOf };
  }
  return r;
}

/** versions.rules of every result of one prepared pack (fresh objects per result). */
const ruleVersionCache = new WeakMap<PreparedRules, { id: string; version: number | string | null }[]>();
function ruleVersions(rules: PreparedRules): { id: string; version: number | string | null }[] {
  let list = ruleVersionCache.get(rules);
  if (!list) ruleVersionCache.set(rules, (list = [...rules.pre.rules, ...rules.post.rules].map((r) => ({ id: r.id, version: r.version }))));
  const out = new Array<{ id: string; version: number | string | null }>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { id: list[i].id, version: list[i].version };
  return out;
}

function rateFast(input: RatingInput, options: RateOptions, rules: PreparedRules): RatingResult {
  const currency = input.currency;
  const mode: RoundingMode = input.rounding ?? 'half_up';
  const places = currencyDecimals(currency);
  const trace: TraceEntry[] = [];
  const redemptions = new Redemptions(input.promotionUsage, minorAmounts(places));
  const x: RatingState = { currency, period: input.period, redemptions, mode, places, full: (options.trace ?? 'full') === 'full', trace };

  const invoiceCoupons = input.coupons ?? [];
  const inSubs = input.subscriptions;
  const subs: SubState[] = new Array(inSubs.length);
  const slots = chargeSlots(inSubs, input.period);
  for (let index = 0; index < inSubs.length; index++) {
    const sub = inSubs[index];
    const plan = preparePlanLite(sub.plan);
    const cycleIndex = sub.cycleIndex ?? 1;
    const own = sub.coupons;
    const coupons = own && own.length > 0 ? (invoiceCoupons.length > 0 ? [...invoiceCoupons, ...own] : own) : invoiceCoupons;
    const facts = subscriptionFacts(input, sub, rules.referencedFacts);
    subs[index] = { index, sub, plan, facts, cycleIndex, coupons, lines: [], slots: slots[index], postTrace: [] };
  }

  for (const s of subs) priceSubscription(x, rules, s);
  subscriptionDiscounts(x, rules.post, subs);
  invoiceDiscounts(x, rules.post, subs);
  const tax = taxes(x, rules.post, subs);

  // Totals; prepaid balance and then points come off the total.
  let subtotal = 0;
  let discountTotal = 0;
  for (const s of subs)
    for (const l of s.lines) {
      subtotal = add(subtotal, l.amount);
      if (l.discounts) for (const d of l.discounts) discountTotal = add(discountTotal, d.amount);
    }
  const total = add(subtotal - discountTotal, tax.total);
  // rating.md §4 step 5, the one policy (./balances.ts); only invoices with a balance pay for Decimal here.
  let prepaidApplied = 0, pointsApplied = 0, pointsSpent = formatMinor(0, places);
  if (input.prepaidBalance !== undefined || input.pointsBalance !== undefined) {
    const b = applyBalances(new Decimal(formatMinor(total, places)), currency, { prepaid: input.prepaidBalance, points: input.pointsBalance, policy: input.points });
    prepaidApplied = toMinor(scaled(b.prepaidApplied.toFixed()), places, 'down');
    pointsApplied = toMinor(scaled(b.pointsApplied.toFixed()), places, 'down');
    pointsSpent = toMoneyString(b.pointsSpent, currency);
  }
  const amountDue = total - prepaidApplied - pointsApplied;

  const pointsEarned = earnPoints(x, rules.post, subs, total - pointsApplied);
  settleReasons(trace);

  return {
    currency,
    lines: resultLines(subs, tax.lines, places, couponCodes(rules)),
    subtotal: formatMinor(subtotal, places),
    discountTotal: formatMinor(discountTotal, places),
    taxTotal: formatMinor(tax.total, places),
    total: formatMinor(total, places),
    prepaidApplied: formatMinor(prepaidApplied, places),
    pointsApplied: formatMinor(pointsApplied, places),
    pointsSpent,
    amountDue: formatMinor(amountDue, places),
    trace,
    versions: { plans: planVersions(subs), rules: ruleVersions(rules) },
    pointsEarned,
    redemptions: redemptions.list((a) => formatMinor(a, places)),
    taxExact: tax.exact,
  };
}

/** Each charge line followed by its discount lines, then the tax lines. */
function resultLines(subs: readonly SubState[], taxLines: readonly RatedLine[], places: number, coupons: ReadonlyMap<string, string>): RatedLine[] {
  const lines: RatedLine[] = [];
  for (const s of subs)
    for (const l of s.lines) {
      const amount = formatMinor(l.amount, places);
      let out: RatedLine;
      if (l.detail) out = { subscription: l.subscription, component: l.component, kind: l.kind, quantity: l.quantity, amount, description: l.description, detail: l.detail };
      else if (l.component !== undefined) out = { subscription: l.subscription, component: l.component, kind: l.kind, quantity: l.quantity, amount, description: l.description };
      else out = { subscription: l.subscription, kind: l.kind, quantity: l.quantity, amount, description: l.description };
      if (l.pricing) out.pricing = l.pricing;
      lines.push(out);
      if (l.discounts)
        for (const d of l.discounts) {
          const dl: RatedLine = l.component !== undefined ? { subscription: l.subscription, component: l.component, kind: 'discount', rule: d.rule, amount: formatMinor(-d.amount, places) } : { subscription: l.subscription, kind: 'discount', rule: d.rule, amount: formatMinor(-d.amount, places) };
          const coupon = coupons.get(d.rule);
          if (coupon !== undefined) dl.coupon = coupon;
          lines.push(dl);
        }
    }
  for (const t of taxLines) lines.push(t);
  return lines;
}

function planVersions(subs: readonly SubState[]): RatingResult['versions']['plans'] {
  if (subs.length === 1) {
    const d = subs[0].plan.doc;
    return [{ code: d.code, version: d.version ?? null }];
  }
  const versions = new Map<string, { code: string; version: number | string | null }>();
  for (const s of subs) versions.set(`${s.plan.doc.code}@${s.plan.doc.version ?? ''}`, { code: s.plan.doc.code, version: s.plan.doc.version ?? null });
  return [...versions.values()];
}
