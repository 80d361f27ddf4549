/**
 * A charge line's price as the PDF and the e-mail word it (rating/pricing/types.ts LinePricing,
 * stored on the line at rating time): the rows of a graduated (Tier 요율) or volume (Step 요율)
 * line, "구간 101 ~ 1,000: 900 × ₩10 = ₩9,000", and the coupon code of a discount line.
 * Formatting only; the amounts arrive computed.
 */
import { formatQuantity, formatUnitPrice, type InvoiceLabels } from './format';
import type { InvoiceLine, InvoiceLocale } from './types';

/** A tier's bounds as people read them: units in (from, upTo], integer bounds from from + 1. */
export function tierRange(t: { from: string; upTo: string | null }, locale: InvoiceLocale): string {
  const lower = /^\d+$/.test(t.from) ? (BigInt(t.from) + 1n).toString() : t.from;
  const low = formatQuantity(lower, locale);
  return t.upTo === null ? `${low} ~` : `${low} ~ ${formatQuantity(t.upTo, locale)}`;
}

/** One text row per tier the line used (none for other lines). */
export function tierRows(line: InvoiceLine, currency: string, locale: InvoiceLocale, L: InvoiceLabels): string[] {
  return (line.tiers ?? []).map((t) => {
    const price = formatUnitPrice(t.unitAmount, currency, locale);
    const flat = t.flatAmount ? ` + ${formatUnitPrice(t.flatAmount, currency, locale)}` : '';
    return `${L.tier} ${tierRange(t, locale)}: ${formatQuantity(t.units, locale)} × ${price}${flat} = ${formatUnitPrice(t.amount, currency, locale)}`;
  });
}
