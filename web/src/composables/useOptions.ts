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
