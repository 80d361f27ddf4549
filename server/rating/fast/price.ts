/**
 * Step 1 of the fast path: pricing one subscription. The pre-pricing rules (free_units,
 * price_override, promotions with such an effect) are evaluated with bill/invoice subtotals
 * unknown, then every component is priced into one rounded charge line, then the minimum
 * true-up. Which rule may act is the shared policy (../policy.ts).
 */
import { Decimal, ZERO, parseDecimal } from '../../lib/money';
import { createPricer, flatPricing } from '../pricing';
import type { Pricing } from '../../rules/schema';
import { componentCharges, detailNote, type SlotCharge } from '../charge-timing';
import { SC0, formatMinor, mul, ratioToMinor, scAdd, scSub, scaled, toMinor, type Sc } from '../exact';
import { REASON, effectComponents, mayAct, minimumTrueUp, takeGroup, trueUpDescription } from '../policy';
import type { PreparedComponent, PreparedRule, PreparedRules } from '../prepare';
import { priceExact, type ExactUsage } from '../pricing/exact';
import { billableDays } from '../proration';
import type { LinePricing, TraceEntry } from '../types';
import { fastRule, minorAmounts, proratedMinor, traceEntry, traceFactBuilders, type ChargeLine, type RatingState, type SubState } from './state';

/** Usage components are priced once, for the invoice's period. */
const USAGE_ONLY: readonly (SlotCharge | undefined)[] = [undefined];

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

export function priceSubscription(x: RatingState, rules: PreparedRules, s: SubState): void {
  const { plan, sub } = s;
  const places = x.places;
  const mode = x.mode;
  const pre = rules.pre;
  let freeUnits: Map<string, { units: Sc; rules: string[] }> | undefined;
  let overrides: Map<string, { pricing: Pricing; rule: string }> | undefined;
  let promoEffects: PromoEffect[] | undefined;
  if (pre.rules.length > 0) {
    const fired = pre.evaluate(s.facts);
    const used = traceFactBuilders(pre);
    let groups: Set<string> | undefined;
    for (let j = 0; j < pre.rules.length; j++) {
      const r = pre.rules[j];
      const entry = traceEntry(x, r, s, fired[j] === 1, used[j]);
      if (!entry.fired) continue;
      const blocked = mayAct(x, r, s, groups);
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
        promoEffects ??= [];
        for (const c of targets) {
          promoEffects.push(e.type === 'free_units' ? { rule: r, entry, component: c.code, free: fastRule(r).units } : { rule: r, entry, component: c.code, pricing: e.pricing as never });
        }
        entry.reason = REASON.pendingPricing;
      } else if (e.type === 'free_units') {
        const units = fastRule(r).units!;
        freeUnits ??= new Map();
        for (const c of targets) {
          const cur = freeUnits.get(c.code) ?? { units: SC0, rules: [] };
          freeUnits.set(c.code, { units: scAdd(cur.units, units), rules: [...cur.rules, r.id] });
        }
        entry.applied = true;
        entry.reason = REASON.freeUnits(e.units);
      } else {
        overrides ??= new Map();
        const free = targets.filter((c) => !overrides!.has(c.code));
        if (free.length === 0) {
          entry.reason = REASON.overridden;
          continue;
        }
        for (const c of free) overrides.set(c.code, { pricing: e.pricing as never, rule: r.id });
        entry.applied = true;
        entry.reason = REASON.priceOverridden;
      }
      groups = takeGroup(groups, r);
    }
  }

  const days = billableDays(x.period, sub.startDate, sub.endDate, plan.trialDays);
  const name = plan.doc.name;
  const comps = plan.doc.components;
  const labels = componentLabels(plan.components, name);
  for (let ci = 0; ci < plan.components.length; ci++) {
    const c = plan.components[ci];
    const charges = c.type === 'usage' ? USAGE_ONLY : componentCharges(c, s.slots);
    for (let k = 0; k < charges.length; k++) {
      const ch = charges[k];
      const d = ch ? ch.slot : days;
      const prorating = !ch || ch.how === 'prorated';
      // One-time and installment amounts are never prorated: price them as for a whole period.
      const bd = prorating ? d.billableDays : 1;
      const pd = prorating ? d.periodDays : 1;
      const dayNote = !prorating || bd === pd ? '' : d.trialDays > 0 ? ` (${bd}/${pd} days after ${d.trialDays} trial day(s))` : ` (${bd}/${pd} days)`;
      let amount: number;
      let quantity: string;
      let note = '';
      let pricingOut: LinePricing | undefined;
      if (c.type === 'flat') {
        quantity = '1';
        const v = fastFlat(comps[ci] as { amount: string });
        if (ch?.how === 'installment') {
          // Installments 1..N-1 are amount / N rounded; installment N carries the remainder.
          const each = ratioToMinor(v, 1, ch.n, places, mode);
          // An accelerated line (installments k..N, `through`) is the amount less installments 1..k−1.
          amount = ch.k < ch.n && !ch.through ? each : toMinor(scSub(v, { n: mul(each, ch.k - 1), s: places }), places, mode);
        } else amount = proratedMinor(x, v, c.prorate, bd, pd);
        if (prorating && (c.prorate || bd <= 0)) note = dayNote;
        if (ch?.how !== 'installment') pricingOut = flatPricing(flatDecimal(comps[ci]));
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
            const left = x.redemptions.budgetLeft(pe.rule);
            if (left !== undefined && left < reduction) {
              if (!pe.entry.applied) pe.entry.reason = REASON.budgetShort(formatMinor(left, places), formatMinor(reduction, places));
              continue;
            }
            pricing = candP;
            extra = candEx;
            charged = after;
            x.redemptions.redeem(pe.rule, reduction);
            pe.entry.applied = true;
            pe.entry.reason = REASON.reduces(c.code, formatMinor(reduction, places));
            note += ` [promotion ${pe.rule.id}]`;
          }
        }
        amount = charged;
        // The line's price as shown (one implementation, the pricers'; the same in both raters).
        const shown = extra.n === 0 ? createPricer(pricing) : createPricer(pricing).withFreeUnits(new Decimal(fmtSc(extra)));
        pricingOut = shown.breakdown({ quantity: pricing.model === 'graduated' || pricing.model === 'volume' ? parseDecimal(quantity) : ZERO });
        if (isQty && c.prorate) note = dayNote + note;
      }
      const line: ChargeLine = {
        subscription: s.index,
        component: c.code,
        kind: 'charge',
        quantity,
        amount,
        net: amount,
        description: note === '' && !ch?.detail ? labels[ci] : labels[ci] + note + detailNote(ch?.detail),
        planCode: plan.doc.code,
        discounts: null,
      };
      if (ch?.detail) line.detail = ch.detail;
      if (pricingOut) line.pricing = pricingOut;
      s.lines.push(line);
    }
  }
  if (promoEffects) for (const pe of promoEffects) if (pe.entry.reason === REASON.pendingPricing) pe.entry.reason = REASON.noReduction;

  if (plan.doc.minimumAmount !== undefined) {
    // Lago prorates a minimum commitment like the subscription fee; so do we.
    const minimum = proratedMinor(x, fastFlat(plan.doc as { minimumAmount: string }, 'minimumAmount'), true, days.billableDays, days.periodDays);
    const diff = minimumTrueUp(minorAmounts(places), s.lines, minimum);
    if (diff !== undefined) {
      s.lines.push({
        subscription: s.index,
        kind: 'minimum',
        quantity: '1',
        amount: diff,
        net: diff,
        description: trueUpDescription(name, formatMinor(minimum, places)),
        planCode: plan.doc.code,
        discounts: null,
      });
    }
  }
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
const flatDecimals = new WeakMap<object, Decimal>();
/** A flat component's amount as a Decimal, parsed once per document (for its line price). */
function flatDecimal(doc: object): Decimal {
  let v = flatDecimals.get(doc);
  if (!v) flatDecimals.set(doc, (v = parseDecimal((doc as { amount: string }).amount)));
  return v;
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

