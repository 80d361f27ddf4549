import { pgTable, uuid, text, timestamp, numeric, integer, boolean, jsonb, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { customers, payers } from './customers';
import { invoices } from './billing';
import { payments } from './payments';

/*
 * Payment gateways (server/payments/gateways/README.md): a tenant's gateway credentials (encrypted),
 * the payment methods saved per bill-to party (provider tokens only, never a card number), the
 * auto-collection attempts per invoice, every inbound gateway webhook with its outcome, and the
 * sandbox gateway's own ledger of charges (the sandbox plays the provider's side).
 */

const money = (name: string) => numeric(name, { precision: 40, scale: 15 });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A tenant's credentials for one provider, AES-256-GCM encrypted with BILLWISE_SECRET_KEY. */
export const gatewayAccounts = pgTable('gateway_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  provider: text('provider').notNull(),
  /** `v1:<iv>:<tag>:<ciphertext>` (base64url) of the credentials JSON; never answered or logged. */
  configEncrypted: text('config_encrypted').notNull(),
  /** The names of the keys it holds, for display ("secretKey, webhookSecret"). */
  keyNames: jsonb('key_names').$type<string[]>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('gateway_accounts_tenant_provider_uq').on(t.tenantId, t.provider)]);

/**
 * How a bill-to party pays: a card (the provider's token: billing key / PaymentMethod id, plus
 * brand, last 4 and expiry for display), a bank auto-debit (CMS) or a virtual account. One
 * default per party; `autoCollect` charges finalized invoices without anyone asking.
 */
export const paymentMethods = pgTable('payment_methods', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  payerId: uuid('payer_id').references(() => payers.id),
  customerId: uuid('customer_id').references(() => customers.id),
  /** card | bank_transfer | virtual_account */
  type: text('type').$type<'card' | 'bank_transfer' | 'virtual_account'>().notNull(),
  provider: text('provider').notNull(),
  /** The provider's reusable token (billing key, PaymentMethod id, mandate id); null for a virtual account. */
  token: text('token'),
  /** The provider's customer (Stripe customer id, Toss customerKey). */
  providerCustomerRef: text('provider_customer_ref'),
  brand: text('brand'),
  last4: text('last4'),
  expMonth: integer('exp_month'),
  expYear: integer('exp_year'),
  bankName: text('bank_name'),
  /** A virtual account's number (what the payer transfers to; not a secret), or a masked debit account. */
  accountNumber: text('account_number'),
  accountHolder: text('account_holder'),
  /** Toss virtual accounts: the per-account secret its deposit callbacks carry. Encrypted. */
  secretEncrypted: text('secret_encrypted'),
  isDefault: boolean('is_default').notNull().default(false),
  autoCollect: boolean('auto_collect').notNull().default(false),
  /** active | removed (removed methods stay for the payments that used them) */
  status: text('status').$type<'active' | 'removed'>().notNull().default('active'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('payment_methods_bill_to_idx').on(t.tenantId, t.billTo),
  uniqueIndex('payment_methods_default_uq').on(t.tenantId, t.billTo).where(sql`is_default and status = 'active'`),
  uniqueIndex('payment_methods_account_uq').on(t.provider, t.accountNumber).where(sql`account_number is not null and type = 'virtual_account'`),
]);

/**
 * One automatic charge of one invoice. `idempotencyKey` (invoice id + attempt) is sent to the
 * provider, so re-running the attempt after a crash asks the provider for the same charge again
 * and never makes a second one. The payment row is created (pending) before the gateway is called.
 */
export const collectionAttempts = pgTable('collection_attempts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  attempt: integer('attempt').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  paymentMethodId: uuid('payment_method_id').notNull().references(() => paymentMethods.id),
  paymentId: uuid('payment_id').notNull().references(() => payments.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('collection_attempts_invoice_attempt_uq').on(t.tenantId, t.invoiceId, t.attempt),
  uniqueIndex('collection_attempts_key_uq').on(t.idempotencyKey),
]);

/** Every inbound gateway webhook, valid or not, with what it did. */
export const webhookReceipts = pgTable('webhook_receipts', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** null when the request named no known tenant */
  tenantId: uuid('tenant_id').references(() => tenants.id),
  provider: text('provider').notNull(),
  /** The provider's event id; null when the signature failed (the body is not to be trusted). */
  eventId: text('event_id'),
  eventType: text('event_type'),
  /**
   * queued (verified and stored, waiting for the inbox job) | applied | ignored | rejected | error
   * (failed to apply 5 times; a redelivery is then taken afresh). `duplicate` rows are from before
   * the inbox: a redelivery is now answered from the receipt and writes nothing.
   */
  outcome: text('outcome').$type<'queued' | 'applied' | 'ignored' | 'duplicate' | 'rejected' | 'error'>().notNull(),
  detail: text('detail'),
  paymentId: uuid('payment_id').references(() => payments.id),
  /** The verified event, normalised by the adapter (gateways/types.ts WebhookEvent): what the inbox job applies. */
  event: jsonb('event'),
  /** Failed attempts to apply it; the next is not before `applyAfter` (wall clock). */
  attempts: integer('attempts').notNull().default(0),
  applyAfter: ts('apply_after'),
  receivedAt: ts('received_at').notNull().defaultNow(),
}, (t) => [
  // Idempotency on the provider's event id: one receipt per event while it is queued or has acted
  // (an event that failed for good no longer holds the id, so the provider's redelivery is taken).
  uniqueIndex('webhook_receipts_event_uq').on(t.tenantId, t.provider, t.eventId).where(sql`event_id is not null and outcome in ('queued', 'applied', 'ignored')`),
  index('webhook_receipts_tenant_idx').on(t.tenantId, t.receivedAt),
  index('webhook_receipts_queued_idx').on(t.tenantId, t.receivedAt).where(sql`outcome = 'queued'`),
]);

/**
 * The sandbox gateway's side of things: what a real provider keeps in its own systems. Charges are
 * idempotent on the key the caller sends, as Stripe's and Toss's Idempotency-Key are.
 */
export const sandboxCharges = pgTable('sandbox_charges', {
  id: text('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  idempotencyKey: text('idempotency_key'),
  /** charge | deposit */
  kind: text('kind').notNull(),
  token: text('token'),
  accountNumber: text('account_number'),
  orderId: text('order_id'),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  status: text('status').notNull(),
  declineCode: text('decline_code'),
  refundedAmount: money('refunded_amount').notNull().default('0'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('sandbox_charges_key_uq').on(t.tenantId, t.idempotencyKey)]);
