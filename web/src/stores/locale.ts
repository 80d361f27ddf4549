import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Language } from 'element-plus/es/locale';
import elKo from 'element-plus/es/locale/lang/ko';
import elEn from 'element-plus/es/locale/lang/en';
import { i18n, LOCALE_STORAGE_KEY, storedLocale } from '@/locales';
import type { Locale } from '@/api/types';

const elementLocales: Record<Locale, Language> = { ko: elKo, en: elEn };

/**
 * The UI language. An explicit choice from the top bar wins and is kept in localStorage;
 * otherwise the signed-in user's locale, then the tenant's, decides (`applyDefault`).
 */
export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<Locale>(i18n.global.locale.value);
  const chosen = ref<Locale | null>(storedLocale());

  function apply(l: Locale) {
    locale.value = l;
    i18n.global.locale.value = l;
    document.documentElement.lang = l;
  }

  /** Explicit choice by the user: persisted. */
  function setLocale(l: Locale) {
    chosen.value = l;
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, l);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    apply(l);
  }

  /** Default after sign-in, unless the user already chose a language on this browser. */
  function applyDefault(userLocale: Locale | null | undefined, tenantLocale: Locale | null | undefined) {
    if (chosen.value) return apply(chosen.value);
    apply(userLocale ?? tenantLocale ?? locale.value);
  }

  const elementLocale = computed(() => elementLocales[locale.value]);
  /** BCP 47 tag for Intl formatters. */
  const intlLocale = computed(() => (locale.value === 'ko' ? 'ko-KR' : 'en-US'));

  apply(locale.value);
  return { locale, elementLocale, intlLocale, setLocale, applyDefault };
});
