import { addDays, maxDate, minDate, toDayNumber, type Period } from '../lib/dates';

export interface BillableDays {
  periodDays: number;
  /** Days the subscription is active in the period and not in trial. */
  billableDays: number;
  /** Days in the period spent in trial. */
  trialDays: number;
}

/**
 * toDayNumber() memoised by date string: a bill run asks for the same few dates (period bounds,
 * start dates) for every subscription. Invalid dates are not cached, so they throw every time.
 */
const dayNumbers = new Map<string, number>();
function dayNumber(date: string): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    n = toDayNumber(date);
    if (dayNumbers.size >= 10_000) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}
/** daysBetween() (lib/dates) with memoised day numbers; same result, same errors. */
export function daysBetweenCached(a: string, b: string): number {
  const nb = dayNumber(b);
  return nb - dayNumber(a);
}

/**
 * Days of [period.start, period.end) covered by the subscription segment [startDate, endDate),
 * minus the trial [startDate, startDate + trialDays). Flat and quantity charges are multiplied
 * by billableDays / periodDays; usage is never prorated.
 */
export function billableDays(period: Period, startDate: string | null | undefined, endDate: string | null | undefined, trialDays = 0): BillableDays {
  const periodDays = daysBetweenCached(period.start, period.end);
  const start = startDate ?? period.start;
  const activeFrom = maxDate(start, period.start);
  const activeTo = endDate ? minDate(endDate, period.end) : period.end;
  const active = Math.max(0, daysBetweenCached(activeFrom, activeTo));
  let trial = 0;
  if (trialDays > 0 && active > 0) {
    const trialEnd = addDays(start, trialDays);
    trial = Math.max(0, daysBetweenCached(activeFrom, minDate(trialEnd, activeTo)));
  }
  return { periodDays, billableDays: active - trial, trialDays: trial };
}
