/** The revenue-mix chart (GET /analytics/revenue-mix): billed revenue per month stacked by kind. */
import type { RevenueMix } from '@/api/analytics';
import { axisLabel, chartValue } from '@/components/ops/chart';
import { toolbox } from './options';

type T = (key: string, args?: Record<string, unknown>) => string;
export const REVENUE_KINDS = ['recurring', 'usage', 'oneTime', 'discounts'] as const;
const COLORS: Record<string, string> = { recurring: '#1f4fd6', usage: '#13a8a8', oneTime: '#f59f00', discounts: '#e03131' };

export function revenueMixOption(r: RevenueMix | null, currency: string, months: string[], t: T, money: (a: string | null | undefined) => string, locale: string) {
  const rows = (r?.revenue ?? []).filter((x) => x.currency === currency);
  if (!rows.length) return null;
  const at = (m: string) => rows.find((x) => x.month === m);
  return {
    toolbox: toolbox(t, 'revenue-mix'), grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' as const, formatter: (ps: { name: string; marker: string; seriesName: string; seriesIndex: number }[]) =>
      [ps[0].name, ...ps.map((p) => `${p.marker}${p.seriesName} <b>${money(at(p.name)?.[REVENUE_KINDS[p.seriesIndex]])}</b>`),
        `${t('analyticsFx.mixTotal')} <b>${money(at(ps[0].name)?.total)}</b>`].join('<br/>') },
    xAxis: { type: 'category' as const, data: months, axisLabel: { fontSize: 11 } },
    yAxis: { type: 'value' as const, axisLabel: { formatter: axisLabel(locale), fontSize: 11 } },
    series: REVENUE_KINDS.map((k) => ({ type: 'bar' as const, name: t(`analyticsFx.mix.${k}`), stack: 'r', barMaxWidth: 22, itemStyle: { color: COLORS[k] },
      data: months.map((m) => chartValue(at(m)?.[k])) })),
  };
}
