import { pgTable, uuid, text, numeric, date, integer, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import type { MrrMovementKind } from './analytics';

/**
 * MRR movements summed per month (server/analytics/README.md "Speed"): what the MRR report, the
 * cohort table and the live KPIs read instead of every movement of the tenant. Derived data, kept
 * by statement-level triggers on `mrr_movements` (migration `mrr_open_facts`) in the writer's own
 * transaction: + what inserted rows add, − what deleted rows added. Append-only delta rows like
 * `receivable_facts` (no key, summed when read, so two writers never wait for each other), folded
 * nightly by `analytics.compact_receivable_facts` (analytics/receivable-facts-compact.ts).
 */
export const mrrFacts = pgTable('mrr_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** First day of the month of the movements' dates. */
  month: date('month').notNull(),
  currency: text('currency').notNull(),
  /** First day of the month of the customer's first `new` movement in this currency (its cohort). */
  cohortMonth: date('cohort_month').notNull(),
  kind: text('kind').$type<MrrMovementKind>().notNull(),
  /** Σ signed amounts of the movements. */
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull().default('0'),
  /** How many movements. */
  movements: integer('movements').notNull().default(0),
}, (t) => [index('mrr_facts_tenant_month_idx').on(t.tenantId, t.month)]);

/**
 * Open receivables by (currency, issue date, due date) (README.md "Billed vs collected", A/R
 * aging): Σ (amount due − amount paid) and how many of the invoices open now (finalized,
 * partially paid, payment failed; amount due above amount paid). Aging on any date and the live
 * KPIs' overdue are sums over these few thousand rows instead of every open invoice. Kept by a
 * statement-level trigger on `invoices`, append-only, compacted nightly, as above.
 */
export const openReceivableFacts = pgTable('open_receivable_facts', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  currency: text('currency').notNull(),
  issueDate: date('issue_date'),
  dueDate: date('due_date'),
  open: numeric('open', { precision: 40, scale: 15 }).notNull().default('0'),
  invoices: integer('invoices').notNull().default(0),
}, (t) => [index('open_receivable_facts_tenant_idx').on(t.tenantId, t.dueDate)]);
