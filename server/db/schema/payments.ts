import { pgTable, uuid, text, timestamp, numeric, date, bigserial, check, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { customers, payers } from './customers';
import { invoices } from './billing';

/*
 * Collections: payments (수납), their allocations to invoices and their refunds, and wallets
 * (선수금 / 포인트) with their append-only ledger. Money is numeric(40,15), read as decimal strings.
 * A payment and a wallet belong to a bill-to party exactly as an invoice does: `billTo` is the
 * payer id, or the customer id when the customer pays its own invoices (server/payments/README.md).
 */

const money = (name: string) => numeric(name, { precision: 40, scale: 15 });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Money received (or attempted) from a bill-to party. Provider-agnostic: `provider` is 'manual'
 * for payments recorded by hand; a gateway adapter later sets its own name and `providerRef`
 * (unique per provider, so a gateway's retried notification cannot record a payment twice).
 */
export const payments = pgTable('payments', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  payerId: uuid('payer_id').references(() => payers.id),
  customerId: uuid('customer_id').references(() => customers.id),
  /** card | bank_transfer | virtual_account | cash | prepaid | points */
  method: text('method').$type<'card' | 'bank_transfer' | 'virtual_account' | 'cash' | 'prepaid' | 'points'>().notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  receivedOn: date('received_on').notNull(),
  provider: text('provider').notNull().default('manual'),
  providerRef: text('provider_ref'),
  /** pending | succeeded | failed | refunded | partially_refunded */
  status: text('status').$type<'pending' | 'succeeded' | 'failed' | 'refunded' | 'partially_refunded'>().notNull(),
  declineCode: text('decline_code'),
  declineMessage: text('decline_message'),
  /** What went to the payer's prepaid wallet because no invoice was owed it (overpayment). */
  walletCredited: money('wallet_credited').notNull().default('0'),
  refundedAmount: money('refunded_amount').notNull().default('0'),
  note: text('note'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('payments_tenant_bill_to_idx').on(t.tenantId, t.billTo, t.receivedOn),
  index('payments_tenant_received_idx').on(t.tenantId, t.receivedOn),
  uniqueIndex('payments_provider_ref_uq').on(t.tenantId, t.provider, t.providerRef).where(sql`provider_ref is not null`),
  check('payments_amount_positive', sql`${t.amount} > 0`),
  check('payments_refund_within', sql`${t.refundedAmount} + ${t.walletCredited} <= ${t.amount}`),
]);

/** The part of a payment applied to one invoice; the invoice's amount_paid is their sum. */
export const paymentAllocations = pgTable('payment_allocations', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  paymentId: uuid('payment_id').notNull().references(() => payments.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  amount: money('amount').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('payment_allocations_payment_idx').on(t.tenantId, t.paymentId),
  index('payment_allocations_invoice_idx').on(t.tenantId, t.invoiceId),
  check('payment_allocations_positive', sql`${t.amount} > 0`),
]);

/** A refund of (part of) a payment: back through the payment's provider, or into prepaid balance. */
export const paymentRefunds = pgTable('payment_refunds', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  paymentId: uuid('payment_id').notNull().references(() => payments.id),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  reason: text('reason').notNull(),
  /** original (back through the provider) | prepaid (credited to the wallet) */
  destination: text('destination').$type<'original' | 'prepaid'>().notNull(),
  /** succeeded for the manual provider; a gateway's refund may be pending until it answers. */
  status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull(),
  providerRef: text('provider_ref'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('payment_refunds_payment_idx').on(t.tenantId, t.paymentId), check('payment_refunds_positive', sql`${t.amount} > 0`)]);

/**
 * One wallet per bill-to party, kind and currency. `balance` caches the sum of its entries and is
 * updated in the entry's transaction under this row's lock; the check makes a negative balance
 * impossible even for a writer that forgot the lock.
 */
export const wallets = pgTable('wallets', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  payerId: uuid('payer_id').references(() => payers.id),
  customerId: uuid('customer_id').references(() => customers.id),
  /** prepaid (선수금) | points (포인트, a later slice) */
  kind: text('kind').$type<'prepaid' | 'points'>().notNull(),
  currency: text('currency').notNull(),
  balance: money('balance').notNull().default('0'),
  /** Below this balance the owner is told (a `wallet.low_balance` event); null = never. */
  lowBalanceThreshold: money('low_balance_threshold'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('wallets_owner_uq').on(t.tenantId, t.billTo, t.kind, t.currency),
  check('wallets_balance_not_negative', sql`${t.balance} >= 0`),
]);

/** The append-only ledger of a wallet: never updated or deleted; a mistake is corrected by a new entry. */
export const walletEntries = pgTable('wallet_entries', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Ledger order: entries of one transaction (or one frozen test clock) share created_at. */
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  walletId: uuid('wallet_id').notNull().references(() => wallets.id),
  /** top_up_paid | top_up_granted | consumption | expiry | adjustment | reversal | overpayment | refund */
  type: text('type').notNull(),
  /** Signed: credits positive, debits negative. */
  amount: money('amount').notNull(),
  balanceAfter: money('balance_after').notNull(),
  reason: text('reason'),
  /** Granted credit expires (a later daily job posts the expiry entry). */
  expiresAt: ts('expires_at'),
  paymentId: uuid('payment_id').references(() => payments.id),
  refundId: uuid('refund_id').references(() => paymentRefunds.id),
  invoiceId: uuid('invoice_id').references(() => invoices.id),
  /**
   * What the entry is for, unique per wallet (`invoice:<id>:consumption`, `invoice:<id>:earned:<rule>`,
   * `invoice:<id>:reversal`, `expiry:<grant entry id>`): a re-run or retried job posts nothing twice.
   */
  key: text('key'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  index('wallet_entries_wallet_idx').on(t.tenantId, t.walletId, t.seq),
  uniqueIndex('wallet_entries_key_uq').on(t.walletId, t.key).where(sql`key is not null`),
]);
