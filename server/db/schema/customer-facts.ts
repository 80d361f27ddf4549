import { pgTable, uuid, text, numeric, integer, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Per-customer facts for promotion ROI's users-against-non-users comparison
 * (server/analytics/README.md "Promotion ROI"), which needs every customer's revenue over a month
 * range and whether it has MRR today. Both are kept by statement-level triggers (migration
 * `customer_facts`) as commutative deltas applied with INSERT … ON CONFLICT DO UPDATE, so
 * concurrent writers of one customer serialise on its row only for the statement's update and
 * each adds to the latest version (no rebuild from a stale snapshot).
 */

/**
 * A customer's revenue on issued invoices (finalized, partially paid, paid, payment failed): the
 * amounts of the invoice lines that are not tax (charges, minimums, discounts), each line counted
 * for the customer it names (`customerId`, as rating writes it on a payer's invoice covering several
 * customers) or else for the invoice's customer, per currency and period month, as running totals:
 * `cumTotal[i]` and `cumInvoices[i]` (invoices with a line of the customer) cover every month up to
 * `firstMonth + i − 1`, months counted as year × 12 + month − 1; after the last element the last
 * value holds. A range's revenue is two array reads (server/analytics/promotion-roi.ts).
 */
export const customerRevenueMonths = pgTable('customer_revenue_months', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** As invoice lines name it (text, like promotion_facts): a line's `customerId`, else the invoice's customer. */
  customerId: text('customer_id').notNull(),
  currency: text('currency').notNull(),
  firstMonth: integer('first_month').notNull(),
  cumTotal: numeric('cum_total').array().notNull(),
  cumInvoices: numeric('cum_invoices').array().notNull(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.currency] })]);

/**
 * A customer's MRR movements summed over every date and currency. "Has MRR today" (Σ amount of the
 * movements dated up to today > 0) is this less the movements dated after today, which an index on
 * mrr_movements (tenant, date) including the customer and amount gives without reading the table.
 */
export const customerMrrNow = pgTable('customer_mrr_now', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull(),
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.customerId] })]);
