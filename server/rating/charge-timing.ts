/**
 * Charge timing (spec rating.md "Charge timing, one-time charges, installments, fixed terms"):
 * WHICH service periods a subscription's flat and quantity components are charged for on the
 * invoice of one period, and how (prorated, in full once, or as installment k of N). Both raters
 * (./reference/price.ts and ./fast/price.ts) ask this module and only do their own arithmetic, so
 * the decisions cannot drift apart.
 *
 * - In arrears (default): one slot, the invoice's period, service cycle = cycleIndex.
 * - In advance: the period that starts on the invoice's period end (service cycle cycleIndex + 1);
 *   the first invoice (cycleIndex 1) also has the invoice's own period (its first, prorated one).
 *   Usage components are not slotted: always the invoice's period (in arrears).
 * - After a mid-period change of an in-advance subscription (`creditedFrom` inside the invoice's
 *   period, cycleIndex > 1: the earlier invoice's advance charge for this period was credited back
 *   from that date): also a catch-up slot, the invoice's own period from `creditedFrom` on, for
 *   recurring components only (prorated; one-time and installment amounts of that cycle were
 *   charged with the advance). This is the "remaining time on the new plan" of Stripe/Chargebee
 *   proration, charged on the next invoice.
 * - `catchUpOnly` (stored billing, yearly and multi-month plans, whose whole anniversary period was
 *   billed in advance): the catch-up slot alone, the rated (anniversary) period from `creditedFrom`
 *   on, whatever the cycle; nothing else. The year after is billed by its own anniversary run. With
 *   `ends`, it is also where the installments left are accelerated (even when the subscription ends
 *   on the period's end: a cancellation at the anniversary).
 * - `anniversary` (stored billing, the anniversary bill of a yearly or multi-month plan): one slot,
 *   the rated period, paid ahead; its flat and quantity lines carry their service period.
 * - `charge: "one_time"`: the slot of service cycle 1 only, in full.
 * - `installments: {count: N}`: the slots of service cycles 1..N, installment k = cycle k; when the
 *   subscription `ends` inside the rating's window, the installments after the last one charged so
 *   far are one more line on its last slot (installments k..N, accelerated), so the total is the price.
 * One-time and installment amounts are charged once per service cycle per subscription: when a
 * subscription is rated as several segments in one period (a plan or quantity change), only the
 * segment that is active first in that service period charges them (`id` groups segments; no
 * `id` = a subscription of its own). A segment that is not active at all in a service period is
 * charged nothing for it.
 */
import { addInterval, maxDate, minDate, type Interval, type Period } from '../lib/dates';
import type { PlanDoc } from '../rules/schema';
import { billableDays, daysBetweenCached } from './proration';
import type { LineDetail, SubscriptionInput } from './types';

export interface ChargeSlot {
  period: Period;
  /** Service-cycle index of that period (1 = the subscription's first). */
  cycle: number;
  /** The period after the invoice's (billed in advance). */
  advance: boolean;
  /** The invoice's own period from `creditedFrom` on, after a mid-period change (recurring only). */
  catchUp: boolean;
  /** The rated period itself, paid in advance as a whole (`anniversary`: yearly and multi-month plans). */
  paidAhead?: boolean;
  /** The days of the slot period the segment is active in (a line's `servicePeriod`). */
  service: Period;
  /** Days billable (trial excluded) and active (trial included) in the slot period. */
  billableDays: number;
  periodDays: number;
  trialDays: number;
  active: number;
  /** This segment charges the slot's one-time and installment amounts. */
  once: boolean;
  /**
   * The subscription ends with this segment inside this rating's window (`ends`): installments
   * from this number on are charged at once, as one line, on this slot (accelerated).
   */
  accelerateFrom?: number;
}

/** How one component is charged for one slot. */
export type SlotCharge =
  | { how: 'prorated'; slot: ChargeSlot; detail?: LineDetail }
  | { how: 'full'; slot: ChargeSlot; detail: LineDetail }
  | { how: 'installment'; slot: ChargeSlot; k: number; n: number; detail: LineDetail; through?: number };


const dayOf = (d: string) => Number(d.slice(8, 10));

/** The period of `plan` that starts on `period.end` (months keep the anchor day: Jan 31 → Feb 28 → Mar 31). */
export function nextPeriod(plan: Pick<PlanDoc, 'interval' | 'intervalCount'>, period: Period): Period {
  const anchor = Math.max(dayOf(period.start), dayOf(period.end));
  const end = addInterval(period.end, plan.interval as Interval, plan.intervalCount ?? 1, anchor);
  // Past 9999-12-31, the end of the calendar dates may use (server/lib/schemas.ts): no next period to charge.
  return { start: period.end, end: end.length > 10 ? period.end : end };
}

export const isInAdvance = (plan: Pick<PlanDoc, 'timing'>) => plan.timing === 'in_advance';

interface SlotPeriod { period: Period; cycle: number; advance: boolean; catchUp: boolean; paidAhead?: boolean }

function slotPeriods(sub: SubscriptionInput, period: Period, cycleIndex: number): SlotPeriod[] {
  const plan = sub.plan;
  // A yearly (anniversary) period already billed in advance: only the days from creditedFrom on.
  // A subscription that ends exactly at the period's end (cancelled at the anniversary) still gets
  // the slot its installments left are accelerated on (no recurring days are left in it).
  if (sub.catchUpOnly) {
    const from = sub.creditedFrom;
    const endsHere = sub.ends && from === period.end && sub.endDate === from;
    return from && from > period.start && (from < period.end || endsHere) ? [{ period, cycle: cycleIndex, advance: false, catchUp: true }] : [];
  }
  // A yearly (anniversary) period billed in advance as a whole: its own slot, its lines say their days.
  if (sub.anniversary) return [{ period, cycle: cycleIndex, advance: false, catchUp: false, paidAhead: true }];
  if (!isInAdvance(plan)) return [{ period, cycle: cycleIndex, advance: false, catchUp: false }];
  const next = { period: nextPeriod(plan, period), cycle: cycleIndex + 1, advance: true, catchUp: false };
  if (cycleIndex === 1) return [{ period, cycle: 1, advance: false, catchUp: false }, next];
  const from = sub.creditedFrom;
  if (from && from >= period.start && from < period.end) return [{ period, cycle: cycleIndex, advance: false, catchUp: true }, next];
  return [next];
}

/** The charge slots of every subscription (segment) of one rating, in input order. */
export function chargeSlots(subs: readonly SubscriptionInput[], period: Period): ChargeSlot[][] {
  const all: ChargeSlot[][] = subs.map((sub) =>
    slotPeriods(sub, period, sub.cycleIndex ?? 1).map((p) => {
      const subStart = sub.startDate ?? period.start;
      let start = subStart, trial = sub.plan.trialDays ?? 0;
      if (p.catchUp) {
        // Only the days from creditedFrom on; the trial still ends where it ended.
        start = maxDate(subStart, sub.creditedFrom!);
        trial = Math.max(0, trial - daysBetweenCached(subStart, start));
      }
      const d = billableDays(p.period, start, sub.endDate, trial);
      const service = { start: maxDate(start, p.period.start), end: sub.endDate ? minDate(sub.endDate, p.period.end) : p.period.end };
      return { ...p, billableDays: d.billableDays, periodDays: d.periodDays, trialDays: d.trialDays, active: d.billableDays + d.trialDays, once: false, service };
    }),
  );
  // Per (subscription id, service cycle): the segment active first in the slot period owns it.
  // A catch-up slot never does: that cycle's one-time and installment amounts went with the advance.
  const owner = new Map<string, { first: string; index: number }>();
  all.forEach((slots, i) => {
    const sub = subs[i];
    for (const s of slots) {
      if (s.active <= 0 || s.catchUp) continue;
      const key = sub.id === undefined ? `#${i}|${s.cycle}` : `${sub.id}|${s.cycle}`;
      const first = (sub.startDate ?? period.start) > s.period.start ? sub.startDate! : s.period.start;
      const cur = owner.get(key);
      if (!cur || first < cur.first) owner.set(key, { first, index: i });
    }
  });
  all.forEach((slots, i) => {
    const sub = subs[i];
    for (const s of slots) {
      const key = sub.id === undefined ? `#${i}|${s.cycle}` : `${sub.id}|${s.cycle}`;
      s.once = !s.catchUp && owner.get(key)?.index === i;
    }
    // A subscription that ends (cancelled, term ended) inside this rating's window: the installments
    // after the last one charged up to this invoice go on its last slot, at once (README "Installments
    // on cancellation"). Stored billing says `ends` on the final segment until such a line was billed.
    const last = slots.at(-1);
    const end = sub.endDate;
    if (sub.ends && last && end && end > period.start && end <= slots.reduce((e, x) => maxDate(e, x.period.end), period.end)) {
      const next = slots.find((x) => x.advance);
      last.accelerateFrom = (next && next.active > 0 ? next.cycle : sub.cycleIndex ?? 1) + 1;
    }
  });
  return all;
}

/** How a flat or quantity component is charged in each slot; [] = nothing this invoice. */
export function componentCharges(c: { charge?: 'recurring' | 'one_time'; installments?: { count: number } }, slots: readonly ChargeSlot[]): SlotCharge[] {
  const out: SlotCharge[] = [];
  for (const slot of slots) {
    const servicePeriod = slot.advance || slot.catchUp || slot.paidAhead ? { servicePeriod: { start: slot.service.start, end: slot.service.end } } : {};
    if (c.installments) {
      const n = c.installments.count;
      if (slot.once && slot.cycle <= n) out.push({ how: 'installment', slot, k: slot.cycle, n, detail: { code: 'installment', installment: slot.cycle, of: n, ...servicePeriod } });
      const k = slot.accelerateFrom;
      if (k !== undefined && k <= n) out.push({ how: 'installment', slot, k, n, through: n, detail: { code: 'installment', installment: k, through: n, of: n, accelerated: true } });
    } else if (c.charge === 'one_time') {
      if (slot.once && slot.cycle === 1) out.push({ how: 'full', slot, detail: { code: 'one_time' } });
    } else if ((!slot.advance && !slot.catchUp) || slot.active > 0) {
      // A segment that has ended before the next period (or before creditedFrom) is charged nothing for it (no zero line).
      out.push(slot.advance || slot.catchUp || slot.paidAhead ? { how: 'prorated', slot, detail: { code: 'in_advance', ...servicePeriod } } : { how: 'prorated', slot });
    }
  }
  return out;
}

/** Text added to a line's description for its timing (the console words `detail` itself). */
export function detailNote(d: LineDetail | undefined): string {
  if (!d) return '';
  const sp = d.servicePeriod ? ` (service ${d.servicePeriod.start} – ${d.servicePeriod.end})` : '';
  if (d.code === 'installment' && d.accelerated) return ` · installments ${d.installment}-${d.through} of ${d.of} (accelerated)`;
  if (d.code === 'installment') return ` · installment ${d.installment} of ${d.of}${sp}`;
  if (d.code === 'one_time') return ' · one-time';
  return sp;
}

/**
 * The fact `subscription.installmentsLeft`: installments still to be charged after this invoice
 * (the most over the plan's installment components); null when the plan has none.
 */
export function installmentsLeft(plan: PlanDoc, cycleIndex: number): number | null {
  let left: number | null = null;
  const lastCycle = isInAdvance(plan) ? cycleIndex + 1 : cycleIndex;
  for (const c of plan.components) {
    if (c.type !== 'flat' || !c.installments) continue;
    const l = Math.max(0, c.installments.count - lastCycle);
    left = left === null ? l : Math.max(left, l);
  }
  return left;
}

/**
 * The fact `subscription.termEndsOn`: the (exclusive) end date of the term that contains this
 * invoice's period, counting cycles from the subscription's first (terms of `termCycles` cycles
 * back to back when renewed); null when the plan has no term.
 */
export function termEndsOn(plan: PlanDoc, period: Period, cycleIndex: number): string | null {
  const t = plan.termCycles;
  if (!t) return null;
  const left = t - ((Math.max(1, cycleIndex) - 1) % t) - 1;
  if (left === 0) return period.end;
  return addInterval(period.end, plan.interval as Interval, (plan.intervalCount ?? 1) * left, Math.max(dayOf(period.start), dayOf(period.end)));
}
