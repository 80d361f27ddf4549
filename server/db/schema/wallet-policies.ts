import { pgTable, uuid, text, timestamp, numeric, integer, primaryKey, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { invoices } from './billing';

/*
 * Points (포인트/마일리지) beside the wallet ledger (./payments.ts): what a point is worth per
 * currency, and the points an invoice earns once it is paid (server/wallets/README.md).
 */

const money = (name: string) => numeric(name, { precision: 40, scale: 15 });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A tenant's points policy per invoice currency; no row = a point is worth 1 unit, no cap. The
 * preview and bill runs read the same row (server/rating/balances.ts applies it).
 */
export const pointsPolicies = pgTable('points_policies', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  currency: text('currency').notNull(),
  pointValue: money('point_value').notNull().default('1'),
  maxPointsPerInvoice: money('max_points_per_invoice'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.currency] }),
  check('points_policies_value_positive', sql`${t.pointValue} > 0`),
]);

/**
 * Points a `points` rule earned on an invoice, written by the bill run with the invoice and
 * posted to the points wallet (`top_up_granted`, expiring after `expiresInDays`) when the invoice
 * is paid. One row per invoice and rule, so a re-run never earns twice.
 */
export const invoicePoints = pgTable('invoice_points', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  rule: text('rule').notNull(),
  points: money('points').notNull(),
  expiresInDays: integer('expires_in_days'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('invoice_points_uq').on(t.tenantId, t.invoiceId, t.rule)]);
