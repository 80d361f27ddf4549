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
import { explainConditions } from '../rules/compile';
import type { FactMap } from '../rules/facts';
import { subscriptionFacts } from './subscription-facts';
import type { RuleDoc } from '../rules/schema';
import { allocateProportionally } from './allocate';
import {
  REASON, Redemptions, discountTargets, effectComponents, groupTaken, invoiceLevelActor, markTaxed, markUntaxed, mayAct, minimumTrueUp, pointsActor, rulePhases, settleReasons,
  takeGroup, taxCandidates, taxRuleFor, trueUpDescription, type Amounts, type InvoiceTerms,
} from './policy';
import { roundTaxByName } from './tax';
import { createPricer, type Pricer } from './pricing';
import { isPreparedRules, preparePlan, prepareRules, type PreparedPlan, type PreparedRule } from './prepare';
import { billableDays } from './proration';
import type { RatedLine, RateOptions, RatingInput, RatingResult, SubscriptionInput, TraceEntry } from './types';

interface ChargeLine {
  subscription: number;
  component?: string;
  kind: 'charge' | 'minimum';
  quantity: string;
  amount: Decimal;
  description: string;
  /** What is left after discounts; tax applies to it. */
  net: Decimal;
  planCode: string;
  discounts: { rule: string; amount: Decimal }[];
}

interface SubState {
  index: number;
  sub: SubscriptionInput;
  plan: PreparedPlan;
  facts: FactMap;
  cycleIndex: number;
  coupons: readonly string[];
  lines: ChargeLine[];
  post?: Uint8Array;
  postTrace: TraceEntry[];
}

const qtyString = (d: Decimal) => d.toString();

const decimalAmounts: Amounts<Decimal> = {
  zero: ZERO,
  plus: (a, b) => a.plus(b),
  minus: (a, b) => a.minus(b),
  lessThan: (a, b) => a.lessThan(b),
  budget: (r, remaining) => (remaining != null ? parseDecimal(remaining) : r.budget!),
};

function toQuantity(x: string | number | undefined | null): Decimal {
  if (x === undefined || x === null) return ZERO;
  return parseDecimal(x);
}

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
  const terms: InvoiceTerms<Decimal> = { currency, period, redemptions: book };

  const traceEntry = (r: PreparedRule & { conditions: RuleDoc['conditions'] }, s: SubState, fired: boolean, factNames: readonly string[]): TraceEntry => {
    const e: TraceEntry = { rule: r.id, kind: r.kind, version: r.version, subscription: s.index, fired, applied: false, reason: fired ? '' : REASON.notMet };
    const used: Record<string, unknown> = {};
    for (const n of factNames) used[n] = s.facts[n] === undefined ? null : s.facts[n];
    e.facts = used;
    if (full) e.conditions = explainConditions(r.conditions, s.facts);
    trace.push(e);
    return e;
  };

  // ---------------------------------------------------------------- 1. pricing per subscription
  const subs: SubState[] = input.subscriptions.map((sub, index) => {
    const plan = preparePlan(sub.plan);
    const cycleIndex = sub.cycleIndex ?? 1;
    const coupons = [...invoiceCoupons, ...(sub.coupons ?? [])];
    const facts = subscriptionFacts(input, sub, rules.referencedFacts);
    return { index, sub, plan, facts, cycleIndex, coupons, lines: [], postTrace: [] };
  });

  for (const s of subs) priceSubscription(s);

  function priceSubscription(s: SubState) {
    const { plan, sub } = s;
    const pre = rules.pre;
    const fired = pre.evaluate(s.facts);
    const freeUnits = new Map<string, { units: Decimal; rules: string[] }>();
    const overrides = new Map<string, { pricer: Pricer; rule: string }>();
    const promoEffects: { rule: PreparedRule; entry: TraceEntry; component: string; apply: (p: Pricer) => Pricer }[] = [];
    let groups: Set<string> | undefined;
    for (let j = 0; j < pre.rules.length; j++) {
      const r = pre.rules[j];
      const entry = traceEntry(r, s, fired[j] === 1, pre.factsByRule[j]);
      if (!entry.fired) continue;
      const blocked = mayAct(terms, r, s, groups);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const targets = effectComponents(r, plan.components);
      if (targets.length === 0) {
        entry.reason = REASON.noComponent;
        continue;
      }
      const e = r.effect!;
      if (r.kind === 'promotion') {
        for (const c of targets) {
          promoEffects.push({
            rule: r,
            entry,
            component: c.code,
            apply: e.type === 'free_units' ? (p) => p.withFreeUnits(e.units) : () => createPricer(e.pricing as never),
          });
        }
        entry.reason = REASON.pendingPricing;
      } else if (e.type === 'free_units') {
        for (const c of targets) {
          const cur = freeUnits.get(c.code) ?? { units: ZERO, rules: [] };
          freeUnits.set(c.code, { units: cur.units.plus(e.units), rules: [...cur.rules, r.id] });
        }
        entry.applied = true;
        entry.reason = REASON.freeUnits(e.units);
      } else {
        const free = targets.filter((c) => !overrides.has(c.code));
        if (free.length === 0) {
          entry.reason = REASON.overridden;
          continue;
        }
        for (const c of free) overrides.set(c.code, { pricer: createPricer(e.pricing as never), rule: r.id });
        entry.applied = true;
        entry.reason = REASON.priceOverridden;
      }
      groups = takeGroup(groups, r);
    }

    const days = billableDays(period, sub.startDate, sub.endDate, plan.trialDays);
    const prorated = (amount: Decimal, prorate: boolean): Decimal => {
      if (days.billableDays <= 0) return ZERO;
      if (!prorate || days.billableDays === days.periodDays) return amount;
      return amount.times(days.billableDays).dividedBy(days.periodDays);
    };
    const dayNote =
      days.billableDays === days.periodDays ? '' : days.trialDays > 0 ? ` (${days.billableDays}/${days.periodDays} days after ${days.trialDays} trial day(s))` : ` (${days.billableDays}/${days.periodDays} days)`;
    const name = plan.doc.name;
    for (const c of plan.components) {
      let amount: Decimal;
      let quantity: Decimal;
      let note = '';
      if (c.type === 'flat') {
        quantity = new Decimal(1);
        amount = prorated(c.amount!, c.prorate);
        if (c.prorate || days.billableDays <= 0) note = dayNote;
      } else {
        let pricer = c.pricer!;
        const ov = overrides.get(c.code);
        if (ov) {
          pricer = ov.pricer;
          note += ` [price by ${ov.rule}]`;
        }
        const fu = freeUnits.get(c.code);
        if (fu) {
          pricer = pricer.withFreeUnits(fu.units);
          note += ` [${fu.units} free by ${fu.rules.join(', ')}]`;
        }
        let usage: { quantity: Decimal; amount?: Decimal; count?: Decimal };
        if (c.type === 'quantity') {
          usage = { quantity: toQuantity(sub.quantities?.[c.quantityKey!]) };
        } else {
          const u = sub.usage?.[c.meter!];
          usage = typeof u === 'object' && u !== null ? { quantity: toQuantity(u.amount), amount: toQuantity(u.amount), count: toQuantity(u.count) } : { quantity: toQuantity(u) };
        }
        quantity = usage.quantity;
        const priceWith = (p: Pricer) => round(c.type === 'quantity' ? prorated(p.price(usage), c.prorate) : p.price(usage));
        let charged = priceWith(pricer);
        for (const pe of promoEffects) {
          if (pe.component !== c.code) continue;
          const candidate = pe.apply(pricer);
          const after = priceWith(candidate);
          const reduction = Decimal.max(ZERO, charged.minus(after));
          const left = book.budgetLeft(pe.rule);
          if (left !== undefined && left.lessThan(reduction)) {
            if (!pe.entry.applied) pe.entry.reason = REASON.budgetShort(toMoneyString(left, currency), toMoneyString(reduction, currency));
            continue;
          }
          pricer = candidate;
          charged = after;
          book.redeem(pe.rule, reduction);
          pe.entry.applied = true;
          pe.entry.reason = REASON.reduces(c.code, toMoneyString(reduction, currency));
          note += ` [promotion ${pe.rule.id}]`;
        }
        amount = charged;
        if (c.type === 'quantity' && c.prorate) note = dayNote + note;
      }
      const rounded = round(amount);
      s.lines.push({
        subscription: s.index,
        component: c.code,
        kind: 'charge',
        quantity: qtyString(quantity),
        amount: rounded,
        net: rounded,
        description: `${name} · ${c.label}${note}`,
        planCode: plan.doc.code,
        discounts: [],
      });
    }
    for (const pe of promoEffects) if (pe.entry.reason === REASON.pendingPricing) pe.entry.reason = REASON.noReduction;

    if (plan.minimumAmount !== undefined) {
      // Lago prorates a minimum commitment like the subscription fee; so do we.
      const minimum = round(prorated(plan.minimumAmount, true));
      const diff = minimumTrueUp(decimalAmounts, s.lines, minimum);
      if (diff !== undefined) {
        s.lines.push({
          subscription: s.index,
          kind: 'minimum',
          quantity: '1',
          amount: diff,
          net: diff,
          description: trueUpDescription(name, toMoneyString(minimum, currency)),
          planCode: plan.doc.code,
          discounts: [],
        });
      }
    }
  }

  const billSubtotal = (s: SubState) => s.lines.reduce((a, l) => a.plus(l.amount), ZERO);
  const invoiceSubtotal = subs.reduce((a, s) => a.plus(billSubtotal(s)), ZERO);

  // ---------------------------------------------------------------- discounts
  /** Applies one discount to target lines; returns the amount taken off. */
  const applyDiscount = (r: PreparedRule, targets: ChargeLine[]): Decimal => {
    const d = r.discount!;
    const remaining = targets.map((l) => l.net);
    const R = remaining.reduce((a, x) => a.plus(x), ZERO);
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
      const entry = traceEntry(r, s, s.post[j] === 1, post.factsByRule[j]);
      s.postTrace.push(entry);
      if (!entry.fired || !r.discount || r.invoiceLevel) continue;
      const blocked = mayAct(terms, r, s, groups);
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
    const s0 = invoiceLevelActor(terms, r, j, subs);
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
    const byName = taxCandidates(terms, post.rules, phases, s);
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
  const balance = (x: string | undefined) => (x === undefined ? ZERO : Decimal.max(ZERO, roundTo(parseDecimal(x), places, 'down')));
  const prepaidApplied = Decimal.min(balance(input.prepaidBalance), total);
  const pointsApplied = Decimal.min(balance(input.pointsBalance), total.minus(prepaidApplied));
  const amountDue = total.minus(prepaidApplied).minus(pointsApplied);

  // Points: earned on what is paid with money (total minus points spent), rounded down.
  const pointsEarned: RatingResult['pointsEarned'] = [];
  const earnedBase = total.minus(pointsApplied);
  let pointGroups: Set<string> | undefined;
  for (const j of phases.points) {
    const r = post.rules[j];
    const s = pointsActor(terms, r, j, subs);
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
  for (const l of all) {
    const comp = l.component !== undefined ? { component: l.component } : {};
    lines.push({ subscription: l.subscription, ...comp, kind: l.kind, quantity: l.quantity, amount: toMoneyString(l.amount, currency), description: l.description });
    for (const d of l.discounts) {
      lines.push({ subscription: l.subscription, ...comp, kind: 'discount', rule: d.rule, amount: toMoneyString(d.amount.negated(), currency) });
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
