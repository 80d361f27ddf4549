import { pgTable, uuid, text, timestamp, boolean, integer } from 'drizzle-orm/pg-core';

/** A business that runs its billing here (사업자). Every other row belongs to one tenant. */
export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  currency: text('currency').notNull().default('KRW'),
  timezone: text('timezone').notNull().default('Asia/Seoul'),
  roundingMode: text('rounding_mode').notNull().default('half_up'),
  locale: text('locale').notNull().default('ko'),
  /** Days from issue to due date set at finalize, unless the payer has its own terms. */
  paymentTermsDays: integer('payment_terms_days').notNull().default(14),
  /** The seller's 사업자등록번호 (XXX-XX-XXXXX) and address, printed on invoices and credit notes. */
  businessRegNo: text('business_reg_no'),
  address: text('address'),
  status: text('status').notNull().default('active'),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Tenant = typeof tenants.$inferSelect;
