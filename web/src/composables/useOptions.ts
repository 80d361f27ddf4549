/** Option lists shared by the tenant forms (settings and onboarding). */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Locale, RoundingMode } from '@/api/types';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half_up', 'half_even', 'down', 'up'];
const PREFERRED_CURRENCIES = ['KRW', 'USD', 'JPY', 'EUR', 'CNY', 'GBP', 'SGD', 'VND'];
const PREFERRED_ZONES = ['Asia/Seoul', 'UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/London', 'Asia/Singapore'];

function supported(kind: 'currency' | 'timeZone'): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.(kind) ?? [];
  } catch {
    return [];
  }
}

/** Preferred values first, then everything the browser knows. */
function withPreferred(preferred: string[], all: string[]): string[] {
  return [...preferred, ...all.filter((v) => !preferred.includes(v))];
}

export const CURRENCIES = withPreferred(PREFERRED_CURRENCIES, supported('currency'));
export const TIME_ZONES = withPreferred(PREFERRED_ZONES, supported('timeZone'));

export function useTenantOptions() {
  const { t } = useI18n();
  const roundingOptions = computed(() => ROUNDING_MODES.map((m) => ({ value: m, label: t(`tenant.rounding.${m}`) })));
  const localeOptions = computed(() => (['ko', 'en'] as Locale[]).map((l) => ({ value: l, label: t(`locales.${l}`) })));
  return { roundingOptions, localeOptions, currencies: CURRENCIES, timeZones: TIME_ZONES };
}

/**
 * ISO 3166-1 alpha-2 country codes the browser can name: every two-letter code that
 * Intl.DisplayNames knows, less the codes that name no country (groupings, reserved, unknown).
 */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'AC', 'CP', 'DG', 'EA', 'IC', 'TA', 'CQ']);
let countryCodes: string[] | null = null;
export function countryCodeList(): string[] {
  if (countryCodes) return countryCodes;
  const out: string[] = [];
  try {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        if (!NOT_COUNTRIES.has(code) && names.of(code)) out.push(code);
      }
    }
  } catch {
    out.push('KR', 'US', 'JP', 'CN');
  }
  countryCodes = out;
  return out;
}

/** Country options named in the UI language ("대한민국 (KR)"), Korea first, then by name. */
export function countryOptions(locale: string): Array<{ value: string; label: string }> {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    names = null;
  }
  const opts = countryCodeList().map((c) => ({ value: c, label: `${names?.of(c) ?? c} (${c})` }));
  const first = opts.filter((o) => o.value === 'KR');
  return [...first, ...opts.filter((o) => o.value !== 'KR').sort((x, y) => x.label.localeCompare(y.label, locale))];
}

/** A new customer id: `C-` + date + 6 random base-36 characters (unique enough to type; the server refuses a duplicate). */
export function generateCustomerId(now = new Date()): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  const rand = [...bytes].map((b) => (b % 36).toString(36)).join('').toUpperCase();
  return `C-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${rand}`;
}
