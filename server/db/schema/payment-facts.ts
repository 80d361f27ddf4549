import { pgTable, uuid, text, numeric, date, integer, smallint, bigint, index, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Payment patterns (server/analytics/README.md "Payment patterns", "Speed"): the facts the
 * payment-patterns endpoint reads instead of scanning every payment and allocation. Derived data,
 * kept by statement-level triggers (migration `payment_facts`) on payments, payment_allocations,
 * invoices, customers and tenants, in the writer's own transaction: each trigger inserts what the
 * changed rows contribute now and subtracts what they contributed before. Append-only delta rows
 * like `receivable_facts` (no primary key; summed when read), so writers of one tenant and day
 * never wait on one row; the nightly job `analytics.compact_payment_facts` folds them.
 */

/** Payments per received day, hour recorded (tenant time zone), method, currency, status and decline code. */
export const paymentFacts = pgTable('payment_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** The payment's received date. */
  day: date('day').notNull(),
  /** Hour of `created_at` in the tenant's time zone (the tenants trigger moves them when it changes). */
  hour: smallint('hour').notNull(),
  method: text('method').notNull(),
  currency: text('currency').notNull(),
  status: text('status').notNull(),
  declineCode: text('decline_code'),
  n: integer('n').notNull(),
  /** Σ amount (not net of refunds: the method mix shows what was received). */
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
}, (t) => [index('payment_facts_tenant_day_idx').on(t.tenantId, t.day)]);

/**
 * Allocations (one invoice paid, in part, by one payment) per month received, method, currency,
 * customer type and days-to-pay bucket: how many, how many on time (received on or before the due
 * date) and late.
 */
export const paymentAllocationFacts = pgTable('payment_allocation_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** First day of the month the payment was received. */
  month: date('month').notNull(),
  method: text('method').notNull(),
  currency: text('currency').notNull(),
  /** The invoice's customer's type, `unknown` without one. */
  customerType: text('customer_type').notNull(),
  /** Days from issue to receipt: 0-7, 8-14, 15-30, 31-60, 60+ (DAYS_TO_PAY_BUCKETS). */
  bucket: text('bucket').notNull(),
  n: integer('n').notNull(),
  onTime: integer('on_time').notNull(),
  late: integer('late').notNull(),
}, (t) => [index('payment_allocation_facts_tenant_month_idx').on(t.tenantId, t.month)]);

/** Late allocations per month received, currency and bill-to party: how many and Σ days late. */
export const latePayerFacts = pgTable('late_payer_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  month: date('month').notNull(),
  currency: text('currency').notNull(),
  billTo: uuid('bill_to').notNull(),
  late: integer('late').notNull(),
  daysLate: integer('days_late').notNull(),
}, (t) => [
  index('late_payer_facts_tenant_month_idx').on(t.tenantId, t.month, t.currency, t.billTo, t.late, t.daysLate),
  index('late_payer_facts_tenant_bill_to_idx').on(t.tenantId, t.billTo, t.month),
]);

/**
 * One row per bill-to party with late payments: its late_payer_facts summed over every currency,
 * as running totals per month (`cumLate[i]` = late allocations received up to month `firstMonth +
 * i - 1`, months counted as year × 12 + month − 1), so that any month range's count is two array
 * reads, and `late` the all-time count, an upper bound of any range's count that the top-10 query
 * prunes by (server/analytics/late-payers.ts). Rebuilt from late_payer_facts, per party, by a
 * statement trigger on that table (migration `late_payer_months`).
 */
export const latePayerMonths = pgTable('late_payer_months', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  firstMonth: integer('first_month').notNull(),
  cumLate: integer('cum_late').array().notNull(),
  cumDays: bigint('cum_days', { mode: 'number' }).array().notNull(),
  late: integer('late').notNull(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.billTo] }), index('late_payer_months_tenant_late_idx').on(t.tenantId, t.late.desc())]);

/**
 * Promotion ROI (server/analytics/README.md "Promotion ROI"): discount lines naming a rule on
 * issued invoices, per rule, period month (the invoice's period start) and currency. Two kinds of
 * row, both deltas: `customerId` null carries the invoices (1 per invoice with a line of the rule)
 * and the amount given away (Σ |line amount|); a row per customer of a line (the line's
 * `customerId`, else the invoice's customer) carries how many of its lines there were, so that the
 * customers who redeemed can be counted without reading the lines. Kept by a trigger on invoices
 * (migration `promotion_facts`).
 */
export const promotionFacts = pgTable('promotion_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  rule: text('rule').notNull(),
  /** First day of the invoice's period month. */
  month: date('month').notNull(),
  currency: text('currency').notNull(),
  /** Text, as the line stores it (a customer id); null on the per-invoice row. */
  customerId: text('customer_id'),
  invoices: integer('invoices').notNull(),
  lines: integer('lines').notNull(),
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
}, (t) => [index('promotion_facts_tenant_month_idx').on(t.tenantId, t.month)]);
