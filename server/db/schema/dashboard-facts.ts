import { pgTable, uuid, text, numeric, date, integer, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Invoices per period month, currency and status (server/analytics/README.md "Dashboard (bill
 * based)"): how many and Σ total. The bill-based dashboard's revenue (issued statuses) and
 * invoices by status are sums over these rows instead of every invoice of the range. Derived data,
 * kept by statement-level triggers on `invoices` (migration `dashboard_facts`): + what the new rows
 * add, − what the old rows added. Append-only delta rows like `mrr_facts` (no key, summed when
 * read, so two writers never wait for each other), folded nightly by
 * `analytics.compact_receivable_facts` (analytics/receivable-facts-compact.ts). Invoices without a
 * period are not kept (no range reads them).
 */
export const invoicePeriodFacts = pgTable('invoice_period_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** First day of the month of the invoices' period start. */
  month: date('month').notNull(),
  currency: text('currency').notNull(),
  status: text('status').notNull(),
  invoices: integer('invoices').notNull().default(0),
  total: numeric('total', { precision: 40, scale: 15 }).notNull().default('0'),
}, (t) => [index('invoice_period_facts_tenant_month_idx').on(t.tenantId, t.month)]);

/**
 * Subscriptions per plan, start month and end month (null: no end): how many. Active at the end of
 * month m = started in or before m and not ended before the next month (end month after m); new in
 * m = start month m; churned in m = end month m, exactly what the dashboard counted from every
 * subscription. Kept by triggers on `subscriptions`, append-only, folded nightly, as above.
 */
export const subscriptionSpanFacts = pgTable('subscription_span_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  planCode: text('plan_code').notNull(),
  startMonth: date('start_month').notNull(),
  endMonth: date('end_month'),
  subscriptions: integer('subscriptions').notNull().default(0),
}, (t) => [index('subscription_span_facts_tenant_idx').on(t.tenantId)]);
