import { pgTable, uuid, text, numeric, date, integer, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Receivables by month (server/analytics/README.md "Billed vs collected"): the monthly facts the
 * receivables report reads instead of scanning every invoice, allocation and payment. Derived
 * data, kept by statement-level triggers on invoices, payments and payment_allocations (migration
 * `receivable_facts_triggers`), so every writer — services, bulk SQL, seeds — keeps it exact in
 * its own transaction: each trigger adds what the changed rows contribute now and subtracts what
 * they contributed before. A row's figures are what that month adds; outstanding at a month's end
 * is the running sum of `outstandingDelta` up to it.
 *
 * Append-only (migration `receivable_facts_append_only`): there may be many rows per tenant, month
 * and currency (one per writing statement and month), summed when read; no primary key, because
 * an upsert on (tenant, month, currency) made every writer of a tenant-month wait for the others
 * until they committed. The nightly job `analytics.compact_receivable_facts`
 * (analytics/receivable-facts-compact.ts) folds them into one row each.
 */
export const receivableFacts = pgTable('receivable_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** First day of the month. */
  month: date('month').notNull(),
  currency: text('currency').notNull(),
  /** Σ total of invoices issued (finalized … payment_failed) with an issue date in the month. */
  billed: numeric('billed', { precision: 40, scale: 15 }).notNull().default('0'),
  issuedCount: integer('issued_count').notNull().default(0),
  /** Σ (amount − refunded) of payments received (succeeded, refunded in part or whole) on a day of the month. */
  collected: numeric('collected', { precision: 40, scale: 15 }).notNull().default('0'),
  receivedCount: integer('received_count').notNull().default(0),
  /**
   * Change of what is owed: + amount due of the invoices issued in the month, − each allocation
   * in the month when both its invoice was issued and its payment received (the later of the two).
   */
  outstandingDelta: numeric('outstanding_delta', { precision: 40, scale: 15 }).notNull().default('0'),
}, (t) => [index('receivable_facts_tenant_month_idx').on(t.tenantId, t.month)]);
