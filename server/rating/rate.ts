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
 */
import { currencyDecimals, parseDecimal, type RoundingMode } from '../lib/money';
import { explainConditions } from '../rules/compile';
import type { FactMap } from '../rules/facts';
import { subscriptionFacts } from './subscription-facts';
import type { RuleDoc } from '../rules/schema';
import { isPreparedRules, preparePlanLite, prepareRules, type PreparedComponent, type PreparedPlanLite, type PreparedRule, type PreparedRules } from './prepare';
import { billableDays } from './proration';
import { NotExact, POW10, SC0, add, allocateInt, exactMinor, formatMinor, mul, notExact, ratioToMinor, roundDiv, scAdd, scaled, toMinor, type Sc } from './exact';
import { priceExact, type ExactUsage } from './pricing/exact';
import type { Pricing } from '../rules/schema';
import type { RatedLine, RateOptions, RatingInput, RatingResult, SubscriptionInput, TraceEntry } from './types';
import { rateReference } from './rate-reference';

type Rule = PreparedRule & { conditions: RuleDoc['conditions'] };

/** Per-rule numbers of the fast path, parsed once per prepared rule. */
interface FastRule {
  pct?: Sc; // percent (10 → {10,0}); fraction = pct / 100
  amount?: Sc;
  maxAmount?: Sc;
  budget?: Sc;
  taxRate?: Sc;
  earnPct?: Sc;
  earnAmount?: Sc;
  units?: Sc;
}
const fastRules = new WeakMap<PreparedRule, FastRule>();
function fastRule(r: PreparedRule): FastRule {
  let f = fastRules.get(r);
  if (f) return f;
  const p = (r.doc.event.params ?? {}) as Record<string, any>;
  f = {};
  if (r.discount) {
    if (p.percent !== undefined) f.pct = scaled(p.percent);
    if (p.amount !== undefined) f.amount = scaled(p.amount);
    if (p.maxAmount !== undefined) f.maxAmount = scaled(p.maxAmount);
  }
  if (p.budget !== undefined && r.kind === 'promotion') f.budget = scaled(p.budget);
  if (r.tax) f.taxRate = scaled(p.rate);
  if (r.points) {
    if (p.earnPercent !== undefined) f.earnPct = scaled(p.earnPercent);
    if (p.earnAmount !== undefined) f.earnAmount = scaled(p.earnAmount);
  }
  if (r.effect?.type === 'free_units') f.units = scaled((r.kind === 'promotion' ? p.effect.units : p.units) as string | number);
  fastRules.set(r, f);
  return f;
}

interface ChargeLine {
  subscription: number;
  component?: string;
  kind: 'charge' | 'minimum';
  quantity: string;
  /** Minor units. */
  amount: number;
  description: string;
  /** What is left after discounts (minor units); tax applies to it. */
  net: number;
  planCode: string;
  discounts: { rule: string; amount: number }[] | null;
}

interface SubState {
  index: number;
  sub: SubscriptionInput;
  plan: PreparedPlanLite;
  facts: FactMap;
  cycleIndex: number;
  coupons: readonly string[];
  lines: ChargeLine[];
  post?: Uint8Array;
  postTrace: TraceEntry[];
}

/** How Decimal(x).toString() writes a quantity (fast for the usual integers). */
function qtyString(x: string | number | undefined | null): string {
  if (x === undefined || x === null) return '0';
  if (typeof x === 'number') {
    if (Number.isSafeInteger(x) && !Object.is(x, -0)) return String(x);
    return parseDecimal(x).toString();
  }
  if (/^(0|[1-9]\d{0,14})$/.test(x)) return x;
  return parseDecimal(x).toString();
}
const toQ = (x: string | number | undefined | null): Sc => (x === undefined || x === null ? SC0 : scaled(x));

/** How often rate() fell back to the reference implementation (diagnostics, tests). */
export const rateStats = { fast: 0, fallbacks: 0 };

export function rate(input: RatingInput, options: RateOptions): RatingResult {
  const rules = isPreparedRules(options.rules) ? options.rules : prepareRules(options.rules);
  const opts = rules === options.rules ? options : { ...options, rules };
  if (options.engine === 'reference') return rateReference(input, opts);
  try {
    const r = rateFast(input, opts, rules);
    rateStats.fast++;
    return r;
  } catch (e) {
    if (e instanceof NotExact) {
      rateStats.fallbacks++;
      return rateReference(input, opts);
    }
    throw e;
  }
}

/**
 * State of one rateFast() call, passed to the module-level helpers (no per-call closures). Not
 * the request context (server/lib/context.ts): rating is pure and never sees one.
 */
interface RatingState {
  currency: string;
  mode: RoundingMode;
  places: number;
  full: boolean;
  period: { start: string; end: string };
  usageBook: RatingInput['promotionUsage'];
  trace: TraceEntry[];
  /** Promotion/coupon consumption on this invoice (budgets are tracked only when usage is given). */
  redeemed: Map<string, number>;
}

/** Per compiled pack, computed once: trace-facts builders and the rule indexes of each phase. */
interface PackInfo {
  /** Builds the `facts` object of a trace entry (the values of the facts the rule reads). */
  used: ((f: FactMap) => Record<string, unknown>)[];
  invoiceLevel: number[];
  tax: number[];
  points: number[];
}
const packInfos = new WeakMap<object, PackInfo>();
function packInfo(pack: PreparedRules['pre']): PackInfo {
  let info = packInfos.get(pack);
  if (info) return info;
  const invoiceLevel: number[] = [];
  const tax: number[] = [];
  const points: number[] = [];
  pack.rules.forEach((r, j) => {
    if (r.discount && r.invoiceLevel) invoiceLevel.push(j);
    if (r.tax) tax.push(j);
    if (r.points) points.push(j);
  });
  info = { used: pack.factsByRule.map(usedBuilder), invoiceLevel, tax, points };
  packInfos.set(pack, info);
  return info;
}
const SAFE_FACT_NAME = /^[A-Za-z0-9_.-]+$/;
/**
 * `{ [name]: facts[name] ?? null, ... }` for a rule's fact names, in their order. Compiled to an
 * object literal (one allocation, one hidden class) when every name is a plain catalog-style
 * name; otherwise (or without code generation) the generic loop.
 */
function usedBuilder(names: readonly string[]): (f: FactMap) => Record<string, unknown> {
  const generic = (f: FactMap) => {
    const used: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = f[names[i]];
      used[names[i]] = v === undefined ? null : v;
    }
    return used;
  };
  if (!names.every((n) => SAFE_FACT_NAME.test(n) && n !== '__proto__')) return generic;
  try {
    const body = names.map((n) => `${JSON.stringify(n)}: (v = f[${JSON.stringify(n)}]) === undefined ? null : v`).join(',\n');
    return new Function('f', `let v;\nreturn {\n${body}\n};`) as (f: FactMap) => Record<string, unknown>;
  } catch {
    return generic;
  }
}

function budgetLeft(x: RatingState, r: PreparedRule): number | undefined {
  if (!x.usageBook || r.budget === undefined) return undefined;
  const e = x.usageBook[r.id];
  const start = e?.remainingBudget != null ? exactMinor(scaled(e.remainingBudget), x.places) : exactMinor(fastRule(r).budget!, x.places);
  const left = start - (x.redeemed.get(r.id) ?? 0);
  return left > 0 ? left : 0;
}
function redeem(x: RatingState, r: PreparedRule, amount: number) {
  if (r.kind === 'coupon' || r.kind === 'promotion') x.redeemed.set(r.id, add(x.redeemed.get(r.id) ?? 0, amount));
}

/** Why a fired rule may not act here (null = it may). Exclusive groups are checked by callers. */
function gate(x: RatingState, r: PreparedRule, s: SubState): string | null {
  const d = r.doc;
  if (d.validFrom && x.period.start < d.validFrom) return `not valid before ${d.validFrom}`;
  if (d.validTo && x.period.start > d.validTo) return `valid until ${d.validTo}`;
  if (d.currency && d.currency !== x.currency) return `rule is for ${d.currency} invoices`;
  if (r.cycles !== undefined && s.cycleIndex > r.cycles) return `applies to the first ${r.cycles} cycle(s); this is cycle ${s.cycleIndex}`;
  if (r.couponCode !== undefined && s.coupons.indexOf(r.couponCode) < 0) return `coupon ${r.couponCode} not presented`;
  const usageBook = x.usageBook;
  if (usageBook && (r.kind === 'coupon' || r.kind === 'promotion')) {
    const e = usageBook[r.id] ?? {};
    if (!x.redeemed.has(r.id)) {
      if (r.maxRedemptions !== undefined && (e.redemptions ?? 0) >= r.maxRedemptions) return `all ${r.maxRedemptions} redemptions used`;
      if (r.perCustomer !== undefined && (e.customerRedemptions ?? 0) >= r.perCustomer) return `customer already redeemed it ${r.perCustomer} time(s)`;
    }
    const left = budgetLeft(x, r);
    if (left !== undefined && left === 0) return 'budget exhausted';
  }
  return null;
}

function traceEntry(x: RatingState, r: Rule, s: SubState, fired: boolean, used: (f: FactMap) => Record<string, unknown>): TraceEntry {
  const f = s.facts;
  const e: TraceEntry = { rule: r.id, kind: r.kind, version: r.version, subscription: s.index, fired, applied: false, reason: fired ? '' : 'conditions not met', facts: used(f) };
  if (x.full) e.conditions = explainConditions(r.conditions, f);
  x.trace.push(e);
  return e;
}

function matchingComponents(plan: PreparedPlanLite, r: PreparedRule): PreparedComponent[] {
  const e = r.effect!;
  if (e.type === 'price_override') return plan.components.filter((c) => c.code === e.component && c.type !== 'flat');
  return plan.components.filter((c) => (e.meter !== undefined ? c.meter === e.meter : c.quantityKey === e.quantityKey && c.type === 'quantity'));
}

function proratedMinor(x: RatingState, v: Sc, prorate: boolean, bd: number, pd: number): number {
  if (bd <= 0) return 0;
  if (!prorate || bd === pd) return toMinor(v, x.places, x.mode);
  return ratioToMinor(v, bd, pd, x.places, x.mode);
}

/** `${plan name} · ${component label}` per component, computed once per (components, name). */
const labelCache = new WeakMap<readonly PreparedComponent[], { name: string; labels: string[] }>();
function componentLabels(components: readonly PreparedComponent[], name: string): string[] {
  const hit = labelCache.get(components);
  if (hit && hit.name === name) return hit.labels;
  const labels = components.map((c) => `${name} · ${c.label}`);
  labelCache.set(components, { name, labels });
  return labels;
}

type PromoEffect = { rule: PreparedRule; entry: TraceEntry; component: string; free?: Sc; pricing?: Pricing };

function priceSubscription(x: RatingState, rules: PreparedRules, s: SubState) {
  const { plan, sub } = s;
  const places = x.places;
  const mode = x.mode;
  const pre = rules.pre;
  let freeUnits: Map<string, { units: Sc; rules: string[] }> | undefined;
  let overrides: Map<string, { pricing: Pricing; rule: string }> | undefined;
  let promoEffects: PromoEffect[] | undefined;
  if (pre.rules.length > 0) {
    const fired = pre.evaluate(s.facts);
    const used = packInfo(pre).used;
    let groups: Set<string> | undefined;
    for (let j = 0; j < pre.rules.length; j++) {
      const r = pre.rules[j];
      const entry = traceEntry(x, r, s, fired[j] === 1, used[j]);
      if (!entry.fired) continue;
      const blocked = gate(x, r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const group = r.doc.exclusiveGroup;
      if (group && groups?.has(group)) {
        entry.reason = `exclusive group "${group}" already applied`;
        continue;
      }
      const targets = matchingComponents(plan, r);
      if (targets.length === 0) {
        entry.reason = 'the plan has no matching component';
        continue;
      }
      const e = r.effect!;
      if (r.kind === 'promotion') {
        promoEffects ??= [];
        for (const c of targets) {
          promoEffects.push(e.type === 'free_units' ? { rule: r, entry, component: c.code, free: fastRule(r).units } : { rule: r, entry, component: c.code, pricing: e.pricing as never });
        }
        entry.reason = 'pending pricing';
      } else if (e.type === 'free_units') {
        const units = fastRule(r).units!;
        freeUnits ??= new Map();
        for (const c of targets) {
          const cur = freeUnits.get(c.code) ?? { units: SC0, rules: [] };
          freeUnits.set(c.code, { units: scAdd(cur.units, units), rules: [...cur.rules, r.id] });
        }
        entry.applied = true;
        entry.reason = `${e.units} free unit(s)`;
      } else {
        overrides ??= new Map();
        const free = targets.filter((c) => !overrides!.has(c.code));
        if (free.length === 0) {
          entry.reason = 'component already overridden by a higher-priority rule';
          continue;
        }
        for (const c of free) overrides.set(c.code, { pricing: e.pricing as never, rule: r.id });
        entry.applied = true;
        entry.reason = 'price overridden';
      }
      if (group) (groups ??= new Set()).add(group);
    }
  }

  const days = billableDays(x.period, sub.startDate, sub.endDate, plan.trialDays);
  const bd = days.billableDays;
  const pd = days.periodDays;
  const dayNote = bd === pd ? '' : days.trialDays > 0 ? ` (${bd}/${pd} days after ${days.trialDays} trial day(s))` : ` (${bd}/${pd} days)`;
  const name = plan.doc.name;
  const comps = plan.doc.components;
  const labels = componentLabels(plan.components, name);
  for (let ci = 0; ci < plan.components.length; ci++) {
    const c = plan.components[ci];
    let amount: number;
    let quantity: string;
    let note = '';
    if (c.type === 'flat') {
      quantity = '1';
      amount = proratedMinor(x, fastFlat(comps[ci] as { amount: string }), c.prorate, bd, pd);
      if (c.prorate || bd <= 0) note = dayNote;
    } else {
      let pricing = (comps[ci] as { pricing: Pricing }).pricing;
      let extra: Sc = SC0;
      const ov = overrides?.get(c.code);
      if (ov) {
        pricing = ov.pricing;
        note += ` [price by ${ov.rule}]`;
      }
      const fu = freeUnits?.get(c.code);
      if (fu) {
        extra = fu.units;
        note += ` [${fmtSc(fu.units)} free by ${fu.rules.join(', ')}]`;
      }
      let usage: ExactUsage;
      if (c.type === 'quantity') {
        const q = sub.quantities?.[c.quantityKey!];
        usage = { quantity: toQ(q) };
        quantity = qtyString(q);
      } else {
        const u = sub.usage?.[c.meter!];
        if (typeof u === 'object' && u !== null) {
          const a = toQ(u.amount);
          usage = { quantity: a, amount: a, count: toQ(u.count) };
          quantity = qtyString(u.amount);
        } else {
          usage = { quantity: toQ(u) };
          quantity = qtyString(u);
        }
      }
      const isQty = c.type === 'quantity';
      let charged = isQty ? proratedMinor(x, priceExact(pricing, extra, usage), c.prorate, bd, pd) : toMinor(priceExact(pricing, extra, usage), places, mode);
      if (promoEffects) {
        for (const pe of promoEffects) {
          if (pe.component !== c.code) continue;
          const candP = pe.pricing ? pe.pricing : pricing;
          const candEx = pe.pricing ? SC0 : scAdd(extra, pe.free!);
          const after = isQty ? proratedMinor(x, priceExact(candP, candEx, usage), c.prorate, bd, pd) : toMinor(priceExact(candP, candEx, usage), places, mode);
          const reduction = charged > after ? charged - after : 0;
          const left = budgetLeft(x, pe.rule);
          if (left !== undefined && left < reduction) {
            if (!pe.entry.applied) pe.entry.reason = `budget left ${formatMinor(left, places)} is less than the reduction ${formatMinor(reduction, places)}`;
            continue;
          }
          pricing = candP;
          extra = candEx;
          charged = after;
          redeem(x, pe.rule, reduction);
          pe.entry.applied = true;
          pe.entry.reason = `reduces ${c.code} by ${formatMinor(reduction, places)}`;
          note += ` [promotion ${pe.rule.id}]`;
        }
      }
      amount = charged;
      if (isQty && c.prorate) note = dayNote + note;
    }
    s.lines.push({
      subscription: s.index,
      component: c.code,
      kind: 'charge',
      quantity,
      amount,
      net: amount,
      description: note === '' ? labels[ci] : labels[ci] + note,
      planCode: plan.doc.code,
      discounts: null,
    });
  }
  if (promoEffects) for (const pe of promoEffects) if (pe.entry.reason === 'pending pricing') pe.entry.reason = 'no reduction';

  if (plan.doc.minimumAmount !== undefined) {
    // Lago prorates a minimum commitment like the subscription fee; so do we.
    const minimum = proratedMinor(x, fastFlat(plan.doc as { minimumAmount: string }, 'minimumAmount'), true, bd, pd);
    let charges = 0;
    for (const l of s.lines) charges = add(charges, l.amount);
    if (charges < minimum) {
      const diff = minimum - charges;
      s.lines.push({
        subscription: s.index,
        kind: 'minimum',
        quantity: '1',
        amount: diff,
        net: diff,
        description: `${name} · minimum ${formatMinor(minimum, places)} true-up`,
        planCode: plan.doc.code,
        discounts: null,
      });
    }
  }
}

function billSubtotal(s: SubState): number {
  let a = 0;
  for (const l of s.lines) a = add(a, l.amount);
  return a;
}

/** Applies one discount to target lines; returns the amount taken off (minor units). */
function applyDiscount(x: RatingState, r: PreparedRule, targets: ChargeLine[]): number {
  const fr = fastRule(r);
  const mode = x.mode;
  const remaining = new Array<number>(targets.length);
  let R = 0;
  for (let i = 0; i < targets.length; i++) R = add(R, (remaining[i] = targets[i].net));
  if (R <= 0) return 0;
  let D = fr.pct !== undefined ? (fr.pct.s + 2 > 15 ? notExact() : roundDiv(mul(R, fr.pct.n), POW10[fr.pct.s + 2], mode)) : toMinor(fr.amount!, x.places, mode);
  if (fr.maxAmount !== undefined) D = Math.min(D, exactMinor(fr.maxAmount, x.places));
  const left = budgetLeft(x, r);
  if (left !== undefined) D = Math.min(D, left);
  D = Math.min(D, R);
  if (D <= 0) return 0;
  const shares = allocateInt(D, remaining);
  for (let i = 0; i < targets.length; i++) {
    if (shares[i] === 0) continue;
    const l = targets[i];
    l.net -= shares[i];
    (l.discounts ??= []).push({ rule: r.id, amount: shares[i] });
  }
  redeem(x, r, D);
  return D;
}
function targetLines(r: PreparedRule, s: SubState): ChargeLine[] {
  const t = r.discount!.target;
  // minimum true-up lines are not discountable
  const charges = s.lines.filter((l) => l.kind === 'charge');
  if (!t || t === 'invoice') return charges;
  return charges.filter((l) => (!t.components || t.components.includes(l.component!)) && (!t.plans || t.plans.includes(l.planCode)));
}
function balanceMinor(v: string | undefined, places: number): number {
  if (v === undefined) return 0;
  const b = toMinor(scaled(v), places, 'down');
  return b > 0 ? b : 0;
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
  const invoiceCoupons = input.coupons ?? [];
  const x: RatingState = { currency, mode, places, full: (options.trace ?? 'full') === 'full', period: input.period, usageBook: input.promotionUsage, trace, redeemed: new Map() };

  // ---------------------------------------------------------------- 1. pricing per subscription
  const inSubs = input.subscriptions;
  const subs: SubState[] = new Array(inSubs.length);
  for (let index = 0; index < inSubs.length; index++) {
    const sub = inSubs[index];
    const plan = preparePlanLite(sub.plan);
    const cycleIndex = sub.cycleIndex ?? 1;
    const own = sub.coupons;
    const coupons = own && own.length > 0 ? (invoiceCoupons.length > 0 ? [...invoiceCoupons, ...own] : own) : invoiceCoupons;
    const facts = subscriptionFacts(input, sub, rules.referencedFacts);
    subs[index] = { index, sub, plan, facts, cycleIndex, coupons, lines: [], postTrace: [] };
  }

  for (const s of subs) priceSubscription(x, rules, s);

  let invoiceSubtotal = 0;
  for (const s of subs) invoiceSubtotal = add(invoiceSubtotal, billSubtotal(s));
  const scale = POW10[places];

  // ---------------------------------------------------------------- discounts
  // Subscription-level discounts (and evaluation of every post-pricing rule per subscription).
  const post = rules.post;
  const info = packInfo(post);
  const used = info.used;
  for (const s of subs) {
    s.facts['bill.subtotal'] = billSubtotal(s) / scale;
    s.facts['invoice.subtotal'] = invoiceSubtotal / scale;
    s.post = post.evaluate(s.facts);
    let groups: Set<string> | undefined;
    for (let j = 0; j < post.rules.length; j++) {
      const r = post.rules[j];
      const entry = traceEntry(x, r, s, s.post[j] === 1, used[j]);
      s.postTrace.push(entry);
      if (!entry.fired || !r.discount || r.invoiceLevel) continue;
      const blocked = gate(x, r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const group = r.doc.exclusiveGroup;
      if (group && groups?.has(group)) {
        entry.reason = `exclusive group "${group}" already applied`;
        continue;
      }
      const D = applyDiscount(x, r, targetLines(r, s));
      if (D === 0) {
        entry.reason = 'nothing left to discount on its target';
        continue;
      }
      entry.applied = true;
      entry.reason = `took off ${formatMinor(D, places)}`;
      if (group) (groups ??= new Set()).add(group);
    }
  }

  // Invoice-level discounts: a rule acts once if it fired for any subscription (the first one's
  // cycle and coupons decide its gates).
  let invoiceGroups: Set<string> | undefined;
  for (const j of info.invoiceLevel) {
    const r = post.rules[j];
    const firedFor = subs.filter((s) => s.post![j] === 1);
    if (firedFor.length === 0) continue;
    const entries = firedFor.map((s) => s.postTrace[j]);
    const s0 = firedFor.find((s) => gate(x, r, s) === null);
    if (!s0) {
      entries.forEach((e, i) => (e.reason = gate(x, r, firedFor[i])!));
      continue;
    }
    const entry = s0.postTrace[j];
    const group = r.doc.exclusiveGroup;
    const others = entries.filter((e) => e !== entry);
    others.forEach((e) => (e.reason = 'invoice-level rule: acted once, see subscription ' + s0.index));
    if (group && invoiceGroups?.has(group)) {
      entry.reason = `exclusive group "${group}" already applied`;
      continue;
    }
    const D = applyDiscount(x, r, subs.flatMap((s) => s.lines.filter((l) => l.kind === 'charge')));
    if (D === 0) {
      entry.reason = 'nothing left to discount';
      continue;
    }
    entry.applied = true;
    entry.reason = `took off ${formatMinor(D, places)}`;
    if (group) (invoiceGroups ??= new Set()).add(group);
  }

  // ---------------------------------------------------------------- tax
  // Per tax name: each line is taxed by the first rule of that name (priority order) that fired
  // for the line's subscription and covers its component. Exact amounts (integers in units of
  // 10^-(places + TAX_SCALE)) are summed per name and rounded once per name; several rules of
  // one name split the rounded amount by largest remainder, so each line still names its rule.
  const TAX_SCALE = 8; // rate (percent) up to 6 decimals: net × rate × 10^(6 − rate.s)
  const taxNames: string[] = [];
  const taxByName = new Map<string, Map<string, number>>();
  for (const s of subs) {
    let byName: Map<string, { rule: PreparedRule; entry: TraceEntry }[]> | undefined;
    for (const j of info.tax) {
      const r = post.rules[j];
      if (s.post![j] !== 1) continue;
      const entry = s.postTrace[j];
      const blocked = gate(x, r, s);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      byName ??= new Map();
      const list = byName.get(r.tax!.name) ?? [];
      list.push({ rule: r, entry });
      byName.set(r.tax!.name, list);
    }
    if (!byName) continue;
    for (const [name, candidates] of byName) {
      for (const l of s.lines) {
        const c = candidates.find((x) => !x.rule.tax!.components || (l.component !== undefined && x.rule.tax!.components.includes(l.component)));
        if (!c) continue;
        let m = taxByName.get(name);
        if (!m) {
          taxByName.set(name, (m = new Map()));
          taxNames.push(name);
        }
        const rt = fastRule(c.rule).taxRate!;
        if (rt.s > TAX_SCALE - 2) notExact();
        const exact = mul(mul(l.net, rt.n), POW10[TAX_SCALE - 2 - rt.s]);
        m.set(c.rule.id, add(m.get(c.rule.id) ?? 0, exact));
        c.entry.applied = true;
        c.entry.reason = `taxes ${name}`;
      }
      for (const c of candidates) if (!c.entry.applied) c.entry.reason = `no line left for ${name} (a higher-priority ${name} rule covers them)`;
    }
  }
  const taxLines: RatedLine[] = [];
  const taxExact: RatingResult['taxExact'] = [];
  let taxTotal = 0;
  for (const name of taxNames) {
    const m = taxByName.get(name)!;
    for (const [rule, v] of m) taxExact.push({ rule, name, amount: formatMinor(v, places + TAX_SCALE) });
    let sum = 0;
    for (const v of m.values()) sum = add(sum, v);
    const rounded = roundDiv(sum, POW10[TAX_SCALE], mode);
    if (m.size === 1) {
      const id = m.keys().next().value as string;
      if (rounded !== 0) taxLines.push({ kind: 'tax', rule: id, name, amount: formatMinor(rounded, places) });
    } else {
      const ids = [...m.keys()];
      const shares = allocateInt(rounded, [...m.values()]);
      for (let i = 0; i < ids.length; i++) {
        if (shares[i] === 0) continue;
        taxLines.push({ kind: 'tax', rule: ids[i], name, amount: formatMinor(shares[i], places) });
      }
    }
    taxTotal = add(taxTotal, rounded);
  }

  // ---------------------------------------------------------------- totals
  let subtotal = 0;
  let discountTotal = 0;
  for (const s of subs)
    for (const l of s.lines) {
      subtotal = add(subtotal, l.amount);
      if (l.discounts) for (const d of l.discounts) discountTotal = add(discountTotal, d.amount);
    }
  const total = add(subtotal - discountTotal, taxTotal);
  const prepaidApplied = Math.min(balanceMinor(input.prepaidBalance, places), total);
  const pointsApplied = Math.min(balanceMinor(input.pointsBalance, places), total - prepaidApplied);
  const amountDue = total - prepaidApplied - pointsApplied;

  // Points: earned on what is paid with money (total minus points spent), rounded down.
  const pointsEarned: RatingResult['pointsEarned'] = [];
  const earnedBase = total - pointsApplied;
  let pointGroups: Set<string> | undefined;
  for (const j of info.points) {
    const r = post.rules[j];
    let s: SubState | undefined;
    for (const y of subs)
      if (y.post![j] === 1 && gate(x, r, y) === null) {
        s = y;
        break;
      }
    if (!s) continue;
    const entry = s.postTrace[j];
    const group = r.doc.exclusiveGroup;
    if (group && pointGroups?.has(group)) {
      entry.reason = `exclusive group "${group}" already applied`;
      continue;
    }
    const fr = fastRule(r);
    let points: number;
    if (fr.earnPct !== undefined) {
      if (fr.earnPct.s + 2 > 15) notExact();
      points = roundDiv(mul(earnedBase, fr.earnPct.n), POW10[fr.earnPct.s + 2], 'down');
    } else points = toMinor(fr.earnAmount!, places, 'half_up');
    const p = formatMinor(points, places);
    pointsEarned.push({ rule: r.id, points: p, expiresInDays: r.points!.expiresInDays });
    entry.applied = true;
    entry.reason = `earns ${p} points when paid`;
    if (group) (pointGroups ??= new Set()).add(group);
  }
  for (const e of trace) if (e.fired && !e.applied && e.reason === '') e.reason = 'fired; nothing to act on';

  const lines: RatedLine[] = [];
  for (const s of subs)
    for (const l of s.lines) {
      const amount = formatMinor(l.amount, places);
      if (l.component !== undefined) lines.push({ subscription: l.subscription, component: l.component, kind: l.kind, quantity: l.quantity, amount, description: l.description });
      else lines.push({ subscription: l.subscription, kind: l.kind, quantity: l.quantity, amount, description: l.description });
      if (l.discounts)
        for (const d of l.discounts) {
          lines.push(l.component !== undefined ? { subscription: l.subscription, component: l.component, kind: 'discount', rule: d.rule, amount: formatMinor(-d.amount, places) } : { subscription: l.subscription, kind: 'discount', rule: d.rule, amount: formatMinor(-d.amount, places) });
        }
    }
  for (const t of taxLines) lines.push(t);

  let plans: { code: string; version: number | string | null }[];
  if (subs.length === 1) {
    const d = subs[0].plan.doc;
    plans = [{ code: d.code, version: d.version ?? null }];
  } else {
    const planVersions = new Map<string, { code: string; version: number | string | null }>();
    for (const s of subs) planVersions.set(`${s.plan.doc.code}@${s.plan.doc.version ?? ''}`, { code: s.plan.doc.code, version: s.plan.doc.version ?? null });
    plans = [...planVersions.values()];
  }
  const redemptions: RatingResult['redemptions'] = [];
  for (const [rule, a] of x.redeemed) if (a > 0) redemptions.push({ rule, amount: formatMinor(a, places) });
  return {
    currency,
    lines,
    subtotal: formatMinor(subtotal, places),
    discountTotal: formatMinor(discountTotal, places),
    taxTotal: formatMinor(taxTotal, places),
    total: formatMinor(total, places),
    prepaidApplied: formatMinor(prepaidApplied, places),
    pointsApplied: formatMinor(pointsApplied, places),
    amountDue: formatMinor(amountDue, places),
    trace,
    versions: { plans, rules: ruleVersions(rules) },
    pointsEarned,
    redemptions,
    taxExact,
  };
}

const flatCache = new WeakMap<object, Sc>();
/** A plan's flat amount (or minimumAmount) as an exact scaled integer, parsed once per document. */
function fastFlat(doc: object, key: 'amount' | 'minimumAmount' = 'amount'): Sc {
  if (key === 'amount') {
    let v = flatCache.get(doc);
    if (!v) flatCache.set(doc, (v = scaled((doc as { amount: string }).amount)));
    return v;
  }
  return scaled((doc as { minimumAmount: string }).minimumAmount);
}
/** Decimal(units).toString() for free units. */
function fmtSc(v: Sc): string {
  let { n, s } = v;
  while (s > 0 && n % 10 === 0) {
    n /= 10;
    s--;
  }
  return n === 0 ? '0' : formatMinor(n, s);
}
