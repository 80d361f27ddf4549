/**
 * Totals in the tenant's reporting currency (its `currency`), next to the per-currency figures
 * they come from (README.md "Currencies"). Every month is converted at its month-end rate: the
 * last rate in the tenant's FX table on or before the month's last day (today for the current
 * month), for stocks (MRR, outstanding) and flows (billed, collected) alike. A currency with an
 * amount but no rate is left out of the total and named in `missing`; the total says it is
 * incomplete. Nothing is ever mixed without a rate.
 */
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, roundMoney, toMoneyString } from '../lib/money';
import { addInterval } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { mrrReport } from './mrr-report';
import { monthlyFromFacts, monthlyFromRaw } from './receivables';
import { rateFinder } from './fx-rates';

export const REPORTING_FIGURES = ['mrr', 'billed', 'collected', 'outstanding'] as const;
type Figure = (typeof REPORTING_FIGURES)[number];

export async function reportingReport({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  // side by side: each waits for its own round trips
  const [{ currency: reporting, rounding }, { mrr }, rec] = await Promise.all([
    tenantSettings(q(ctx), ctx.tenantId), mrrReport({ ctx, query }),
    query.customerType || query.segment ? monthlyFromRaw(ctx, query, r) : monthlyFromFacts(ctx, query, r),
  ]);
  const currencies = [...new Set([...mrr.map((m) => m.currency), ...rec.currencies])].sort();
  const rateDay = (month: string) => { const last = addInterval(nextMonth(month), 'day', -1); return last < r.today ? last : r.today; };
  const find = await rateFinder(ctx, reporting, currencies, rateDay(r.to));
  const months = r.months.map((month) => {
    const day = rateDay(month);
    const perCurrency = currencies.map((c) => {
      const m = mrr.find((x) => x.month === month && x.currency === c);
      const cell = rec.cell(month, c);
      const amounts: Record<Figure, Decimal> = { mrr: new Decimal(m?.endMrr ?? 0), billed: cell.billed, collected: cell.collected, outstanding: cell.outstanding };
      const rate = find(c, day);
      return { currency: c, rate: rate ? rate.rate.toSignificantDigits(12).toString() : null, rateDate: rate?.date ?? null, amounts };
    });
    const totals = Object.fromEntries(REPORTING_FIGURES.map((f) => {
      const missing = perCurrency.filter((p) => p.rate === null && !p.amounts[f].isZero()).map((p) => p.currency);
      const sum = perCurrency.reduce((s, p) => {
        const rate = find(p.currency, day);
        return rate ? s.plus(p.amounts[f].times(rate.rate)) : s;
      }, ZERO as Decimal);
      return [f, { amount: toMoneyString(roundMoney(sum, reporting, rounding), reporting), complete: missing.length === 0, missing }];
    })) as Record<Figure, { amount: string; complete: boolean; missing: string[] }>;
    return {
      month, rateDate: day, totals,
      perCurrency: perCurrency.map((p) => ({ currency: p.currency, rate: p.rate, rateDate: p.rateDate,
        ...Object.fromEntries(REPORTING_FIGURES.map((f) => [f, toMoneyString(p.amounts[f], p.currency)])) as Record<Figure, string> })),
    };
  });
  return { from: r.from, to: r.to, months, reportingCurrency: reporting, rateRule: 'month_end' as const, asOf: r.today };
}
