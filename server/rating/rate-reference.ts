/**
 * rateReference(): the straightforward decimal.js implementation of rate() (spec rating.md §4),
 * every amount a Decimal at 40 digits, rounded with roundMoney where the spec says so. It is the
 * reference the optimised rate() in rate.ts is proved equal to (test/unit/rating/fast-path.test.ts)
 * and the path rate() falls back to for inputs outside its exact integer fast path (amounts that
 * do not fit safe integers, money fields with more decimals than the currency, exotic quantities).
 *
 * Order of application:
 * 1. per subscription: free_units / price_override (and promotions with such an effect), then
 *    every component is priced into a rounded charge line, then the `minimum` true-up;
 * 2. per subscription: discounts, coupons and promotions in priority order, each on what remains
 *    of its target lines;
 * 3. invoice-level discounts/coupons/promotions (`target: "invoice"`) over all charge lines;
 * 4. tax per tax name on each line's net amount, rounded once per name;
 * 5. totals; prepaid balance and then points come off the total.
 * The decisions (gates, exclusive groups, who acts, minimum true-up, trace reasons) are the shared
 * policy of ./policy.ts; only the arithmetic is this file's own.
 */
import { Decimal, ZERO, parseDecimal, roundMoney, roundTo, currencyDecimals, toMoneyString, type RoundingMode } from '../lib/money';
import { allocateProportionally } from './allocate';
import { chargeSlots } from './charge-timing';
import { applyBalances } from './balances';
import {
  REASON, Redemptions, discountTargets, groupTaken, invoiceLevelActor, markTaxed, markUntaxed, mayAct, pointsActor, rulePhases, settleReasons, takeGroup, taxCandidates, taxRuleFor,
} from './policy';
import { couponCodes, isPreparedRules, preparePlan, prepareRules, type PreparedRule } from './prepare';
import { decimalAmounts, priceSubscription, traceEntry, type ChargeLine, type ReferenceState, type SubState } from './reference/price';
import { subscriptionFacts } from './subscription-facts';
import { roundTaxByName } from './tax';
import type { RatedLine, RateOptions, RatingInput, RatingResult, TraceEntry } from './types';

export function rateReference(input: RatingInput, options: RateOptions): RatingResult {
  const currency = input.currency;
  const mode: RoundingMode = input.rounding ?? 'half_up';
  const round = (d: Decimal) => roundMoney(d, currency, mode);
  const rules = isPreparedRules(options.rules) ? options.rules : prepareRules(options.rules);
  const full = (options.trace ?? 'full') === 'full';
  const period = input.period;
  const trace: TraceEntry[] = [];
  const invoiceCoupons = input.coupons ?? [];
  const book = new Redemptions(input.promotionUsage, decimalAmounts);
  const x: ReferenceState = { currency, period, redemptions: book, mode, full, trace };

  // ---------------------------------------------------------------- 1. pricing per subscription
  const slots = chargeSlots(input.subscriptions, period);
  const subs: SubState[] = input.subscriptions.map((sub, index) => {
    const plan = preparePlan(sub.plan);
    const cycleIndex = sub.cycleIndex ?? 1;
    const coupons = [...invoiceCoupons, ...(sub.coupons ?? [])];
    const facts = subscriptionFacts(input, sub, rules.referencedFacts);
    return { index, sub, plan, facts, cycleIndex, coupons, lines: [], slots: slots[index], postTrace: [] };
  });

  for (const s of subs) priceSubscription(x, rules, s);

  const billSubtotal = (s: SubState) => s.lines.reduce((a, l) => a.plus(l.amount), ZERO);
  const invoiceSubtotal = subs.reduce((a, s) => a.plus(billSubtotal(s)), ZERO);

  // ---------------------------------------------------------------- discounts
  /** Applies one discount to target lines; returns the amount taken off. */
  const applyDiscount = (r: PreparedRule, targets: ChargeLine[]): Decimal => {
    const d = r.discount!;
    const remaining = targets.map((l) => l.net);
    const R = remaining.reduce((a, v) => a.plus(v), ZERO);
    if (R.lessThanOrEqualTo(0)) return ZERO;
    let D = d.fraction !== undefined ? round(R.times(d.fraction)) : round(d.amount!);
    if (d.maxAmount !== undefined) D = Decimal.min(D, d.maxAmount);
    const left = book.budgetLeft(r);
    if (left !== undefined) D = Decimal.min(D, roundTo(left, currencyDecimals(currency), 'down'));
    D = Decimal.min(D, R);
    if (D.lessThanOrEqualTo(0)) return ZERO;
    const shares = allocateProportionally(D, remaining, currency);
    targets.forEach((l, i) => {
      if (shares[i].isZero()) return;
      l.net = l.net.minus(shares[i]);
      l.discounts.push({ rule: r.id, amount: shares[i] });
    });
    book.redeem(r, D);
    return D;
  };
  const describeApplied = (D: Decimal) => REASON.tookOff(toMoneyString(D, currency));

  // Subscription-level discounts (and evaluation of every post-pricing rule per subscription).
  for (const s of subs) {
    s.facts['bill.subtotal'] = billSubtotal(s).toNumber();
    s.facts['invoice.subtotal'] = invoiceSubtotal.toNumber();
    const post = rules.post;
    s.post = post.evaluate(s.facts);
    let groups: Set<string> | undefined;
    for (let j = 0; j < post.rules.length; j++) {
      const r = post.rules[j];
      const entry = traceEntry(x, r, s, s.post[j] === 1, post.factsByRule[j]);
      s.postTrace.push(entry);
      if (!entry.fired || !r.discount || r.invoiceLevel) continue;
      const blocked = mayAct(x, r, s, groups);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const D = applyDiscount(r, discountTargets(r, s.lines));
      if (D.isZero()) {
        entry.reason = REASON.nothingOnTarget;
        continue;
      }
      entry.applied = true;
      entry.reason = describeApplied(D);
      groups = takeGroup(groups, r);
    }
  }

  // Invoice-level discounts: a rule acts once if it fired for any subscription.
  const post = rules.post;
  const phases = rulePhases(post);
  let invoiceGroups: Set<string> | undefined;
  for (const j of phases.invoiceLevel) {
    const r = post.rules[j];
    const s0 = invoiceLevelActor(x, r, j, subs);
    if (!s0) continue;
    const entry = s0.postTrace[j];
    const blocked = groupTaken(invoiceGroups, r);
    if (blocked) {
      entry.reason = blocked;
      continue;
    }
    const D = applyDiscount(r, subs.flatMap((s) => s.lines.filter((l) => l.kind === 'charge')));
    if (D.isZero()) {
      entry.reason = REASON.nothingLeft;
      continue;
    }
    entry.applied = true;
    entry.reason = describeApplied(D);
    invoiceGroups = takeGroup(invoiceGroups, r);
  }

  // ---------------------------------------------------------------- tax
  // Per tax name: each line is taxed by the first rule of that name (priority order) that fired
  // for the line's subscription and covers its component. Exact amounts are summed per name and
  // rounded once per name; when several rules share a name the rounded amount is split between
  // them by the same largest-remainder allocation as discounts, so each line still names its rule.
  const taxNames: string[] = [];
  const taxByName = new Map<string, Map<string, Decimal>>();
  for (const s of subs) {
    const byName = taxCandidates(x, post.rules, phases, s);
    if (!byName) continue;
    for (const [name, candidates] of byName) {
      for (const l of s.lines) {
        const c = taxRuleFor(candidates, l.component);
        if (!c) continue;
        if (!taxByName.has(name)) {
          taxByName.set(name, new Map());
          taxNames.push(name);
        }
        const m = taxByName.get(name)!;
        m.set(c.rule.id, (m.get(c.rule.id) ?? ZERO).plus(l.net.times(c.rule.tax!.fraction)));
        markTaxed(c, name);
      }
      markUntaxed(candidates, name);
    }
  }
  const taxExact: RatingResult['taxExact'] = [];
  for (const name of taxNames) {
    // Written like the fast path (minor units + 8 places) so both engines give equal results.
    for (const [rule, v] of taxByName.get(name)!) taxExact.push({ rule, name, amount: v.toFixed(Math.max(v.decimalPlaces(), currencyDecimals(currency) + 8)) });
  }
  const { lines: taxLines, total: taxTotal } = roundTaxByName(taxByName, currency, mode);

  // ---------------------------------------------------------------- totals
  const all = subs.flatMap((s) => s.lines);
  const subtotal = all.reduce((a, l) => a.plus(l.amount), ZERO);
  const discountTotal = all.reduce((a, l) => a.plus(l.discounts.reduce((b, d) => b.plus(d.amount), ZERO)), ZERO);
  const total = subtotal.minus(discountTotal).plus(taxTotal);
  const places = currencyDecimals(currency);
  const { prepaidApplied, pointsApplied, pointsSpent, amountDue } = applyBalances(total, currency, { prepaid: input.prepaidBalance, points: input.pointsBalance, policy: input.points });

  // Points: earned on what is paid with money (total minus points spent), rounded down.
  const pointsEarned: RatingResult['pointsEarned'] = [];
  const earnedBase = total.minus(pointsApplied);
  let pointGroups: Set<string> | undefined;
  for (const j of phases.points) {
    const r = post.rules[j];
    const s = pointsActor(x, r, j, subs);
    if (!s) continue;
    const entry = s.postTrace[j];
    const blocked = groupTaken(pointGroups, r);
    if (blocked) {
      entry.reason = blocked;
      continue;
    }
    const points = r.points!.fraction !== undefined ? roundTo(earnedBase.times(r.points!.fraction), places, 'down') : r.points!.amount!;
    pointsEarned.push({ rule: r.id, points: toMoneyString(points, currency), expiresInDays: r.points!.expiresInDays });
    entry.applied = true;
    entry.reason = REASON.earns(toMoneyString(points, currency));
    pointGroups = takeGroup(pointGroups, r);
  }
  settleReasons(trace);

  const lines: RatedLine[] = [];
  const coupons = couponCodes(rules);
  for (const l of all) {
    const comp = l.component !== undefined ? { component: l.component } : {};
    lines.push({ subscription: l.subscription, ...comp, kind: l.kind, quantity: l.quantity, amount: toMoneyString(l.amount, currency), description: l.description, ...(l.detail ? { detail: l.detail } : {}), ...(l.pricing ? { pricing: l.pricing } : {}) });
    for (const d of l.discounts) {
      const coupon = coupons.get(d.rule);
      lines.push({ subscription: l.subscription, ...comp, kind: 'discount', rule: d.rule, amount: toMoneyString(d.amount.negated(), currency), ...(coupon !== undefined ? { coupon } : {}) });
    }
  }
  lines.push(...taxLines);

  const planVersions = new Map<string, { code: string; version: number | string | null }>();
  for (const s of subs) planVersions.set(`${s.plan.doc.code}@${s.plan.doc.version ?? ''}`, { code: s.plan.doc.code, version: s.plan.doc.version ?? null });
  const m = (d: Decimal) => toMoneyString(d, currency);
  return {
    currency,
    lines,
    subtotal: m(subtotal),
    discountTotal: m(discountTotal),
    taxTotal: m(taxTotal),
    total: m(total),
    prepaidApplied: m(prepaidApplied),
    pointsApplied: m(pointsApplied),
    pointsSpent: m(pointsSpent),
    amountDue: m(amountDue),
    trace,
    versions: {
      plans: [...planVersions.values()],
      rules: [...rules.pre.rules, ...rules.post.rules].map((r) => ({ id: r.id, version: r.version })),
    },
    pointsEarned,
    redemptions: book.list(m),
    taxExact,
  };
}
