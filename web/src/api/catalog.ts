/**
 * Endpoint functions of the catalog (plans, rules), the rating preview and the coupon codes,
 * typed by path. Documents follow rules/schema/*.schema.json (documents.ts until the server
 * declares them); amounts are decimal strings.
 */
import { api } from './client';
import type { PlanDoc, PreviewResponse, RuleDoc } from './documents';
import type { CatalogEntry, CatalogEntryDetail, CatalogVersion, CouponCodeBatch, PreviewRequest, RedemptionReport } from './types';

export type * from './documents';
export type {
  CatalogEntry, CatalogEntryDetail, CatalogStatus, CatalogVersion, CouponCode, CouponCodeBatch, DiffChange, DiffResult, Fact,
  PreviewCustomer, PreviewRequest, PreviewSubscription, RedemptionReport,
} from './types';

/** Plans and rules share one versioned-document API; only the base path differs. */
const documentPaths = {
  plans: {
    list: '/plans', one: '/plans/{code}', draft: '/plans/{code}/draft', publish: '/plans/{code}/publish',
    retire: '/plans/{code}/retire', version: '/plans/{code}/versions/{version}', diff: '/plans/{code}/diff',
  },
  rules: {
    list: '/rules', one: '/rules/{code}', draft: '/rules/{code}/draft', publish: '/rules/{code}/publish',
    retire: '/rules/{code}/retire', version: '/rules/{code}/versions/{version}', diff: '/rules/{code}/diff',
  },
} as const;

// The server declares documents `unknown`: the casts give them the document type D back.
function catalogApi<D extends PlanDoc | RuleDoc>(kind: keyof typeof documentPaths) {
  const p: (typeof documentPaths)[keyof typeof documentPaths] = documentPaths[kind];
  type Detail = Promise<CatalogEntryDetail<D>>;
  return {
    list: () => api.get(p.list) as Promise<{ data: CatalogEntry<D>[] }>,
    get: (code: string) => api.get(p.one, { path: { code } }) as Detail,
    create: (document: D, note?: string) => api.post(p.list, { body: note ? { document, note } : { document } }) as Detail,
    saveDraft: (code: string, document: D) => api.put(p.draft, { path: { code }, body: { document } }) as Detail,
    discardDraft: (code: string) => api.del(p.draft, { path: { code } }) as Detail,
    publish: (code: string, effectiveFrom: string) => api.post(p.publish, { path: { code }, body: { effectiveFrom } }) as Detail,
    retire: (code: string, from: string) => api.post(p.retire, { path: { code }, body: { from } }) as Detail,
    version: (code: string, version: number) =>
      api.get(p.version, { path: { code, version } }) as Promise<CatalogVersion<D>>,
    diff: (code: string, from: number, to: number) => api.get(p.diff, { path: { code }, query: { from, to } }),
  };
}

/** The versioned-document operations plans and rules share. */
export type DocumentApi<D extends PlanDoc | RuleDoc> = ReturnType<typeof catalogApi<D>>;

export const plansApi = catalogApi<PlanDoc>('plans');
export const rulesApi = {
  ...catalogApi<RuleDoc>('rules'),
  facts: () => api.get('/rules/facts'),
  couponCodes: (code: string) => api.get('/rules/{code}/coupon-codes', { path: { code } }),
  /** CSV of a coupon rule's codes (all, or one batch), for the browser to download. */
  couponCodesCsvUrl: (code: string, batch?: string) =>
    api.url('/rules/{code}/coupon-codes/export', { code }) + (batch ? `?batch=${encodeURIComponent(batch)}` : ''),
  addCouponCodes: (code: string, batch: CouponCodeBatch) => api.post('/rules/{code}/coupon-codes', { path: { code }, body: batch }),
  redemptions: (code: string) => api.get('/rules/{code}/redemptions', { path: { code } }) as Promise<RedemptionReport>,
};

export const ratingApi = {
  preview: (req: PreviewRequest): Promise<PreviewResponse> => api.post('/rating/preview', { body: req }),
  /** A stored customer's month as rating sees it: subscriptions, quantities, coupons, usage so far. */
  customerFacts: (id: string, month?: string) => api.get('/rating/customers/{id}/facts', { path: { id }, query: month ? { month } : {} }),
};
