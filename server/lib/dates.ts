/**
 * Calendar dates as ISO strings (YYYY-MM-DD). All arithmetic runs on UTC day numbers, so no
 * local time zone or DST shift can move a date; the tenant's zone matters only when deciding
 * what "today" is (`todayInZone`).
 */

export type Interval = 'day' | 'week' | 'month' | 'year';
export const INTERVALS: readonly Interval[] = ['day', 'week', 'month', 'year'];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * The dates the system accepts from outside (API, documents, events): PostgreSQL refuses year
 * 0000 (a 500 when it reached the database) and four digits end at 9999. Nothing billed lies
 * before 1900.
 */
export const MIN_DATE = '1900-01-01';
export const MAX_DATE = '9999-12-31';
export const DATE_RANGE_MSG = 'must be between 1900-01-01 and 9999-12-31'; // MIN_DATE, MAX_DATE

/** Whether a YYYY-MM-DD string lies in MIN_DATE..MAX_DATE (its shape is not checked). */
export function inDateRange(s: string): boolean {
  return s >= MIN_DATE && s <= MAX_DATE;
}

function calendarParts(s: unknown): [number, number, number] | null {
  if (typeof s !== 'string') return null;
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? [y, mo, d] : null;
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2025-02-30) in MIN_DATE..MAX_DATE. */
export function isIsoDate(s: unknown): s is string {
  return calendarParts(s) !== null && inDateRange(s as string);
}

// Arithmetic accepts any calendar date: a period computed from 1900-01-01 may start before it.
function parts(date: string): [number, number, number] {
  const p = calendarParts(date);
  if (!p) throw new RangeError(`not an ISO calendar date: ${JSON.stringify(date)}`);
  return p;
}

/** Days since 1970-01-01 for a calendar date. */
export function toDayNumber(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

export function fromDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whole days from `a` to `b` (negative if b is before a). */
export function daysBetween(a: string, b: string): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Adds `count` intervals. Months and years clamp to the month's last day and keep aiming at
 * `anchorDay` (default: the date's own day), so Jan 31 + 1 month = Feb 28 and, from the
 * anchor, + 2 months = Mar 31 rather than drifting to Mar 28.
 */
export function addInterval(date: string, interval: Interval, count: number, anchorDay?: number): string {
  if (interval === 'day') return addDays(date, count);
  if (interval === 'week') return addDays(date, 7 * count);
  const [y, m, d] = parts(date);
  const months = interval === 'month' ? count : 12 * count;
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const day = Math.min(anchorDay ?? d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface Period {
  start: string;
  /** Exclusive. */
  end: string;
}

/**
 * The `index`-th (0-based) billing period of a schedule anchored at `anchorDate`. Both ends are
 * computed from the anchor (not by chaining), so clamped months never drift.
 */
export function periodFor(anchorDate: string, interval: Interval, count: number, index: number): Period {
  const anchorDay = parts(anchorDate)[2];
  return {
    start: addInterval(anchorDate, interval, count * index, anchorDay),
    end: addInterval(anchorDate, interval, count * (index + 1), anchorDay),
  };
}

/**
 * The period of the schedule anchored at `anchorDate` (every `count` `interval`s) that contains
 * `date`; dates before the anchor get the first period.
 */
export function periodContainingAnchored(anchorDate: string, interval: Interval, count: number, date: string): Period {
  if (date < anchorDate) return periodFor(anchorDate, interval, count, 0);
  const [ay, am] = parts(anchorDate);
  const [y, m] = parts(date);
  const estimate = interval === 'day' || interval === 'week'
    ? Math.floor(daysBetween(anchorDate, date) / ((interval === 'week' ? 7 : 1) * count))
    : Math.floor(((y - ay) * 12 + (m - am)) / ((interval === 'year' ? 12 : 1) * count));
  // The estimate is exact for days and weeks and at most one period late for months and years.
  for (let k = Math.max(0, estimate - 1); ; k++) {
    const p = periodFor(anchorDate, interval, count, k);
    if (p.end > date) return p;
  }
}

/**
 * Days shared by [aStart, aEnd) and [bStart, bEnd); a null end is open-ended. Never negative.
 */
export function overlapDays(aStart: string, aEnd: string | null, bStart: string, bEnd: string | null): number {
  const s = Math.max(toDayNumber(aStart), toDayNumber(bStart));
  const ends = [aEnd, bEnd].filter((e): e is string => e !== null).map(toDayNumber);
  if (ends.length === 0) throw new RangeError('overlapDays needs at least one bounded range');
  const e = Math.min(...ends);
  return Math.max(0, e - s);
}

/** The later / earlier of two dates. */
export const maxDate = (a: string, b: string): string => (a >= b ? a : b);
export const minDate = (a: string, b: string): string => (a <= b ? a : b);

/** Today's calendar date in an IANA time zone at instant `now` (e.g. 'Asia/Seoul'). */
/** One formatter per zone: building an Intl.DateTimeFormat costs about a millisecond, asked several times per payment. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
export function todayInZone(timeZone: string, now: Date): string {
  let fmt = dayFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (dayFormats.size > 1_000) dayFormats.clear();
    dayFormats.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Whole months from `from` to `to` (how many month anniversaries have passed). */
export function monthsBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  let months = (y2 - y1) * 12 + (m2 - m1);
  if (d2 < d1 && d2 < daysInMonth(y2, m2)) months -= 1;
  return months;
}

/** The monthly billing period [start, end) containing `date` for a cycle day (1–28; 31 clamps to month end). */
export function periodContaining(date: string, cycleDay: number): Period {
  const [y, m, d] = date.split('-').map(Number);
  const thisMonthStart = `${y}-${String(m).padStart(2, '0')}-${String(Math.min(cycleDay, daysInMonth(y, m))).padStart(2, '0')}`;
  const start = d >= Number(thisMonthStart.slice(8)) ? thisMonthStart : addInterval(thisMonthStart, 'month', -1, cycleDay);
  return { start, end: addInterval(start, 'month', 1, cycleDay) };
}
