import { addDays, daysBetween, maxDate, minDate, type Period } from '../lib/dates';

export interface BillableDays {
  periodDays: number;
  /** Days the subscription is active in the period and not in trial. */
  billableDays: number;
  /** Days in the period spent in trial. */
  trialDays: number;
}

/**
 * Days of [period.start, period.end) covered by the subscription segment [startDate, endDate),
 * minus the trial [startDate, startDate + trialDays). Flat and quantity charges are multiplied
 * by billableDays / periodDays; usage is never prorated.
 */
export function billableDays(period: Period, startDate: string | null | undefined, endDate: string | null | undefined, trialDays = 0): BillableDays {
  const periodDays = daysBetween(period.start, period.end);
  const start = startDate ?? period.start;
  const activeFrom = maxDate(start, period.start);
  const activeTo = endDate ? minDate(endDate, period.end) : period.end;
  const active = Math.max(0, daysBetween(activeFrom, activeTo));
  let trial = 0;
  if (trialDays > 0 && active > 0) {
    const trialEnd = addDays(start, trialDays);
    trial = Math.max(0, daysBetween(activeFrom, minDate(trialEnd, activeTo)));
  }
  return { periodDays, billableDays: active - trial, trialDays: trial };
}
