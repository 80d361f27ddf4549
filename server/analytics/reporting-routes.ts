/** FX rates and reporting-currency totals (README.md "Currencies"); merged into analyticsRoutes. */
import { createRoute, z } from '@hono/zod-openapi';
import { isoDate } from '../lib/schemas';
import { newRouter, jsonOk, jsonBody, errorResponses, security, IdParam } from '../lib/http';
import { AnalyticsQuery } from './filters';
import { deleteFxRate, importFxRatesCsv, listFxRates, putFxRates } from './fx-rates';
import { reportingReport } from './reporting';
import { revenueMix } from './revenue-mix';
import { retryRecovery } from './retry-recovery';
import { getWeeklySummary, setWeeklySummary } from './weekly-summary';

const Code = z.string().regex(/^[A-Z]{3}$/, { error: 'must be a 3-letter currency code' });
const FxRate = z.object({ id: z.string(), date: z.string(), base: z.string(), quote: z.string(), rate: z.string(), source: z.enum(['api', 'csv']) }).openapi('FxRate');
const FxRateIn = z.object({
  date: isoDate, base: Code, quote: Code,
  rate: z.string().max(64).openapi({ description: 'How many `quote` one `base` is worth, a decimal string', example: '1385.5' }),
});
const Total = z.object({ amount: z.string(), complete: z.boolean().openapi({ description: 'false when a currency with an amount had no rate' }), missing: z.array(z.string()) });
const Figures = { mrr: z.string(), billed: z.string(), collected: z.string(), outstanding: z.string() };
export const ReportingReport = z.object({
  from: z.string(), to: z.string(), asOf: z.string(), reportingCurrency: z.string(),
  rateRule: z.literal('month_end').openapi({ description: 'Each month at the last rate on or before its last day (today for the current month)' }),
  months: z.array(z.object({
    month: z.string(), rateDate: z.string(),
    totals: z.object({ mrr: Total, billed: Total, collected: Total, outstanding: Total }),
    perCurrency: z.array(z.object({ currency: z.string(), rate: z.string().nullable(), rateDate: z.string().nullable(), ...Figures })),
  })),
}).openapi('ReportingReport');

const Money = z.string().openapi({ description: 'Decimal string in the currency' });
export const RevenueMix = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()),
  revenue: z.array(z.object({
    month: z.string(), currency: z.string(), recurring: Money, usage: Money, oneTime: Money,
    discounts: Money.openapi({ description: 'Invoice-wide discounts (not tied to a component), negative' }), total: Money,
    usageShare: z.string().nullable().openapi({ description: 'usage ÷ total, 4 decimals' }),
  })),
}).openapi('RevenueMix');

const Rate = z.string().nullable().openapi({ description: 'A fraction with 4 decimals; null when its base is zero' });
export const RetryRecovery = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()),
  recovery: z.array(z.object({
    month: z.string().openapi({ description: 'Month of the first failed automatic attempt' }), currency: z.string(),
    failedInvoices: z.number(), failedAmount: Money, recoveredInvoices: z.number(), recoveredAmount: Money,
    byChannel: z.object({ retry: Money, dunning: Money, manual: Money }), recoveryRate: Rate, invoiceRecoveryRate: Rate,
    avgDaysToRecover: z.string().nullable(),
  })),
}).openapi('RetryRecovery');

const WeeklySummary = z.object({
  enabled: z.boolean(),
  schedule: z.object({ day: z.number().int().openapi({ description: 'ISO day of week, 1 = Monday' }), at: z.string().openapi({ description: 'HH:MM, tenant time zone' }) }),
}).openapi('WeeklySummarySetting');

export const reportingRoutes = newRouter().openapi(createRoute({
  method: 'get', path: '/analytics/fx-rates', tags: ['Analytics'], security,
  summary: "The tenant's FX rates, newest first (at most 2000)",
  request: { query: z.object({ base: Code.optional(), quote: Code.optional() }) },
  responses: { ...jsonOk(z.object({ data: z.array(FxRate) })), ...errorResponses },
}), async (c) => c.json(await listFxRates({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'put', path: '/analytics/fx-rates', tags: ['Analytics'], security,
    summary: 'Set FX rates (1 base = rate quote on a date); the same pair and date is replaced. Needs tenant:write',
    request: jsonBody(z.object({ rates: z.array(FxRateIn).min(1).max(1000) })),
    responses: { ...jsonOk(z.object({ data: z.array(FxRate) })), ...errorResponses },
  }), async (c) => c.json(await putFxRates({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'post', path: '/analytics/fx-rates/import', tags: ['Analytics'], security,
    summary: 'Import FX rates from CSV text: a `date,base,quote,rate` header, one rate a line. Errors name csv.lineN',
    request: jsonBody(z.object({ csv: z.string().min(1).max(1_000_000) })),
    responses: { ...jsonOk(z.object({ imported: z.number() })), ...errorResponses },
  }), async (c) => c.json(await importFxRatesCsv({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'delete', path: '/analytics/fx-rates/{id}', tags: ['Analytics'], security,
    summary: 'Delete an FX rate',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }), async (c) => { await deleteFxRate({ ctx: c.get('ctx'), id: c.req.valid('param').id }); return c.body(null, 204); })
  .openapi(createRoute({
    method: 'get', path: '/analytics/reporting', tags: ['Analytics'], security,
    summary: "MRR, billed, collected and outstanding per month in the tenant's reporting currency (month-end FX rate), with the per-currency figures and the rates used",
    description: 'A currency with an amount but no rate is not added: its total says complete=false and names it in missing.',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(ReportingReport), ...errorResponses },
  }), async (c) => c.json(await reportingReport({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/revenue-mix', tags: ['Analytics'], security,
    summary: 'Billed revenue per month (issued invoices, before tax) split into recurring, usage and one-time from the bill lines',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(RevenueMix), ...errorResponses },
  }), async (c) => c.json(await revenueMix({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/retry-recovery', tags: ['Analytics'], security,
    summary: 'Failed automatic collections by month and how much was recovered afterwards: by retry, after dunning, or paid otherwise',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(RetryRecovery), ...errorResponses },
  }), async (c) => c.json(await retryRecovery({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/weekly-summary', tags: ['Analytics'], security,
    summary: "Whether the signed-in user gets the weekly summary e-mail (KPI figures and a PDF with charts, Mondays 08:00 tenant time)",
    responses: { ...jsonOk(WeeklySummary), ...errorResponses },
  }), async (c) => c.json(await getWeeklySummary(c.get('ctx')), 200))
  .openapi(createRoute({
    method: 'put', path: '/analytics/weekly-summary', tags: ['Analytics'], security,
    summary: "Turn the signed-in user's weekly summary e-mail on or off (needs analytics:read; a console user, not an API key). Audited",
    request: jsonBody(z.object({ enabled: z.boolean() })),
    responses: { ...jsonOk(WeeklySummary), ...errorResponses },
  }), async (c) => c.json(await setWeeklySummary(c.get('ctx'), c.req.valid('json').enabled), 200));
