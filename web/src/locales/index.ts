import { createI18n } from 'vue-i18n';
import en, { type Messages } from './en';
import ko from './ko';
import type { Locale } from '@/api/types';

export const SUPPORTED_LOCALES: readonly Locale[] = ['ko', 'en'];
export const LOCALE_STORAGE_KEY = 'bw.locale';

export function isLocale(v: unknown): v is Locale {
  return v === 'ko' || v === 'en';
}

/** The language the user chose explicitly in the top bar (persisted), if any. */
export function storedLocale(): Locale | null {
  try {
    const v = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  // Korean-first: before sign-in (no user/tenant locale known yet) the console speaks Korean.
  locale: storedLocale() ?? 'ko',
  fallbackLocale: 'en',
  messages: { ko, en },
});
