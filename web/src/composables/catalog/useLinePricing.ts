/**
 * Words a charge line's `pricing` (server rating/pricing/types.ts LinePricing, stored on the line
 * when it was rated) in the console's language: the unit price, and one row per tier of a
 * graduated (Tier 요율) or volume (Step 요율) line — "tier 101 ~ 1,000: 900 × $0.01 = $9.00" —
 * the same rows the PDF prints (server/invoices/render/line-pricing.ts). Decimal strings only.
 */
import { useI18n } from 'vue-i18n';
import type { LinePricing } from '@/api/documents';
import { useMoney } from '@/composables/useMoney';
import { useLocaleStore } from '@/stores/locale';

/** A decimal string with its integer part grouped for the locale (exact: BigInt, no float). */
function groupedQuantity(value: string, locale: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const int = new Intl.NumberFormat(locale).format(BigInt(m[2]));
  const dec = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return `${m[1]}${int}${m[3] ? dec + m[3] : ''}`;
}

export function useLinePricing() {
  const { t } = useI18n();
  const { formatMoney } = useMoney();
  const loc = useLocaleStore();
  const qty = (v: string) => groupedQuantity(v, loc.intlLocale);

  /** The price per unit shown in the unit-price column (none for package and graduated lines). */
  function unitPrice(p: LinePricing | undefined | null): string | null {
    return p?.unitAmount && p.model !== 'package' ? p.unitAmount : null;
  }

  /** A tier's bounds: units in (from, upTo], integer bounds from from + 1. */
  function range(from: string, upTo: string | null | undefined): string {
    const low = qty(/^\d+$/.test(from) ? (BigInt(from) + 1n).toString() : from);
    return upTo == null ? `${low} ~` : `${low} ~ ${qty(upTo)}`;
  }

  function tierRows(p: LinePricing | undefined | null, currency: string): string[] {
    return (p?.tiers ?? []).map((tier) => t('invoiceLines.tierRow', {
      range: range(tier.from, tier.upTo),
      units: qty(tier.units),
      price: formatMoney(tier.unitAmount, currency),
      flat: tier.flatAmount ? ` + ${formatMoney(tier.flatAmount, currency)}` : '',
      amount: formatMoney(tier.amount, currency),
    }));
  }

  function freeUnits(p: LinePricing | undefined | null): string {
    return p?.freeUnits ? t('invoiceLines.freeUnits', { n: qty(p.freeUnits) }) : '';
  }

  return { unitPrice, tierRows, freeUnits };
}
