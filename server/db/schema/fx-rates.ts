import { pgTable, uuid, text, numeric, date, timestamp, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';

/**
 * The tenant's own FX-rate table (server/analytics/README.md "Currencies"): 1 `base` = `rate`
 * `quote` on `date`. Entered through the API or console, or imported as CSV; the product never
 * fetches rates. Reports convert into the tenant's reporting currency (its `currency`) with the
 * last rate on or before a month's end, and never mix in a currency that has none.
 */
export const fxRates = pgTable('fx_rates', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  date: date('date').notNull(),
  base: text('base').notNull(),
  quote: text('quote').notNull(),
  rate: numeric('rate', { precision: 30, scale: 12 }).notNull(),
  /** api | csv */
  source: text('source').$type<'api' | 'csv'>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('fx_rates_pair_date_uq').on(t.tenantId, t.base, t.quote, t.date),
  check('fx_rates_positive', sql`${t.rate} > 0`),
]);
