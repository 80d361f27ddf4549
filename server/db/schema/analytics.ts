import { pgTable, uuid, text, timestamp, numeric, date, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { customers } from './customers';

/**
 * MRR movements (server/analytics/README.md): one row per customer, currency and day on which
 * the customer's MRR changed, classified as new | expansion | contraction | churn | reactivation.
 * Derived data: a customer's rows are replaced whenever one of its subscriptions changes (in the
 * same transaction), and `rebuildMrrMovements` recomputes them all from the phase timeline.
 * Future-dated rows (a scheduled downgrade or cancellation) are kept; reports read up to a date.
 */
export const mrrMovements = pgTable('mrr_movements', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  currency: text('currency').notNull(),
  /** The day the change takes effect (tenant calendar date). */
  date: date('date').notNull(),
  /** new | expansion | contraction | churn | reactivation */
  kind: text('kind').$type<MrrMovementKind>().notNull(),
  /** Signed change of the customer's MRR: positive for new/expansion/reactivation. */
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
  mrrBefore: numeric('mrr_before', { precision: 40, scale: 15 }).notNull(),
  mrrAfter: numeric('mrr_after', { precision: 40, scale: 15 }).notNull(),
  /** The plan of the subscription whose change moved the most MRR on that day (for plan breakdowns). */
  planCode: text('plan_code'),
  /** First day of the month of this customer's first `new` movement in this currency (its cohort; mrr_facts). */
  cohortMonth: date('cohort_month').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('mrr_movements_tenant_date_idx').on(t.tenantId, t.date),
  index('mrr_movements_customer_idx').on(t.tenantId, t.customerId, t.date),
]);

export type MrrMovementKind = 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation';
