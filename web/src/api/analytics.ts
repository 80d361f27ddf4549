/**
 * Analytics endpoints (server/analytics/README.md gives each formula). Types come from the
 * server's OpenAPI (schema.gen.ts); amounts are decimal strings, rates fractions with 4 decimals.
 */
import { api, BASE_URL, type ApiQuery } from './client';
import type { components } from './schema.gen';

type S = components['schemas'];
export type MrrReport = S['MrrReport'];
export type MrrMonth = S['MrrMonth'];
export type CohortReport = S['CohortReport'];
export type ReceivablesReport = S['ReceivablesReport'];
export type PaymentPatterns = S['PaymentPatterns'];
export type PromotionRoi = S['PromotionRoi'];
export type MovementRow = S['MrrMovementList']['data'][number];
export type MovementKind = MovementRow['kind'];
export type AnalyticsFilter = ApiQuery<'/analytics/mrr'>;
export type ReportingReport = S['ReportingReport'];
export type FxRate = S['FxRate'];
export type RevenueMix = S['RevenueMix'];
export type RetryRecovery = S['RetryRecovery'];

export const analytics = {
  mrr: (query: AnalyticsFilter) => api.get('/analytics/mrr', { query }),
  movements: (query: ApiQuery<'/analytics/mrr/movements'>) => api.get('/analytics/mrr/movements', { query }),
  cohorts: (query: AnalyticsFilter) => api.get('/analytics/cohorts', { query }),
  receivables: (query: ApiQuery<'/analytics/receivables'>) => api.get('/analytics/receivables', { query }),
  paymentPatterns: (query: AnalyticsFilter) => api.get('/analytics/payment-patterns', { query }),
  promotions: (query: AnalyticsFilter) => api.get('/analytics/promotions', { query }),
  reporting: (query: AnalyticsFilter) => api.get('/analytics/reporting', { query }),
  revenueMix: (query: AnalyticsFilter) => api.get('/analytics/revenue-mix', { query }),
  retryRecovery: (query: AnalyticsFilter) => api.get('/analytics/retry-recovery', { query }),
  fxRates: () => api.get('/analytics/fx-rates', {}),
  putFxRates: (rates: { date: string; base: string; quote: string; rate: string }[]) => api.put('/analytics/fx-rates', { body: { rates } }),
  importFxRates: (csv: string) => api.post('/analytics/fx-rates/import', { body: { csv } }),
  deleteFxRate: (id: string) => api.del('/analytics/fx-rates/{id}', { path: { id } }),
};

/** The live KPI snapshot pushed by GET /analytics/stream (server/analytics/live.ts, liveKpis). */
export interface LiveKpis {
  reason: string; asOf: string; at: string; usageEventsToday: number;
  currencies: {
    currency: string; mrr: string; arr: string; customers: number; billedThisMonth: string; collectedThisMonth: string;
    overdue: string; overdueInvoices: number; paymentsToday: number; collectedToday: string;
  }[];
}
export const STREAM_URL = `${BASE_URL}/analytics/stream`;
