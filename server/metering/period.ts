/**
 * Tenant-local calendar days and months as instants. Usage periods are [from, to) in the
 * tenant's time zone: a Seoul month starts at 00:00 KST on the 1st, i.e. 15:00 UTC the day before.
 */

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, tz: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a tenant-local calendar date (YYYY-MM-DD) starts. */
export function startOfDayInZone(date: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - offsetAt(guess, tz);
  const second = offsetAt(t, tz);
  if (guess - second !== t) t = guess - second; // across a DST change
  return new Date(t);
}

/** YYYY-MM of the month after `month`. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The tenant-local calendar month containing `now`, as [from, to) instants. */
export function monthContaining(now: Date, tz: string): { month: string; from: Date; to: Date } {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit' });
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, x.value]));
  const month = `${p.year}-${p.month}`;
  return { month, from: startOfDayInZone(`${month}-01`, tz), to: startOfDayInZone(`${nextMonth(month)}-01`, tz) };
}

/** A query bound: a date is midnight in `tz`, anything else is an ISO instant. */
export function boundToInstant(s: string, tz: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? startOfDayInZone(s, tz) : new Date(s);
}
