import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { assertPermission } from '../lib/context';
import { liveHubOf, liveKpis } from './live';
import { isoDate, isoMonth } from '../lib/schemas';
import { newRouter, jsonOk, errorResponses, security } from '../lib/http';
import { dashboard } from './dashboard';
import { AnalyticsQuery } from './filters';
import { cohortReport, movementList, mrrReport } from './mrr-report';
import { CohortReport, MovementList, MrrReport, PaymentPatterns, PromotionRoi, ReceivablesReport } from './schemas';
import { paymentPatterns } from './payment-patterns';
import { promotionRoi } from './promotion-roi';
import { receivablesReport } from './receivables';
import { reportingRoutes } from './reporting-routes';

const Month = isoMonth;
const Amount = z.object({ month: z.string(), currency: z.string(), amount: z.string() });

export const analyticsRoutes = newRouter().openapi(createRoute({
  method: 'get', path: '/analytics/dashboard', tags: ['Analytics'], security,
  summary: 'Revenue, MRR, subscribers (active/new/churned), invoices by status and top plans per month',
  deprecated: true,
  description: 'Deprecated: its MRR is summed from bills, so it depends on bill runs. Use /analytics/mrr (from subscription state) and /analytics/receivables.',
  request: { query: z.object({ from: Month.optional(), to: Month.optional(), planCode: z.string().max(100).optional() }) },
  responses: {
    ...jsonOk(z.object({
      currency: z.string(), from: z.string(), to: z.string(), months: z.array(z.string()), planCode: z.string().nullable(),
      revenue: z.array(Amount), mrr: z.array(Amount),
      subscribers: z.array(z.object({ month: z.string(), active: z.number(), new: z.number(), churned: z.number() })),
      invoicesByStatus: z.array(z.object({ status: z.string(), currency: z.string(), count: z.number(), amount: z.string() })),
      topPlans: z.array(z.object({ planCode: z.string(), currency: z.string(), amount: z.string(), subscriptions: z.number() })),
    }).openapi('Dashboard')),
    ...errorResponses,
  },
}), async (c) => c.json(await dashboard({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/mrr', tags: ['Analytics'], security,
    summary: 'MRR per month and currency from subscription state: movements, customers, ARR, churn rates, NRR, ARPA, LTV; trial conversion',
    description: 'Needs analytics:read. Formulas: server/analytics/README.md. Independent of bill runs.',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(MrrReport), ...errorResponses },
  }), async (c) => c.json(await mrrReport({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/mrr/movements', tags: ['Analytics'], security,
    summary: 'The MRR movements of one month (optionally one kind) with their customers: the list behind the waterfall',
    request: { query: AnalyticsQuery.omit({ from: true, to: true }).extend({ month: isoMonth, kind: z.enum(['new', 'expansion', 'contraction', 'churn', 'reactivation']).optional() }) },
    responses: { ...jsonOk(MovementList), ...errorResponses },
  }), async (c) => c.json(await movementList({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/cohorts', tags: ['Analytics'], security,
    summary: 'Retention by signup month, as customers and as MRR',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(CohortReport), ...errorResponses },
  }), async (c) => c.json(await cohortReport({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/receivables', tags: ['Analytics'], security,
    summary: 'Billed vs collected per month, outstanding, collection rate, DSO; A/R aging on a date with the invoices behind it',
    request: { query: AnalyticsQuery.extend({ asOf: isoDate.optional().openapi({ description: 'Aging date (default today)' }) }) },
    responses: { ...jsonOk(ReceivablesReport), ...errorResponses },
  }), async (c) => c.json(await receivablesReport({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/payment-patterns', tags: ['Analytics'], security,
    summary: 'Payment method mix, success/failure by method and decline code, days to pay, on-time share, late payers, day × hour heatmap',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(PaymentPatterns), ...errorResponses },
  }), async (c) => c.json(await paymentPatterns({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/promotions', tags: ['Analytics'], security,
    summary: 'What each discount, promotion and coupon gave away per month; revenue and retention of its users vs non-users',
    request: { query: AnalyticsQuery },
    responses: { ...jsonOk(PromotionRoi), ...errorResponses },
  }), async (c) => c.json(await promotionRoi({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/analytics/stream', tags: ['Analytics'], security,
    summary: 'Server-sent events: `kpis` (the live KPI snapshot) on open and within a moment of every change (invoice, payment, subscription, usage), `ping` every 15 s',
    description: 'Needs analytics:read. Changes are heard through PostgreSQL LISTEN/NOTIFY, so a change made by any process is pushed. Reconnect with EventSource; a missing ping means the stream is stale.',
    responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses },
  }), async (c) => {
    const ctx = c.get('ctx');
    assertPermission(ctx, 'analytics:read');
    return streamSSE(c, async (stream) => {
      let n = 0;
      let dirty: string | null = 'open';
      let wake: (() => void) | null = null;
      const send = async (reason: string) => stream.writeSSE({ event: 'kpis', id: String(n++), data: JSON.stringify({ reason, ...(await liveKpis(ctx)) }) });
      const unsubscribe = await liveHubOf(ctx.db)?.subscribe(ctx.tenantId, (topic) => { dirty = topic; wake?.(); });
      stream.onAbort(() => { unsubscribe?.(); wake?.(); });
      let lastPing = Date.now();
      try {
        while (!stream.aborted) {
          if (dirty) {
            const reason = dirty;
            dirty = null;
            await send(reason);
          }
          if (Date.now() - lastPing >= 15_000) { await stream.writeSSE({ event: 'ping', data: new Date().toISOString() }); lastPing = Date.now(); }
          // wait for a change (several within 200 ms are one snapshot) or the next ping
          if (!dirty && !stream.aborted) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 15_000);
              wake = () => { clearTimeout(timer); resolve(); };
            });
            wake = null;
            await stream.sleep(200);
          }
        }
      } finally { unsubscribe?.(); }
    });
  })
  .route('/', reportingRoutes);
