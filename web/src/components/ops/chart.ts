/**
 * Chart helpers. ECharts positions bars and points by number, so amounts must become numbers for
 * the chart GEOMETRY only. `chartValue()` is the single place that does it; labels, tooltips and
 * KPI cards always show the server's decimal string formatted with useMoney.
 */

/**
 * Decimal string → number for chart geometry (bar height, line y). Precision loss beyond ~15
 * significant digits is invisible at chart scale. NEVER use the result for display or arithmetic.
 */
export function chartValue(decimal: string | number | null | undefined): number {
  if (decimal === null || decimal === undefined || decimal === '') return 0;
  const n = Number(decimal); // geometry only, see above
  return Number.isFinite(n) ? n : 0;
}

/** Compact axis label for big numbers (1.2M, 35K) — geometry ticks, not amounts of record. */
export function axisLabel(locale: string) {
  const nf = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  return (v: number) => nf.format(v);
}

export const PALETTE = ['#1f4fd6', '#13a8a8', '#f59f00', '#e8590c', '#7048e8', '#2f9e44', '#c2255c', '#868e96'];
