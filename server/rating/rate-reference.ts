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
 */
import { Decimal, ZERO, parseDecimal, roundMoney, roundTo, currencyDecimals, toMoneyString, type RoundingMode } from '../lib/money';
import { explainConditions } from '../rules/compile';
import type { FactMap } from '../rules/facts';
import { subscriptionFacts } from './subscription-facts';
import type { RuleDoc } from '../rules/schema';
import { allocateProportionally } from './allocate';
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
  coupons: Set<string>;
  lines: ChargeLine[];
  post?: Uint8Array;
  postTrace: TraceEntry[];
}

const qtyString = (d: Decimal) => d.toString();

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
  const usageBook = input.promotionUsage;
  const trace: TraceEntry[] = [];
  const invoiceCoupons = input.coupons ?? [];

  // Promotion/coupon consumption on this invoice (budgets are tracked only when usage is given).
  const redeemed = new Map<string, Decimal>();
  const budgetLeft = (r: PreparedRule): Decimal | undefined => {
    if (!usageBook || r.budget === undefined) return undefined;
    const e = usageBook[r.id];
    const start = e?.remainingBudget != null ? parseDecimal(e.remainingBudget) : r.budget;
    return Decimal.max(ZERO, start.minus(redeemed.get(r.id) ?? ZERO));
  };
  const redeem = (r: PreparedRule, amount: Decimal) => {
    if (r.kind === 'coupon' || r.kind === 'promotion') redeemed.set(r.id, (redeemed.get(r.id) ?? ZERO).plus(amount));
  };

  /** Why a fired rule may not act here (null = it may). Exclusive groups are checked by callers. */
  const gate = (r: PreparedRule, s: SubState): string | null => {
    const d = r.doc;
    if (d.validFrom && period.start < d.validFrom) return `not valid before ${d.validFrom}`;
    if (d.validTo && period.start > d.validTo) return `valid until ${d.validTo}`;
    if (d.currency && d.currency !== currency) return `rule is for ${d.currency} invoices`;
    if (r.cycles !== undefined && s.cycleIndex > r.cycles) return `applies to the first ${r.cycles} cycle(s); this is cycle ${s.cycleIndex}`;
    if (r.couponCode !== undefined && !s.coupons.has(r.couponCode)) return `coupon ${r.couponCode} not presented`;
    if (usageBook && (r.kind === 'coupon' || r.kind === 'promotion')) {
      const e = usageBook[r.id] ?? {};
      if (!redeemed.has(r.id)) {
        if (r.maxRedemptions !== undefined && (e.redemptions ?? 0) >= r.maxRedemptions) return `all ${r.maxRedemptions} redemptions used`;
        if (r.perCustomer !== undefined && (e.customerRedemptions ?? 0) >= r.perCustomer) return `customer already redeemed it ${r.perCustomer} time(s)`;
      }
      const left = budgetLeft(r);
      if (left !== undefined && left.isZero()) return 'budget exhausted';
    }
    return null;
  };

  const traceEntry = (r: PreparedRule & { conditions: RuleDoc['conditions'] }, s: SubState, fired: boolean, factNames: readonly string[]): TraceEntry => {
    const e: TraceEntry = { rule: r.id, kind: r.kind, version: r.version, subscription: s.index, fired, applied: false, reason: fired ? '' : 'conditions not met' };
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
    const coupons = new Set([...invoiceCoupons, ...(sub.coupons ?? [])]);
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
    const groups = new Set<string>();
    const matching = (r: PreparedRule) => {
      const e = r.effect!;
      if (e.type === 'price_override') return plan.components.filter((c) => c.code === e.component && c.type !== 'flat');
      return plan.components.filter((c) => (e.meter !== undefined ? c.meter === e.meter : c.quantityKey === e.quantityKey && c.type === 'quantity'));
    };
    for (let j = 0; j < pre.rules.length; j++) {
      const r = pre.rules[j];
      const entry = traceEntry(r, s, fired[j] === 1, pre.factsByRule[j]);
      if (!entry.fired) continue;
      const blocked = gate(r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const group = r.doc.exclusiveGroup;
      if (group && groups.has(group)) {
        entry.reason = `exclusive group "${group}" already applied`;
        continue;
      }
      const targets = matching(r);
      if (targets.length === 0) {
        entry.reason = 'the plan has no matching component';
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
        entry.reason = 'pending pricing';
      } else if (e.type === 'free_units') {
        for (const c of targets) {
          const cur = freeUnits.get(c.code) ?? { units: ZERO, rules: [] };
          freeUnits.set(c.code, { units: cur.units.plus(e.units), rules: [...cur.rules, r.id] });
        }
        entry.applied = true;
        entry.reason = `${e.units} free unit(s)`;
      } else {
        const free = targets.filter((c) => !overrides.has(c.code));
        if (free.length === 0) {
          entry.reason = 'component already overridden by a higher-priority rule';
          continue;
        }
        for (const c of free) overrides.set(c.code, { pricer: createPricer(e.pricing as never), rule: r.id });
        entry.applied = true;
        entry.reason = 'price overridden';
      }
      if (group) groups.add(group);
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
          const left = budgetLeft(pe.rule);
          if (left !== undefined && left.lessThan(reduction)) {
            if (!pe.entry.applied) pe.entry.reason = `budget left ${toMoneyString(left, currency)} is less than the reduction ${toMoneyString(reduction, currency)}`;
            continue;
          }
          pricer = candidate;
          charged = after;
          redeem(pe.rule, reduction);
          pe.entry.applied = true;
          pe.entry.reason = `reduces ${c.code} by ${toMoneyString(reduction, currency)}`;
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
    for (const pe of promoEffects) if (pe.entry.reason === 'pending pricing') pe.entry.reason = 'no reduction';

    if (plan.minimumAmount !== undefined) {
      // Lago prorates a minimum commitment like the subscription fee; so do we.
      const minimum = round(prorated(plan.minimumAmount, true));
      const charges = s.lines.reduce((a, l) => a.plus(l.amount), ZERO);
      if (charges.lessThan(minimum)) {
        const diff = minimum.minus(charges);
        s.lines.push({
          subscription: s.index,
          kind: 'minimum',
          quantity: '1',
          amount: diff,
          net: diff,
          description: `${name} · minimum ${toMoneyString(minimum, currency)} true-up`,
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
    const left = budgetLeft(r);
    if (left !== undefined) D = Decimal.min(D, roundTo(left, currencyDecimals(currency), 'down'));
    D = Decimal.min(D, R);
    if (D.lessThanOrEqualTo(0)) return ZERO;
    const shares = allocateProportionally(D, remaining, currency);
    targets.forEach((l, i) => {
      if (shares[i].isZero()) return;
      l.net = l.net.minus(shares[i]);
      l.discounts.push({ rule: r.id, amount: shares[i] });
    });
    redeem(r, D);
    return D;
  };
  const targetLines = (r: PreparedRule, s: SubState): ChargeLine[] => {
    const t = r.discount!.target;
    // minimum true-up lines are not discountable
    const charges = s.lines.filter((l) => l.kind === 'charge');
    if (!t || t === 'invoice') return charges;
    return charges.filter((l) => (!t.components || t.components.includes(l.component!)) && (!t.plans || t.plans.includes(l.planCode)));
  };
  const describeApplied = (D: Decimal) => `took off ${toMoneyString(D, currency)}`;

  // Subscription-level discounts (and evaluation of every post-pricing rule per subscription).
  for (const s of subs) {
    s.facts['bill.subtotal'] = billSubtotal(s).toNumber();
    s.facts['invoice.subtotal'] = invoiceSubtotal.toNumber();
    const post = rules.post;
    s.post = post.evaluate(s.facts);
    const groups = new Set<string>();
    for (let j = 0; j < post.rules.length; j++) {
      const r = post.rules[j];
      const entry = traceEntry(r, s, s.post[j] === 1, post.factsByRule[j]);
      s.postTrace.push(entry);
      if (!entry.fired || !r.discount || r.invoiceLevel) continue;
      const blocked = gate(r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const group = r.doc.exclusiveGroup;
      if (group && groups.has(group)) {
        entry.reason = `exclusive group "${group}" already applied`;
        continue;
      }
      const D = applyDiscount(r, targetLines(r, s));
      if (D.isZero()) {
        entry.reason = 'nothing left to discount on its target';
        continue;
      }
      entry.applied = true;
      entry.reason = describeApplied(D);
      if (group) groups.add(group);
    }
  }

  // Invoice-level discounts: a rule acts once if it fired for any subscription (the first one's
  // cycle and coupons decide its gates).
  const post = rules.post;
  const invoiceGroups = new Set<string>();
  for (let j = 0; j < post.rules.length; j++) {
    const r = post.rules[j];
    if (!r.discount || !r.invoiceLevel) continue;
    const firedFor = subs.filter((s) => s.post![j] === 1);
    if (firedFor.length === 0) continue;
    const entries = firedFor.map((s) => s.postTrace[j]);
    const s0 = firedFor.find((s) => gate(r, s) === null);
    if (!s0) {
      entries.forEach((e, i) => (e.reason = gate(r, firedFor[i])!));
      continue;
    }
    const entry = s0.postTrace[j];
    const group = r.doc.exclusiveGroup;
    const others = entries.filter((e) => e !== entry);
    others.forEach((e) => (e.reason = 'invoice-level rule: acted once, see subscription ' + s0.index));
    if (group && invoiceGroups.has(group)) {
      entry.reason = `exclusive group "${group}" already applied`;
      continue;
    }
    const D = applyDiscount(r, subs.flatMap((s) => s.lines.filter((l) => l.kind === 'charge')));
    if (D.isZero()) {
      entry.reason = 'nothing left to discount';
      continue;
    }
    entry.applied = true;
    entry.reason = describeApplied(D);
    if (group) invoiceGroups.add(group);
  }

  // ---------------------------------------------------------------- tax
  // Per tax name: each line is taxed by the first rule of that name (priority order) that fired
  // for the line's subscription and covers its component. Exact amounts are summed per name and
  // rounded once per name; when several rules share a name the rounded amount is split between
  // them by the same largest-remainder allocation as discounts, so each line still names its rule.
  const taxNames: string[] = [];
  const taxByName = new Map<string, Map<string, Decimal>>();
  for (const s of subs) {
    const byName = new Map<string, { rule: PreparedRule; entry: TraceEntry }[]>();
    for (let j = 0; j < post.rules.length; j++) {
      const r = post.rules[j];
      if (!r.tax || s.post![j] !== 1) continue;
      const entry = s.postTrace[j];
      const blocked = gate(r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const list = byName.get(r.tax.name) ?? [];
      list.push({ rule: r, entry });
      byName.set(r.tax.name, list);
    }
    for (const [name, candidates] of byName) {
      for (const l of s.lines) {
        const c = candidates.find((x) => !x.rule.tax!.components || (l.component !== undefined && x.rule.tax!.components.includes(l.component)));
        if (!c) continue;
        if (!taxByName.has(name)) {
          taxByName.set(name, new Map());
          taxNames.push(name);
        }
        const m = taxByName.get(name)!;
        m.set(c.rule.id, (m.get(c.rule.id) ?? ZERO).plus(l.net.times(c.rule.tax!.fraction)));
        c.entry.applied = true;
        c.entry.reason = `taxes ${name}`;
      }
      for (const c of candidates) if (!c.entry.applied) c.entry.reason = `no line left for ${name} (a higher-priority ${name} rule covers them)`;
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
  const pointGroups = new Set<string>();
  for (let j = 0; j < post.rules.length; j++) {
    const r = post.rules[j];
    if (!r.points) continue;
    const s = subs.find((x) => x.post![j] === 1 && gate(r, x) === null);
    if (!s) continue;
    const entry = s.postTrace[j];
    const group = r.doc.exclusiveGroup;
    if (group && pointGroups.has(group)) {
      entry.reason = `exclusive group "${group}" already applied`;
      continue;
    }
    const points = r.points.fraction !== undefined ? roundTo(earnedBase.times(r.points.fraction), places, 'down') : r.points.amount!;
    pointsEarned.push({ rule: r.id, points: toMoneyString(points, currency), expiresInDays: r.points.expiresInDays });
    entry.applied = true;
    entry.reason = `earns ${toMoneyString(points, currency)} points when paid`;
    if (group) pointGroups.add(group);
  }
  for (const e of trace) if (e.fired && !e.applied && e.reason === '') e.reason = 'fired; nothing to act on';

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
    redemptions: [...redeemed.entries()].filter(([, a]) => a.greaterThan(0)).map(([rule, a]) => ({ rule, amount: m(a) })),
    taxExact,
  };
}
