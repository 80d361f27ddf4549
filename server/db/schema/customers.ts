import { pgTable, uuid, text, timestamp, boolean, jsonb, numeric, date, integer, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Payers (납부자): who pays a customer's invoices. Kept apart from customers because one payer
 * may pay for several customers (a head office paying for its branches), and a customer's payer
 * may change without the customer changing. Payment details are placeholders only: the method
 * type and a human label ("신한카드 끝자리 1234"); card or account numbers are never stored.
 */
export const payers = pgTable('payers', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** The tenant's own id for the payer (납부자 ID); unique per tenant when present. */
  externalId: text('external_id'),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  /** { line1, line2, city, region, postalCode, country } */
  billingAddress: jsonb('billing_address').$type<Record<string, string | null>>(),
  /** card | bank_transfer | virtual_account | prepaid */
  paymentMethodType: text('payment_method_type'),
  paymentMethodLabel: text('payment_method_label'),
  /** Overrides the tenant's payment terms (days from issue to due date); null = the tenant's. */
  paymentTermsDays: integer('payment_terms_days'),
  status: text('status').notNull().default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('payers_tenant_external_uq').on(t.tenantId, t.externalId), index('payers_tenant_name_idx').on(t.tenantId, t.name)]);

/** Customers (고객): who is billed. `attributes` are tenant-defined facts (`customer.attributes.<name>`). */
export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  externalId: text('external_id').notNull(),
  /** individual | corporate | public | foreigner */
  type: text('type').notNull(),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  /** 사업자등록번호, stored as XXX-XX-XXXXX. */
  businessRegNo: text('business_reg_no'),
  taxId: text('tax_id'),
  country: text('country').notNull(),
  timezone: text('timezone').notNull(),
  currency: text('currency').notNull(),
  segment: text('segment'),
  tags: text('tags').array().notNull().default([]),
  attributes: jsonb('attributes').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  /** active | suspended | closed */
  status: text('status').notNull().default('active'),
  /** Bill-run group code (배치 그룹); null = the default group. */
  billingGroup: text('billing_group'),
  dunningExcluded: boolean('dunning_excluded').notNull().default(false),
  /** Null: the customer pays its own invoices. */
  payerId: uuid('payer_id').references(() => payers.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('customers_tenant_external_uq').on(t.tenantId, t.externalId),
  index('customers_tenant_name_idx').on(t.tenantId, t.name),
  index('customers_tenant_payer_idx').on(t.tenantId, t.payerId),
  // The customer list's default order (newest first, then id): without it every list request
  // sorted all of the tenant's customers, which at 100,000 held PGlite (and so the server) per call.
  index('customers_tenant_created_idx').on(t.tenantId, t.createdAt.desc().nullsFirst(), t.id),
]);

/** People to talk to at a customer (담당자). Replaced as a list when a customer is changed. */
export const customerContacts = pgTable('customer_contacts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  role: text('role'),
  isPrimary: boolean('is_primary').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('customer_contacts_customer_idx').on(t.tenantId, t.customerId)]);

/** Contracts (계약): terms agreed with a customer. Amounts are numeric, read as decimal strings. */
export const contracts = pgTable('contracts', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  /** Contract number shown to people; unique per tenant when present. */
  code: text('code'),
  termStart: date('term_start').notNull(),
  /** Exclusive; null = open-ended. */
  termEnd: date('term_end'),
  commitmentAmount: numeric('commitment_amount', { precision: 40, scale: 15 }),
  currency: text('currency').notNull(),
  discountNote: text('discount_note'),
  /** draft | active | expired | terminated */
  status: text('status').notNull().default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('contracts_tenant_code_uq').on(t.tenantId, t.code),
  index('contracts_tenant_customer_idx').on(t.tenantId, t.customerId),
]);

/**
 * Customer CSV imports, run as jobs (server/customers/README.md, "Imports as jobs"). The file is
 * staged here until the import ends, so a job that is retried after a crash parses the same file
 * again; `processed`, `created` and `updated` move in the same transaction as each chunk's writes,
 * which is what lets a resumed import skip the rows already applied and count nothing twice.
 */
export const customerImports = pgTable('customer_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  dryRun: boolean('dry_run').notNull(),
  /** queued | validating | applying | done | invalid (row problems; nothing stored) | failed */
  status: text('status').notNull().default('queued'),
  /** The staged file; emptied when the import ends. */
  csv: text('csv').notNull(),
  /** Data rows in the file (the header not counted). */
  rows: integer('rows').notNull(),
  /** Rows validated (while validating) or applied (while applying). */
  processed: integer('processed').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  /** Row problems: [{ line, field, message }]. */
  errors: jsonb('errors').$type<Array<{ line: number; field: string | null; message: string; zod?: { code: string; message: string } }>>().notNull().default([]),
  /** Why the job failed (not a row problem); null otherwise. */
  error: text('error'),
  /** Who asked for the import: the job acts, and audits, as them. */
  actor: jsonb('actor').$type<{ type: 'user' | 'api_key' | 'system'; id: string | null; name: string }>().notNull(),
  requestId: text('request_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [index('customer_imports_tenant_idx').on(t.tenantId, t.createdAt)]);
