/** Date formatting in the tenant's time zone and the UI language. */
import { useI18n } from 'vue-i18n';
import { useAuthStore } from '@/stores/auth';
import { useLocaleStore } from '@/stores/locale';

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, {
        year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
        second: '2-digit', hourCycle: 'h23', timeZone,
      });
    } catch {
      f = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    }
    cache.set(key, f);
  }
  return f;
}

/*
 * Periods: the API stores and sends `[start, end)` (end exclusive, spec §2); people type and read
 * the last day (inclusive). These three functions are the ONE place the console converts, so a
 * period reads "2026-12-01 ~ 2026-12-31" everywhere (runs, invoices, lines) and picking
 * 12-01 .. 12-31 in a form bills the whole of December. Calendar dates, UTC arithmetic.
 */
function shiftDate(date: string, days: number): string | null {
  const d = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of a period whose API end is `end` (exclusive): 2026-01-01 → 2026-12-31. */
export function inclusiveEnd(end: string): string {
  return shiftDate(end, -1) ?? end;
}

/** The API's exclusive end for a last day a person picked: 2026-12-31 → 2027-01-01. */
export function exclusiveEnd(lastDay: string): string {
  return shiftDate(lastDay, 1) ?? lastDay;
}

/** A period `[start, end)` as people read it: `2025-05-01 ~ 2025-05-31`. */
export function periodText(start: string, end: string): string {
  return `${start} ~ ${inclusiveEnd(end)}`;
}

/** Today's calendar date in a time zone (the tenant's), `YYYY-MM-DD`. */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function useFormat() {
  const auth = useAuthStore();
  const loc = useLocaleStore();
  const { t, te } = useI18n();

  /** `2025-03-01 14:05:09`-like text in the tenant time zone; '' for null. */
  function dateTime(iso: string | null | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const parts = formatter(loc.intlLocale, auth.tenant?.timezone).formatToParts(d);
    const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
  }

  /**
   * Label of an enum value (`label('tenant.rounding', 'half_up')`); the raw value when the
   * locale has no entry, '' for an empty value (Element Plus renders cells with an empty row once).
   */
  function label(prefix: string, value: string | null | undefined): string {
    if (!value) return '';
    const key = `${prefix}.${value}`;
    return te(key) ? t(key) : value;
  }

  return { dateTime, label, periodText };
}
