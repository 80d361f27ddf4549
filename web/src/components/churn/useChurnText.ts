/**
 * Churn wording shared by the dashboard widget, the customer tab and the model page: a feature's
 * label in the current language (never its raw column name; per-meter and attribute features by
 * template), a band's label and colour, a probability as a percentage.
 */
import { useI18n } from 'vue-i18n';
import { useLocaleStore } from '@/stores/locale';

export const BAND_COLORS = { low: '#67c23a', medium: '#e6a23c', high: '#f56c6c' } as const;
export const BAND_TAG = { low: 'success', medium: 'warning', high: 'danger' } as const;

export function useChurnText() {
  const { t, te } = useI18n();
  const loc = useLocaleStore();
  function featureLabel(name: string): string {
    if (te(`churn.features.${name}`)) return t(`churn.features.${name}`);
    let m = /^usage_(.+)_30d$/.exec(name);
    if (m) return t('churn.features.usage30d', { meter: m[1] });
    m = /^usage_(.+)_trend$/.exec(name);
    if (m) return t('churn.features.usageTrend', { meter: m[1] });
    if (name.startsWith('attr_')) return t('churn.features.attr', { key: name.slice(5) });
    return name;
  }
  /**
   * A behaviour segment's name in the current language: the notebook names segments with a fixed
   * set of phrases (WORDS in notebooks/churn.ipynb) joined by ", "; each is worded from the locale,
   * an unknown phrase (a tenant's own naming) is shown as it is.
   */
  function segmentLabel(name: string | null | undefined): string {
    if (!name) return '-';
    return name.split(', ').map((p) => {
      const key = `churn.segmentWords.${p.toLowerCase().replace(/[^a-z]+/g, '_')}`;
      return te(key) ? t(key) : p;
    }).join(', ');
  }
  const bandLabel = (b: string) => (te(`churn.band_.${b}`) ? t(`churn.band_.${b}`) : b);
  /** A probability (0..1, a ratio, not money) as "12.3%". */
  const percent = (p: number | null | undefined) => (p === null || p === undefined ? '-' : `${(Math.round(p * 1000) / 10).toLocaleString(loc.intlLocale)}%`);
  const value = (v: number | null) => (v === null ? '-' : (Math.round(v * 100) / 100).toLocaleString(loc.intlLocale));
  return { featureLabel, segmentLabel, bandLabel, percent, value };
}
