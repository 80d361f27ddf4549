import { pgTable, uuid, text, timestamp, integer, numeric, date, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * The ledger of what promotions and coupons gave away: one row per rule per invoice it reduced.
 * Budgets and redemption limits are read from it before rating; it is what "what did this
 * promotion cost" reports sum. Unique per (rule, invoice) so a re-run bill run never counts twice.
 */
export const ruleRedemptions = pgTable('rule_redemptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  ruleCode: text('rule_code').notNull(),
  customerId: uuid('customer_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  couponCode: text('coupon_code'),
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
  currency: text('currency').notNull(),
  periodStart: date('period_start').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('rule_redemptions_uq').on(t.tenantId, t.ruleCode, t.invoiceId),
  index('rule_redemptions_rule_idx').on(t.tenantId, t.ruleCode),
]);

/**
 * Codes of a coupon rule. A coupon rule names one campaign code in `params.code`; generated
 * batches give each customer a code of their own that stands for it, each with its own limit.
 */
export const couponCodes = pgTable('coupon_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  ruleCode: text('rule_code').notNull(),
  code: text('code').notNull(),
  batch: text('batch'),
  maxRedemptions: integer('max_redemptions'),
  redeemed: integer('redeemed').notNull().default(0),
  expiresOn: date('expires_on'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('coupon_codes_uq').on(t.tenantId, t.code), index('coupon_codes_rule_idx').on(t.tenantId, t.ruleCode)]);
