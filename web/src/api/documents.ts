/**
 * The wire types the server does not declare yet, written by hand in this one place.
 *
 * Plan and rule documents are checked by the server's zod schemas (server/rules/schema.ts, also
 * published as rules/schema/*.schema.json) but the OpenAPI document carries them as `unknown`
 * (catalog entries, versions, preview requests); the rating preview's response and an invoice's
 * lines, trace and bills are `any`/`unknown[]` there too. Each type below mirrors the server type
 * named in its comment; delete it once the server declares the schema and `npm run api:types`
 * generates it.
 */

import type { components } from './schema.gen';

/** A decimal string, as the API sends every amount: never arithmetic in the browser. */
export type Decimal = string;

// until the server declares it (server/rules/schema.ts: condition)
/** json-rules-engine condition tree (facts are flat dotted names). */
export interface LeafCondition { fact: string; operator: string; value: unknown }
export type ConditionNode =
  | { all: ConditionNode[] }
  | { any: ConditionNode[] }
  | { not: ConditionNode }
  | LeafCondition;

// until the server declares it (server/rules/schema.ts: PlanDoc). Type aliases, not interfaces:
// the API's document bodies are `{ [key: string]: unknown }`, which only aliases are assignable to.
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
  /** Flat and quantity components: "one_time" = charged once (a setup fee). */
  charge?: 'recurring' | 'one_time';
  /** Flat components: `amount` paid over the first `count` cycles. */
  installments?: { count: number };
}
export type Interval = 'day' | 'week' | 'month' | 'year';
export type PlanDoc = {
  code: string;
  name: string;
  description?: string;
  version?: number | string;
  currency: string;
  interval: Interval;
  intervalCount?: number;
  trialDays?: number;
  minimumAmount?: Decimal;
  addOn?: boolean;
  eligibility?: ConditionNode;
  components: PlanComponent[];
  timing?: 'in_arrears' | 'in_advance';
  termCycles?: number;
  renewal?: 'auto' | { planCode: string };
};

// until the server declares it (server/rules/schema.ts: RuleDoc)
export type RuleKind = 'discount' | 'free_units' | 'price_override' | 'coupon' | 'promotion' | 'tax' | 'points' | 'dunning';
export type RuleDoc = {
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
};

// until the server declares it (server/rating/types.ts: RatedLine, and BillLine in server/billing/rate-payer.ts)
export interface RatedLine {
  subscription?: number;
  component?: string;
  kind: 'charge' | 'minimum' | 'discount' | 'tax';
  rule?: string;
  name?: string;
  quantity?: Decimal;
  amount: Decimal;
  description?: string;
  /** What the line is beyond its component; worded by useLineDetail. */
  detail?: LineDetail;
  /** Charge lines: unit price and tiers as rated; worded by useLinePricing. */
  pricing?: LinePricing;
  /** Discount lines of a coupon: the code presented. */
  coupon?: string;
}
export type LineDetail = components['schemas']['LineDetail'];
export type LinePricing = components['schemas']['LinePricing'];
export interface InvoiceLine extends Omit<RatedLine, 'subscription'> {
  planCode?: string;
  subscriptionId?: string;
  customerId?: string;
  segment?: { startDate: string; endDate: string };
}

// until the server declares it (server/rules/compile.ts: ConditionTrace, flattened for display)
export interface TraceCondition {
  op?: 'all' | 'any' | 'not';
  fact?: string;
  operator?: string;
  value?: unknown;
  factValue?: unknown;
  result?: boolean;
  error?: string;
  conditions?: TraceCondition[];
  condition?: TraceCondition;
}

/** One rule's evaluation in a rating trace (server/catalog/preview-schemas.ts). */
export type TraceEntry = components['schemas']['TraceEntry'];

// until the server declares it (server/rating/types.ts: RatingResult.versions)
export interface DocumentVersions {
  plans: { code: string; version: number | string | null }[];
  rules: { id: string; version: number | string | null }[];
}

/** The rating preview's answer, as the server declares it (server/catalog/preview-schemas.ts). */
export type PreviewResponse = components['schemas']['PreviewResponse'];

// until the server declares it (server/invoices/invoices.ts: the bills of GET /invoices/{id})
export interface Bill {
  id: string;
  subscriptionId: string;
  customerId: string;
  cycleIndex: number;
  subtotal: Decimal;
  discountTotal: Decimal;
  lines: InvoiceLine[];
  trace?: TraceEntry[];
}

// until the server declares it (server/promotions/coupons.ts: byMonth[] and latest[] of GET /rules/{code}/redemptions)
export interface RedemptionMonth { month: string; currency: string; redemptions: number; amount: Decimal; customers: number }
export interface RedemptionUse { customerId: string; invoiceId: string | null; couponCode: string | null; amount: Decimal; currency: string; periodStart: string; createdAt: string }
