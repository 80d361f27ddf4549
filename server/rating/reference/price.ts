/**
 * The reference rater's state and its first step, pricing one subscription, in decimal.js at 40
 * digits (see ../rate-reference.ts). Which rule may act is the shared policy (../policy.ts).
 */
import { Decimal, ZERO, parseDecimal, roundMoney, toMoneyString, type RoundingMode } from '../../lib/money';
import { explainConditions } from '../../rules/compile';
import type { FactMap } from '../../rules/facts';
import type { RuleDoc } from '../../rules/schema';
import { REASON, effectComponents, mayAct, minimumTrueUp, takeGroup, trueUpDescription, type Amounts, type InvoiceTerms } from '../policy';
import { componentCharges, detailNote, type ChargeSlot, type SlotCharge } from '../charge-timing';
import type { PreparedComponent, PreparedPlan, PreparedRule, PreparedRules } from '../prepare';
import { createPricer, flatPricing, type Pricer } from '../pricing';
import { billableDays } from '../proration';
import type { LineDetail, LinePricing, SubscriptionInput, TraceEntry } from '../types';

/** State of one reference rating. */
export interface ReferenceState extends InvoiceTerms<Decimal> {
  mode: RoundingMode;
  /** Trace level "full": record per-condition detail too. */
  full: boolean;
  trace: TraceEntry[];
}

export interface ChargeLine {
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
  detail?: LineDetail;
  pricing?: LinePricing;
}

export interface SubState {
  index: number;
  sub: SubscriptionInput;
  plan: PreparedPlan;
  facts: FactMap;
  cycleIndex: number;
  coupons: readonly string[];
  lines: ChargeLine[];
  /** The service periods its flat and quantity components are charged for (../charge-timing.ts). */
  slots: ChargeSlot[];
  post?: Uint8Array;
  postTrace: TraceEntry[];
}

const qtyString = (d: Decimal) => d.toString();

export const decimalAmounts: Amounts<Decimal> = {
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

export function traceEntry(x: ReferenceState, r: PreparedRule & { conditions: RuleDoc['conditions'] }, s: SubState, fired: boolean, factNames: readonly string[]): TraceEntry {
  const e: TraceEntry = { rule: r.id, kind: r.kind, version: r.version, subscription: s.index, fired, applied: false, reason: fired ? '' : REASON.notMet };
  const used: Record<string, unknown> = {};
  for (const n of factNames) used[n] = s.facts[n] === undefined ? null : s.facts[n];
  e.facts = used;
  if (x.full) e.conditions = explainConditions(r.conditions, s.facts);
  x.trace.push(e);
  return e;
}

/** Step 1: pre-pricing rules, one rounded charge line per component, the minimum true-up. */
export function priceSubscription(x: ReferenceState, rules: PreparedRules, s: SubState): void {
  const currency = x.currency;
  const book = x.redemptions;
  const round = (d: Decimal) => roundMoney(d, currency, x.mode);
  const { plan, sub } = s;
  const pre = rules.pre;
  const fired = pre.evaluate(s.facts);
  const freeUnits = new Map<string, { units: Decimal; rules: string[] }>();
  const overrides = new Map<string, { pricer: Pricer; rule: string }>();
  const promoEffects: { rule: PreparedRule; entry: TraceEntry; component: string; apply: (p: Pricer) => Pricer }[] = [];
  let groups: Set<string> | undefined;
  for (let j = 0; j < pre.rules.length; j++) {
    const r = pre.rules[j];
    const entry = traceEntry(x, r, s, fired[j] === 1, pre.factsByRule[j]);
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

  const days = billableDays(x.period, sub.startDate, sub.endDate, plan.trialDays);
  const name = plan.doc.name;
  const invoiceSlot = { billableDays: days.billableDays, periodDays: days.periodDays, trialDays: days.trialDays };
  const priceCharge = (c: PreparedComponent, ch: SlotCharge | undefined) => {
    const d = ch ? ch.slot : invoiceSlot;
    const how = ch ? ch.how : 'prorated';
    const prorated = (amount: Decimal, prorate: boolean): Decimal => {
      if (how !== 'prorated') return amount;
      if (d.billableDays <= 0) return ZERO;
      if (!prorate || d.billableDays === d.periodDays) return amount;
      return amount.times(d.billableDays).dividedBy(d.periodDays);
    };
    const dayNote =
      how !== 'prorated' || d.billableDays === d.periodDays ? '' : d.trialDays > 0 ? ` (${d.billableDays}/${d.periodDays} days after ${d.trialDays} trial day(s))` : ` (${d.billableDays}/${d.periodDays} days)`;
    let amount: Decimal;
    let quantity: Decimal;
    let note = '';
    let pricing: LinePricing | undefined;
    if (c.type === 'flat') {
      if (ch?.how !== 'installment') pricing = flatPricing(c.amount!);
      quantity = new Decimal(1);
      if (ch?.how === 'installment') {
        // Installments 1..N-1 are amount / N rounded; installment N carries the remainder.
        const each = round(c.amount!.dividedBy(ch.n));
        // An accelerated line (installments k..N, `through`) is the amount less installments 1..k−1.
        amount = ch.k < ch.n && !ch.through ? each : c.amount!.minus(each.times(ch.k - 1));
      } else amount = prorated(c.amount!, c.prorate);
      if (how === 'prorated' && (c.prorate || d.billableDays <= 0)) note = dayNote;
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
      pricing = pricer.breakdown(usage);
      if (c.type === 'quantity' && c.prorate) note = dayNote + note;
    }
    const rounded = round(amount);
    const line: ChargeLine = {
      subscription: s.index,
      component: c.code,
      kind: 'charge',
      quantity: qtyString(quantity),
      amount: rounded,
      net: rounded,
      description: `${name} · ${c.label}${note}${detailNote(ch?.detail)}`,
      planCode: plan.doc.code,
      discounts: [],
    };
    if (ch?.detail) line.detail = ch.detail;
    if (pricing) line.pricing = pricing;
    s.lines.push(line);
  };
  for (const c of plan.components) {
    if (c.type === 'usage') priceCharge(c, undefined);
    else for (const ch of componentCharges(c, s.slots)) priceCharge(c, ch);
  }
  for (const pe of promoEffects) if (pe.entry.reason === REASON.pendingPricing) pe.entry.reason = REASON.noReduction;

  if (plan.minimumAmount !== undefined) {
    // Lago prorates a minimum commitment like the subscription fee; so do we.
    const minimum = round(days.billableDays <= 0 ? ZERO : days.billableDays === days.periodDays ? plan.minimumAmount : plan.minimumAmount.times(days.billableDays).dividedBy(days.periodDays));
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
