/**
 * Endpoint functions and wire types of the catalog (plans, rules), the rating preview and the
 * coupon codes. Documents follow rules/schema/*.schema.json; amounts are decimal strings.
 */
import { api } from './client';
import type { ListResponse } from './types';

const enc = encodeURIComponent;

export type CatalogStatus = 'draft' | 'published' | 'retired';
export type Decimal = string;

/** json-rules-engine condition tree (facts are flat dotted names). */
export interface LeafCondition { fact: string; operator: string; value: unknown }
export type ConditionNode =
  | { all: ConditionNode[] }
  | { any: ConditionNode[] }
  | { not: ConditionNode }
  | LeafCondition;

export interface Tier { upTo: Decimal | null; unitAmount: Decimal; flatAmount?: Decimal }
export type PricingModel = 'standard' | 'package' | 'graduated' | 'volume' | 'percentage';
export interface Pricing {
  model: PricingModel;
  unitAmount?: Decimal;
  freeUnits?: Decimal | number;
  packageSize?: Decimal | number;
  packageAmount?: Decimal;
  tiers?: Tier[];
  rate?: Decimal;
  fixedAmount?: Decimal;
  freeAmount?: Decimal;
  freeEvents?: number;
}
export type ComponentType = 'flat' | 'quantity' | 'usage';
export interface PlanComponent {
  code: string;
  name?: string;
  description?: string;
  type: ComponentType;
  amount?: Decimal;
  quantityKey?: string;
  meter?: string;
  pricing?: Pricing;
  prorate?: boolean;
}
export type Interval = 'day' | 'week' | 'month' | 'year';
export interface PlanDoc {
  code: string;
  name: string;
  description?: string;
  version?: number | string;
  currency: string;
  interval: Interval;
  intervalCount?: number;
  trialDays?: number;
  minimumAmount?: Decimal;
  eligibility?: ConditionNode;
  components: PlanComponent[];
}

export type RuleKind = 'discount' | 'free_units' | 'price_override' | 'coupon' | 'promotion' | 'tax' | 'points' | 'dunning';
export interface RuleDoc {
  id: string;
  name: string;
  description?: string;
  version?: number | string;
  kind: RuleKind;
  priority?: number;
  validFrom?: string | null;
  validTo?: string | null;
  exclusiveGroup?: string | null;
  currency?: string;
  conditions: ConditionNode;
  event: { type: RuleKind; params: Record<string, unknown> };
}

export interface CatalogEntry<D = unknown> {
  id: string;
  kind: 'plan' | 'rule';
  code: string;
  name: string;
  retiredFrom: string | null;
  latestPublished: { version: number; effectiveFrom: string | null } | null;
  draftVersion: number | null;
  status: CatalogStatus;
  document?: D;
  updatedAt: string;
}
export interface CatalogVersion<D = unknown> {
  version: number;
  status: 'draft' | 'published';
  effectiveFrom: string | null;
  document: D;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}
export interface CatalogEntryDetail<D = unknown> extends CatalogEntry<D> { versions: CatalogVersion<D>[] }
export interface DiffChange { path: string; op: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }
export interface DiffResult { from: number; to: number; changes: DiffChange[] }

export interface Fact {
  name: string;
  type: 'string' | 'number' | 'money' | 'date' | 'boolean' | 'array' | string;
  label: { ko: string; en: string };
  description: string;
  allowedValues?: string[];
  scope: string;
  prefix: boolean;
  operators: string[];
}

export interface PreviewCustomer {
  id?: string;
  type?: string | null;
  segment?: string | null;
  country?: string | null;
  tags?: string[];
  tenureMonths?: number | null;
  dunningExcluded?: boolean;
  attributes?: Record<string, string | number | boolean | null>;
}
export interface PreviewSubscription {
  plan?: PlanDoc;
  planCode?: string;
  startDate?: string;
  endDate?: string | null;
  cycleIndex?: number;
  quantities?: Record<string, string>;
  usage?: Record<string, string | { amount: string; count: number }>;
  coupons?: string[];
}
export interface PreviewRequest {
  currency?: string;
  rounding?: string;
  customer?: PreviewCustomer;
  period?: { start: string; end: string };
  subscriptions: PreviewSubscription[];
  rules?: RuleDoc[];
  coupons?: string[];
}
export interface PreviewLine {
  subscription?: number;
  component?: string;
  kind: 'charge' | 'minimum' | 'discount' | 'tax';
  quantity?: string;
  amount: Decimal;
  description?: string;
  rule?: string;
  name?: string;
}
export interface TraceCondition {
  op?: 'all' | 'any' | 'not';
  fact?: string;
  operator?: string;
  value?: unknown;
  factValue?: unknown;
  result?: boolean;
  conditions?: TraceCondition[];
  condition?: TraceCondition;
}
export interface TraceEntry {
  rule: string;
  kind?: string;
  version?: number;
  subscription?: number;
  fired: boolean;
  applied?: boolean;
  reason?: string;
  facts?: Record<string, unknown>;
  conditions?: TraceCondition;
}
export interface PreviewResponse {
  currency: string;
  lines: PreviewLine[];
  subtotal: Decimal;
  discountTotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
  prepaidApplied: Decimal;
  pointsApplied: Decimal;
  amountDue: Decimal;
  trace: TraceEntry[];
}

export interface CouponCode {
  id: string;
  ruleCode: string;
  code: string;
  batch: string | null;
  maxRedemptions: number | null;
  redeemed: number;
  expiresOn: string | null;
  createdAt: string;
}
export interface CouponCodeBatch {
  codes?: string[];
  count?: number;
  prefix?: string;
  length?: number;
  maxRedemptions?: number | null;
  expiresOn?: string | null;
  batch?: string;
}
export interface RedemptionMonth { month: string; currency: string; redemptions: number; amount: Decimal; customers: number }
export interface RedemptionUse { customerId: string; invoiceId: string | null; couponCode: string | null; amount: Decimal; currency: string; periodStart: string; createdAt: string }
export interface RedemptionReport { rule: string; byMonth: RedemptionMonth[]; latest: RedemptionUse[] }

export interface CustomerSummary {
  id: string;
  externalId: string;
  type: string;
  name: string;
  country: string;
  currency: string;
  segment: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  dunningExcluded: boolean;
  status: string;
  createdAt: string;
}

function catalogApi<D>(base: '/plans' | '/rules') {
  return {
    list: () => api.get<ListResponse<CatalogEntry<D>>>(base),
    get: (code: string) => api.get<CatalogEntryDetail<D>>(`${base}/${enc(code)}`),
    create: (document: D, note?: string) => api.post<CatalogEntryDetail<D>>(base, note ? { document, note } : { document }),
    saveDraft: (code: string, document: D) => api.put<CatalogEntryDetail<D>>(`${base}/${enc(code)}/draft`, { document }),
    discardDraft: (code: string) => api.del<CatalogEntryDetail<D>>(`${base}/${enc(code)}/draft`),
    publish: (code: string, effectiveFrom: string) => api.post<CatalogEntryDetail<D>>(`${base}/${enc(code)}/publish`, { effectiveFrom }),
    retire: (code: string, from: string) => api.post<CatalogEntryDetail<D>>(`${base}/${enc(code)}/retire`, { from }),
    version: (code: string, v: number) => api.get<CatalogVersion<D>>(`${base}/${enc(code)}/versions/${v}`),
    diff: (code: string, from: number, to: number) => api.get<DiffResult>(`${base}/${enc(code)}/diff`, { from, to }),
  };
}

export const plansApi = catalogApi<PlanDoc>('/plans');
export const rulesApi = {
  ...catalogApi<RuleDoc>('/rules'),
  facts: () => api.get<{ data: Fact[]; operators: string[] }>('/rules/facts'),
  couponCodes: (code: string) => api.get<ListResponse<CouponCode>>(`/rules/${enc(code)}/coupon-codes`),
  addCouponCodes: (code: string, batch: CouponCodeBatch) => api.post<ListResponse<CouponCode>>(`/rules/${enc(code)}/coupon-codes`, batch),
  redemptions: (code: string) => api.get<RedemptionReport>(`/rules/${enc(code)}/redemptions`),
};

export const ratingApi = {
  preview: (req: PreviewRequest) => api.post<PreviewResponse>('/rating/preview', req),
};

export const catalogCustomersApi = {
  search: (q: string, limit = 20) => api.get<{ data: CustomerSummary[]; total: number }>('/customers', { q, limit }),
};
