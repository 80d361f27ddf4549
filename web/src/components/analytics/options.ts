/**
 * ECharts options of the executive dashboard, built from the server's figures. Amounts become
 * numbers only through chartValue() (chart geometry); labels and tooltips show the decimal
 * strings formatted by the caller's `money`. Every option carries the toolbox's saveAsImage (PNG).
 */
import type { CohortReport, MrrMonth, PaymentPatterns, ReceivablesReport } from '@/api/analytics';
import { PALETTE, axisLabel, chartValue } from '@/components/ops/chart';

type T = (key: string, args?: Record<string, unknown>) => string;
type Money = (amount: string | null | undefined) => string;
export const MOVES = ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const;
export const MOVE_COLORS: Record<string, string> = { new: '#2f9e44', expansion: '#1f4fd6', reactivation: '#13a8a8', contraction: '#f59f00', churn: '#e03131', start: '#868e96', end: '#495057' };
const grid = { left: 8, right: 16, top: 34, bottom: 8, containLabel: true };
export const toolbox = (t: T, name: string) => ({ right: 4, top: 0, itemSize: 13, feature: { saveAsImage: { title: t('analytics.savePng'), name, pixelRatio: 2 } } });

/** Waterfall of one month: invisible base bars carry each movement from where the last left off. */
export function waterfallOption(m: MrrMonth | undefined, t: T, money: Money, locale: string) {
  if (!m) return null;
  const steps = ['start', ...MOVES, 'end'] as const;
  let level = chartValue(m.startMrr);
  const base: number[] = [], value: number[] = [], raw: string[] = [];
  for (const s of steps) {
    const amount = s === 'start' ? m.startMrr : s === 'end' ? m.endMrr : m[s];
    const v = chartValue(amount);
    raw.push(amount);
    if (s === 'start' || s === 'end') { base.push(0); value.push(v); continue; }
    if (v >= 0) { base.push(level); value.push(v); level += v; } else { level += v; base.push(level); value.push(-v); }
  }
  return {
    toolbox: toolbox(t, `mrr-waterfall-${m.month}`), grid,
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const }, formatter: (p: { dataIndex: number; name: string }[]) => `${p[0].name}<br/><b>${money(raw[p[0].dataIndex])}</b>` },
    xAxis: { type: 'category' as const, data: steps.map((s) => t(`analytics.movement.${s}`)), axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: axisLabel(locale), fontSize: 11 } },
    series: [
      { type: 'bar' as const, stack: 'w', itemStyle: { color: 'transparent' }, emphasis: { disabled: true }, data: base, silent: true },
      { type: 'bar' as const, stack: 'w', barMaxWidth: 36, data: value.map((v, i) => ({ value: v, itemStyle: { color: MOVE_COLORS[steps[i]] } })),
        label: { show: true, position: 'top' as const, fontSize: 10, formatter: (p: { dataIndex: number }) => axisLabel(locale)(chartValue(raw[p.dataIndex])) } },
    ],
  };
}

/** Monthly movements stacked (gains up, losses down) with end MRR as a line. */
export function trendOption(rows: MrrMonth[], months: string[], t: T, money: Money, locale: string) {
  const at = (m: string) => rows.find((r) => r.month === m);
  return {
    toolbox: toolbox(t, 'mrr-trend'), grid: { ...grid, top: 40 },
    legend: { top: 0, left: 0, textStyle: { fontSize: 11 }, itemWidth: 12 },
    tooltip: { trigger: 'axis' as const, formatter: (p: { seriesName: string; name: string; marker: string; seriesIndex: number }[]) => {
      const r = at(p[0].name);
      return [p[0].name, ...p.map((x) => `${x.marker}${x.seriesName} <b>${money(x.seriesIndex < MOVES.length ? r?.[MOVES[x.seriesIndex]] : r?.endMrr)}</b>`)].join('<br/>');
    } },
    xAxis: { type: 'category' as const, data: months, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: axisLabel(locale), fontSize: 11 } },
    series: [
      ...MOVES.map((k) => ({ type: 'bar' as const, name: t(`analytics.movement.${k}`), stack: 'm', barMaxWidth: 22, itemStyle: { color: MOVE_COLORS[k] },
        data: months.map((m) => chartValue(at(m)?.[k])) })),
      { type: 'line' as const, name: t('analytics.movement.end'), itemStyle: { color: MOVE_COLORS.end }, data: months.map((m) => chartValue(at(m)?.endMrr)) },
    ],
  };
}

/** Cohort × months-since-signup heatmap of retention (customers or MRR), in percent. */
export function cohortOption(rep: CohortReport | null, currency: string, byMrr: boolean, t: T) {
  const cohorts = (rep?.cohorts ?? []).filter((c) => c.currency === currency);
  const maxOffset = Math.max(0, ...cohorts.map((c) => c.months.length - 1));
  const data = cohorts.flatMap((c, y) => c.months.map((m) => [m.offset, y, Math.round(chartValue(byMrr ? m.mrrRetention : m.customerRetention) * 1000) / 10]));
  return {
    toolbox: toolbox(t, 'cohorts'), grid: { left: 8, right: 16, top: 30, bottom: 40, containLabel: true },
    tooltip: { formatter: (p: { value: number[] }) => `${cohorts[p.value[1]]?.cohort} ${t('analytics.cohort.month', { n: p.value[0] })}<br/><b>${p.value[2]}%</b>` },
    xAxis: { type: 'category' as const, data: Array.from({ length: maxOffset + 1 }, (_, i) => `+${i}`), splitArea: { show: true }, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'category' as const, data: cohorts.map((c) => `${c.cohort} (${c.customers})`), axisLabel: { fontSize: 11 } },
    visualMap: { min: 0, max: 100, calculable: false, orient: 'horizontal' as const, left: 'center', bottom: 0, itemHeight: 120, textStyle: { fontSize: 10 }, inRange: { color: ['#fff5f5', '#74c0fc', '#1f4fd6'] } },
    series: [{ type: 'heatmap' as const, data, label: { show: cohorts.length <= 12 && maxOffset <= 12, fontSize: 9 } }],
  };
}

export const BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export function agingOption(rep: ReceivablesReport | null, currency: string, t: T, money: Money, locale: string) {
  const rows = BUCKETS.map((b) => rep?.aging.buckets.find((x) => x.currency === currency && x.bucket === b));
  return {
    toolbox: toolbox(t, 'aging'), grid,
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const }, formatter: (p: { dataIndex: number; name: string }[]) => `${p[0].name}<br/><b>${money(rows[p[0].dataIndex]?.amount ?? '0')}</b> (${rows[p[0].dataIndex]?.count ?? 0})` },
    xAxis: { type: 'category' as const, data: BUCKETS.map((b) => t(`analytics.bucket.${b}`)), axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: axisLabel(locale), fontSize: 11 } },
    series: [{ type: 'bar' as const, barMaxWidth: 40, data: rows.map((r, i) => ({ value: chartValue(r?.amount), itemStyle: { color: ['#2f9e44', '#f59f00', '#e8590c', '#e03131', '#862e9c'][i] } })) }],
  };
}

export function methodMixOption(p: PaymentPatterns | null, currency: string, months: string[], t: T, methodLabel: (m: string) => string, money: Money, locale: string) {
  const rows = (p?.methodMix ?? []).filter((x) => x.currency === currency);
  const methods = [...new Set(rows.map((r) => r.method))].sort();
  const at = (m: string, method: string) => rows.find((r) => r.month === m && r.method === method);
  return {
    color: PALETTE, toolbox: toolbox(t, 'payment-methods'), grid: { ...grid, top: 40 },
    legend: { top: 0, left: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' as const, formatter: (ps: { seriesName: string; name: string; marker: string; seriesIndex: number }[]) =>
      [ps[0].name, ...ps.map((x) => `${x.marker}${x.seriesName} <b>${money(at(x.name, methods[x.seriesIndex])?.amount ?? '0')}</b> (${at(x.name, methods[x.seriesIndex])?.count ?? 0})`)].join('<br/>') },
    xAxis: { type: 'category' as const, data: months, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: axisLabel(locale), fontSize: 11 } },
    series: methods.map((method) => ({ type: 'bar' as const, name: methodLabel(method), stack: 'p', barMaxWidth: 22, data: months.map((m) => chartValue(at(m, method)?.amount)) })),
  };
}

export function heatmapOption(p: PaymentPatterns | null, t: T) {
  const cells = p?.heatmap ?? [];
  const max = Math.max(1, ...cells.map((c) => c.count));
  return {
    toolbox: toolbox(t, 'payment-heatmap'), grid: { left: 8, right: 16, top: 30, bottom: 40, containLabel: true },
    tooltip: { formatter: (x: { value: number[] }) => `${x.value[0] + 1} / ${x.value[1]}:00 — <b>${x.value[2]}</b>` },
    xAxis: { type: 'category' as const, data: Array.from({ length: 31 }, (_, i) => String(i + 1)), axisLabel: { fontSize: 10, interval: 2 }, splitArea: { show: true } },
    yAxis: { type: 'category' as const, data: Array.from({ length: 24 }, (_, h) => `${h}`), axisLabel: { fontSize: 10, interval: 3 } },
    visualMap: { min: 0, max, orient: 'horizontal' as const, left: 'center', bottom: 0, itemHeight: 120, textStyle: { fontSize: 10 }, inRange: { color: ['#f1f3f5', '#13a8a8', '#0b7285'] } },
    series: [{ type: 'heatmap' as const, data: cells.map((c) => [c.day - 1, c.hour, c.count]) }],
  };
}

/** A KPI card's sparkline: the series, no axes. */
export function sparkOption(values: number[], color = PALETTE[0]) {
  return {
    grid: { left: 0, right: 0, top: 2, bottom: 2 },
    xAxis: { type: 'category' as const, show: false, data: values.map((_, i) => i) },
    yAxis: { type: 'value' as const, show: false, scale: true },
    series: [{ type: 'line' as const, data: values, symbol: 'none', lineStyle: { width: 1.5, color }, areaStyle: { opacity: 0.1, color } }],
  };
}
