import { pgTable, uuid, text, numeric, integer, smallint, boolean, date, primaryKey, index } from 'drizzle-orm/pg-core';
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

/** The key (kind … live) and the sums (n, rev) a fact row and a customer's row share. */
const roiKeyAndSums = () => ({
  kind: smallint('kind').notNull(),
  currency: text('currency').notNull(),
  /** '' on kind 1 */
  rule: text('rule').notNull(),
  m: integer('m').notNull(),
  p: integer('p').notNull(),
  q: integer('q').notNull(),
  live: boolean('live').notNull(),
  n: integer('n').notNull(),
  rev: numeric('rev').notNull(),
});

/**
 * Promotion ROI's users against non-users as facts (server/analytics/README.md "Promotion ROI"):
 * the rows of every customer whose revenue is in one currency, summed per key, so that a month
 * range's customers, retained customers and revenue, for everyone and for each rule's users, are
 * read from a few thousand keys instead of every customer. Kinds:
 * - 1, a month `m` with revenue lines (an activity month) and `p` the customer's activity month
 *   before it (0: none): a customer counts once for `a..b` through the month with `a ≤ m ≤ b` and
 *   `p < a`; `rev` is the month's revenue;
 * - 3, a month `m` in which the customer used `rule`, `p` its use before (0: none), counted the same way;
 * - 4, an activity month `m` of a customer who ever used `rule`, `p` its latest use up to `m` (0:
 *   none) and `q` its earliest from `m` (2147483647: none): the customer used the rule in `a..b`
 *   exactly when `p ≥ a` or `q ≤ b`, so `rev` is its users' revenue in that month;
 * - `live`: the customer has MRR on the tenant's `promotion_roi_as_of` date (Σ of its MRR movements
 *   dated up to it > 0), which the nightly fold moves to the tenant's today; read time corrects the
 *   customers with movements dated between that date and today.
 * Append-only deltas (writers never wait for each other), folded nightly like promotion_facts.
 * Derived and written only by the triggers: no foreign key to check on each of their many rows
 * (as churn_scores, migration `churn_scores_no_fk`).
 */
export const promotionRoiFacts = pgTable('promotion_roi_facts', {
  tenantId: uuid('tenant_id').notNull(),
  ...roiKeyAndSums(),
}, (t) => [index('promotion_roi_facts_tenant_m_idx').on(t.tenantId, t.m)]);

/**
 * What each customer put into promotion_roi_facts (the same columns), so that a change to the
 * customer replaces those of its rows that changed, in the facts too (migrations `promotion_roi_facts`, `promotion_roi_diff`).
 * Kind 0 (no other row) marks a customer with revenue in more than one currency: such customers are
 * read one by one at request time, since their use of a rule in one currency makes them a user in
 * every currency.
 */
export const promotionRoiCustomerRows = pgTable('promotion_roi_customer_rows', {
  tenantId: uuid('tenant_id').notNull(),
  customerId: text('customer_id').notNull(),
  ...roiKeyAndSums(),
}, (t) => [index('promotion_roi_customer_rows_tenant_customer_idx').on(t.tenantId, t.customerId)]);

/**
 * The date promotion_roi_facts' `live` is as of, per tenant: written on a tenant's first recompute
 * (the database's current date) and moved to the tenant's today by the nightly fold, which
 * recomputes the customers with MRR movements dated in between (`bw_promo_roi_roll`).
 */
export const promotionRoiAsOf = pgTable('promotion_roi_as_of', {
  tenantId: uuid('tenant_id').primaryKey(),
  asOf: date('as_of').notNull(),
});
