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

/**
 * A billing period `[start, end)` as people read it: `2025-05-01 ~ 2025-05-31` (the end is
 * exclusive in the API, inclusive on screen and on the PDF). Calendar dates, UTC arithmetic.
 */
export function periodText(start: string, end: string): string {
  const d = new Date(`${end}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return `${start} ~ ${end}`;
  d.setUTCDate(d.getUTCDate() - 1);
  return `${start} ~ ${d.toISOString().slice(0, 10)}`;
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
