/** Plain-data inputs and outputs of the rating engine (no database, no HTTP). */
import type { RoundingMode } from '../lib/money';
import type { ConditionTrace } from '../rules/compile';
import type { FactCustomer } from '../rules/facts';
import type { PlanDoc, RuleDoc, RuleKind } from '../rules/schema';
import type { PreparedRules } from './prepare';
import type { PointsPolicy } from './balances';
import type { LinePricing } from './pricing/types';

export type { LinePricing, TierUse } from './pricing/types';

export type { PlanDoc, RuleDoc };

/** A meter's usage: a quantity, or for a `percentage` meter its summed amount and event count. */
export type UsageValue = string | number | { amount: string | number; count: number | string };

export interface SubscriptionInput {
  id?: string;
  plan: PlanDoc;
  /** Inclusive; default: the period start. */
  startDate?: string | null;
  /** Exclusive; null = open-ended. */
  endDate?: string | null;
  /** 1 = first billed period; default 1. */
  cycleIndex?: number;
  quantities?: Record<string, string | number>;
  usage?: Record<string, UsageValue>;
  /** Coupon codes presented for this subscription only. */
  coupons?: string[];
  /**
   * In-advance plans in stored billing: the date inside this invoice's period from which what an
   * earlier invoice charged in advance for the period was credited back (a plan or quantity change,
   * pause, cancel or term end; server/subscriptions/advance-credit.ts). The segment's days of the
   * period from that date on are no longer paid for, so this invoice charges them (recurring
   * components, prorated; charge-timing.ts). Ignored on a first invoice (cycleIndex 1), which
   * charges its own period anyway, and for plans billed in arrears.
   */
  creditedFrom?: string;
  /**
   * Stored billing, yearly and multi-month plans (billed on their anniversary for the whole
   * period, the rated period here): charge only the days from `creditedFrom` on (recurring
   * components, prorated over the period), after a mid-year change credited the old plan's unused
   * part. No other slot; one-time and installment amounts are never charged by it (charge-timing.ts).
   */
  catchUpOnly?: boolean;
  /**
   * Stored billing, yearly and multi-month plans: the rated period is an anniversary period billed in
   * advance as a whole (plan `timing` ignored). One slot, the period; flat and quantity lines carry
   * `detail.servicePeriod` = the segment's days of it, so a later change credits exactly what each line
   * paid for (a renewal split by a change made before the run: A's days, then B's; charge-timing.ts).
   */
  anniversary?: boolean;
  /**
   * The subscription ends on this segment's `endDate` (a cancellation or a term that ends): when
   * that date falls in this rating's window (the period; for in-advance plans up to the end of the
   * next period), the installments not charged yet are charged at once on this invoice as one line
   * (charge-timing.ts). Stored billing sets it on the final segment until such a line is billed.
   */
  ends?: boolean;
}

/** What stored billing knows about a promotion's or coupon's consumption before this invoice. */
export interface PromotionUsageEntry {
  /** Budget left (decimal string); null or absent = the rule's full budget. */
  remainingBudget?: string | null;
  /** Invoices it was redeemed on so far, over all customers. */
  redemptions?: number;
  /** Invoices of this customer it was redeemed on so far. */
  customerRedemptions?: number;
}

export interface RatingInput {
  currency: string;
  rounding?: RoundingMode;
  customer: FactCustomer;
  period: { start: string; end: string };
  subscriptions: SubscriptionInput[];
  /** Coupon codes presented on the invoice. */
  coupons?: string[];
  prepaidBalance?: string;
  /** Points (not money) in the payer's points wallet. */
  pointsBalance?: string;
  /** What a point is worth and the per-invoice cap (./balances.ts); absent = 1 point is 1 unit, no cap. */
  points?: PointsPolicy;
  /**
   * Budgets and redemption counts of promotions/coupons, keyed by rule id. Absent (the preview)
   * = budgets and redemption limits are ignored.
   */
  promotionUsage?: Record<string, PromotionUsageEntry>;
}

export type LineKind = 'charge' | 'minimum' | 'discount' | 'tax';

/**
 * What a charge line is beyond its component, for the console and the PDF to word it
 * ("installment 3 of 24", "setup fee (one-time)", the service period of an in-advance line).
 */
export interface LineDetail {
  code: 'one_time' | 'installment' | 'in_advance';
  installment?: number;
  of?: number;
  /** Accelerated installments (the subscription ended): this line is installments `installment`..`through`. */
  through?: number;
  accelerated?: boolean;
  /**
   * The days an in-advance line pays for: the next period (or the part of it the segment covers),
   * or, for the remaining days after a mid-period change (`creditedFrom`), that part of the invoice's period.
   */
  servicePeriod?: { start: string; end: string };
}

export interface RatedLine {
  subscription?: number;
  component?: string;
  kind: LineKind;
  rule?: string;
  name?: string;
  quantity?: string;
  amount: string;
  description?: string;
  detail?: LineDetail;
  /** Charge lines: the unit price, and the tiers of a graduated or volume line (./pricing/types.ts). */
  pricing?: LinePricing;
  /** Discount lines of a coupon rule: the code presented (stored billing puts a generated code here). */
  coupon?: string;
}

export interface TraceEntry {
  rule: string;
  kind: RuleKind;
  version: number | string | null;
  /** The subscription whose facts it was evaluated with. */
  subscription: number;
  /** json-rules-engine's verdict on the conditions. */
  fired: boolean;
  /** It changed the invoice (false when fired but blocked: exclusive group, cycles, budget, coupon absent ...). */
  applied: boolean;
  reason: string;
  /** Facts read by its conditions, with the values they had (trace level "full"). */
  facts?: Record<string, unknown>;
  /** Per-condition results (trace level "full"). */
  conditions?: ConditionTrace;
  /** The churn score its conditions read (customer.churnRisk / churnBand / behaviourSegment): model version and score date. */
  churnScore?: { modelVersion: number; asOf: string };
}

export interface RatingResult {
  currency: string;
  lines: RatedLine[];
  subtotal: string;
  discountTotal: string;
  taxTotal: string;
  total: string;
  prepaidApplied: string;
  pointsApplied: string;
  /** Points debited for `pointsApplied` (points, not money: see ./balances.ts). */
  pointsSpent: string;
  amountDue: string;
  trace: TraceEntry[];
  /** Versions of the documents used, so a bill can be re-explained later. */
  versions: { plans: { code: string; version: number | string | null }[]; rules: { id: string; version: number | string | null }[] };
  /** Points earned when the invoice is paid (points rules). */
  pointsEarned: { rule: string; points: string; expiresInDays: number | null }[];
  /** Reductions per promotion/coupon on this invoice, for stored billing to record. */
  redemptions: { rule: string; amount: string }[];
  /**
   * Tax per rule before rounding (exact decimal strings), for stored billing: a payer's invoice
   * that merges several customers' ratings rounds tax once per tax name over the whole invoice.
   */
  taxExact: { rule: string; name: string; amount: string }[];
}

export interface RateOptions {
  /** Rule documents, or the result of prepareRules() when rating many invoices with one pack. */
  rules: readonly RuleDoc[] | PreparedRules;
  /**
   * "summary" (what billing stores): per (rule, subscription) fired/applied/reason and `facts`, the
   * values of every fact its conditions read — enough to answer "why"; the per-condition detail
   * can be recomputed on demand with `explainConditions(rule.conditions, entry.facts)`.
   * "full" (default, the preview) also records `conditions` (that detail) for every rule.
   */
  trace?: 'full' | 'summary';
  /** Force the decimal.js reference implementation (tests, diagnostics). */
  engine?: 'auto' | 'reference';
}
