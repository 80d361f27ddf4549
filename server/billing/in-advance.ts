/**
 * Bill runs and plans with `timing: "in_advance"` (rating.md "Charge timing"). Monthly plans are
 * rated per run period as always; the rater itself charges their flat and quantity components for
 * the NEXT period (and, on the first invoice, also the first, prorated one) and their usage for the
 * run's period. What billing adds (README "Billing in advance"):
 * - the phases a run loads reach into the next period, so the fixed part of the next period is
 *   rated with the plan and quantities in effect then (a downgrade scheduled for the period end is
 *   what the next period is charged at);
 * - yearly and multi-month plans are already billed in advance on their anniversary (the whole
 *   period is the rated period), so their `timing` is dropped before rating: the rater must not
 *   charge the year after as well.
 */
import { addInterval, type Period } from '../lib/dates';
import { nextPeriod } from '../rating/charge-timing';
import type { PlanDoc } from '../rules/schema';

/** How far the phases a run loads must reach: two months past its end covers any monthly next period. */
export function phaseHorizon(periodEnd: string): string {
  return addInterval(periodEnd, 'month', 2);
}

/**
 * The end of the window whose phases are rated for a subscription in a run of `period`: the period
 * itself, or for an in-advance plan of a subscription that started before the period's end, the end
 * of the next period (a subscription starting on or after it is first billed by the next run, whose
 * first invoice then covers its first period and the one after).
 */
export function ratedWindowEnd(doc: PlanDoc | undefined, period: Period, subStart: string): string {
  if (!doc || doc.timing !== 'in_advance' || subStart >= period.end) return period.end;
  return nextPeriod(doc, period).end;
}

/** A yearly/multi-month plan billed on its anniversary is in advance by construction. */
export function withoutTiming(doc: PlanDoc): PlanDoc {
  if (doc.timing === undefined) return doc;
  const { timing: _timing, ...rest } = doc;
  return rest;
}
