import { pgTable, uuid, text, timestamp, boolean, jsonb, numeric, date, integer, bigint, primaryKey, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { customers, payers } from './customers';

/*
 * Billing: subscriptions and their phases, orders, plan relations, bill-run groups and runs,
 * bills (one subscription, one period), invoices (one payer, one period, one currency), credit
 * notes, and the jobs queue. Money is numeric(40,15), read as decimal strings; dates are
 * calendar dates in the tenant's time zone; every end date is exclusive.
 */

const money = (name: string) => numeric(name, { precision: 40, scale: 15 });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A customer's use of a plan (서비스). The row holds what is true of the whole subscription;
 * what is billed on which days lives in subscription_phases.
 */
export const subscriptions = pgTable('subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  orderId: uuid('order_id'),
  /** The plan of the latest phase (the one the subscription is on, or will be on after a scheduled change). */
  planCode: text('plan_code').notNull(),
  /** trial | active | paused | cancelled (trial → active and → cancelled are also derived from the dates on read). */
  status: text('status').notNull(),
  startDate: date('start_date').notNull(),
  /** Exclusive: the first billable day. Null = no trial. */
  trialEndDate: date('trial_end_date'),
  /** Exclusive; null = open-ended. */
  endDate: date('end_date'),
  cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
  quantities: jsonb('quantities').$type<Record<string, string>>().notNull().default({}),
  coupons: text('coupons').array().notNull().default([]),
  addOn: boolean('add_on').notNull().default(false),
  /** Bill-run group code (배치 그룹); null = the default group (cycle day 1). */
  billingGroup: text('billing_group'),
  anchorDay: integer('anchor_day').notNull().default(1),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('subscriptions_tenant_customer_idx').on(t.tenantId, t.customerId),
  index('subscriptions_tenant_group_idx').on(t.tenantId, t.billingGroup),
  // trial conversion by month (analytics/mrr-report.ts): only subscriptions that had a trial
  index('subscriptions_trial_end_idx').on(t.tenantId, t.trialEndDate).where(sql`trial_end_date is not null`),
]);

/**
 * Segments of a subscription [startDate, endDate): a plan or quantity change closes one phase
 * and opens the next; a pause closes the open phase and a resume opens a new one, so the days
 * not covered by any phase are never billed. A scheduled downgrade is a phase starting later.
 */
export const subscriptionPhases = pgTable('subscription_phases', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  subscriptionId: uuid('subscription_id').notNull().references(() => subscriptions.id, { onDelete: 'cascade' }),
  planCode: text('plan_code').notNull(),
  quantities: jsonb('quantities').$type<Record<string, string>>().notNull().default({}),
  startDate: date('start_date').notNull(),
  endDate: date('end_date'),
  /** signup | upgrade | downgrade | quantity | resume */
  reason: text('reason').notNull().default('signup'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('subscription_phases_sub_idx').on(t.tenantId, t.subscriptionId, t.startDate)]);

/** requires / excludes / upgrades_to between plans (상품 관계); enforced when an order is placed. */
export const planRelations = pgTable('plan_relations', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  planCode: text('plan_code').notNull(),
  kind: text('kind').notNull(),
  relatedPlanCode: text('related_plan_code').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('plan_relations_uq').on(t.tenantId, t.planCode, t.kind, t.relatedPlanCode)]);

/** Orders (오더): requested → in_progress → completed | cancelled; completing creates the subscriptions. */
export const orders = pgTable('orders', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  status: text('status').notNull().default('requested'),
  items: jsonb('items').$type<Array<{ planCode: string; quantities: Record<string, string>; addOn: boolean; coupons: string[] }>>().notNull(),
  note: text('note'),
  billingStartDate: date('billing_start_date'),
  subscriptionIds: jsonb('subscription_ids').$type<string[]>().notNull().default([]),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  completedAt: ts('completed_at'),
}, (t) => [index('orders_tenant_status_idx').on(t.tenantId, t.status, t.createdAt)]);

/** Bill-run groups (배치 그룹): customers billed together on one cycle day. */
export const billRunGroups = pgTable('bill_run_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  cycleDay: integer('cycle_day').notNull().default(1),
  /** calendar (period starts on cycleDay for everyone) | anniversary (reserved: see README) */
  mode: text('mode').notNull().default('calendar'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('bill_run_groups_uq').on(t.tenantId, t.code)]);

/** One request to bill a period (정기 청구 작업); the work itself is done by jobs, one per chunk of payers. */
export const billRuns = pgTable('bill_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  groupCode: text('group_code'),
  periodStart: date('period_start').notNull(),
  periodEnd: date('period_end').notNull(),
  /** queued | running | completed | failed (typed so the bill-run answer matches its response schema) */
  status: text('status').$type<'queued' | 'running' | 'completed' | 'failed'>().notNull().default('queued'),
  dryRun: boolean('dry_run').notNull().default(false),
  totalPayers: integer('total_payers').notNull().default(0),
  processedPayers: integer('processed_payers').notNull().default(0),
  failedPayers: integer('failed_payers').notNull().default(0),
  billsCreated: integer('bills_created').notNull().default(0),
  invoicesCreated: integer('invoices_created').notNull().default(0),
  totalJobs: integer('total_jobs').notNull().default(0),
  createdBy: text('created_by'),
  error: text('error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
}, (t) => [index('bill_runs_tenant_time_idx').on(t.tenantId, t.createdAt)]);

/**
 * One row per payer a run has handled, inserted in the payer's own transaction: it makes the
 * progress counters exact when a job is retried after a crash, and holds dry-run results.
 */
export const billRunPayers = pgTable('bill_run_payers', {
  billRunId: uuid('bill_run_id').notNull().references(() => billRuns.id, { onDelete: 'cascade' }),
  billTo: uuid('bill_to').notNull(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  /** created (new invoice) | existing (already invoiced) | empty | dry_run | failed */
  outcome: text('outcome').notNull(),
  invoiceId: uuid('invoice_id'),
  currency: text('currency'),
  total: money('total'),
  bills: integer('bills').notNull().default(0),
  error: text('error'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.billRunId, t.billTo] })]);

/**
 * Invoices (인보이스): the bills of one payer for one period and currency, with tax. `billTo` is
 * the payer id, or the customer id when the customer pays its own invoices. Immutable once
 * finalized (corrections are credit notes); the number is assigned at finalize, gapless.
 */
export const invoices = pgTable('invoices', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  payerId: uuid('payer_id').references(() => payers.id),
  customerId: uuid('customer_id').references(() => customers.id),
  billRunId: uuid('bill_run_id'),
  periodStart: date('period_start').notNull(),
  periodEnd: date('period_end').notNull(),
  currency: text('currency').notNull(),
  /**
   * 1 for the period's invoice; 2, 3 ... for supplementary invoices that bill subscriptions added
   * (or completed) after the payer's invoice for the period already existed.
   */
  sequence: integer('sequence').notNull().default(1),
  /** draft | finalized | partially_paid | paid | payment_failed | void */
  status: text('status').notNull().default('draft'),
  number: text('number'),
  issueDate: date('issue_date').notNull(),
  dueDate: date('due_date').notNull(),
  lines: jsonb('lines').$type<unknown[]>().notNull(),
  subtotal: money('subtotal').notNull(),
  discountTotal: money('discount_total').notNull(),
  taxTotal: money('tax_total').notNull(),
  total: money('total').notNull(),
  prepaidApplied: money('prepaid_applied').notNull().default('0'),
  pointsApplied: money('points_applied').notNull().default('0'),
  amountDue: money('amount_due').notNull(),
  /** Sum of the payment allocations to this invoice, kept in their transaction under the invoice's row lock. */
  amountPaid: money('amount_paid').notNull().default('0'),
  trace: jsonb('trace').$type<unknown[]>().notNull().default([]),
  versions: jsonb('versions').notNull().default({}),
  notes: text('notes'),
  finalizedAt: ts('finalized_at'),
  paidAt: ts('paid_at'),
  paymentFailedAt: ts('payment_failed_at'),
  voidedAt: ts('voided_at'),
  sentAt: ts('sent_at'),
  sentTo: text('sent_to'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('invoices_payer_period_uq').on(t.tenantId, t.billTo, t.periodStart, t.currency, t.sequence),
  uniqueIndex('invoices_number_uq').on(t.tenantId, t.number),
  index('invoices_tenant_status_idx').on(t.tenantId, t.status, t.periodStart),
  // A/R aging (server/analytics/receivables.ts) reads only the open ones, by due date.
  // by issue date: billed this month (the live KPIs), revenue mix, receivables from raw, the invoice list's issuedFrom/issuedTo
  index('invoices_tenant_issue_idx').on(t.tenantId, t.issueDate),
  index('invoices_open_due_idx').on(t.tenantId, t.dueDate).where(sql`status in ('finalized','partially_paid','payment_failed') and amount_due > amount_paid`),
]);

/** Bills (청구): the charges of ONE subscription for ONE period, with the trace that explains them. */
export const bills = pgTable('bills', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  subscriptionId: uuid('subscription_id').notNull().references(() => subscriptions.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  billTo: uuid('bill_to').notNull(),
  invoiceId: uuid('invoice_id').references(() => invoices.id),
  billRunId: uuid('bill_run_id'),
  periodStart: date('period_start').notNull(),
  periodEnd: date('period_end').notNull(),
  cycleIndex: integer('cycle_index').notNull(),
  currency: text('currency').notNull(),
  /** The phases rated, with the usage each was given: [{planCode, startDate, endDate, quantities, usage}]. */
  segments: jsonb('segments').$type<unknown[]>().notNull(),
  lines: jsonb('lines').$type<unknown[]>().notNull(),
  subtotal: money('subtotal').notNull(),
  discountTotal: money('discount_total').notNull(),
  trace: jsonb('trace').$type<unknown[]>().notNull().default([]),
  planVersions: jsonb('plan_versions').notNull().default([]),
  ruleVersions: jsonb('rule_versions').notNull().default([]),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('bills_sub_period_uq').on(t.tenantId, t.subscriptionId, t.periodStart),
  index('bills_invoice_idx').on(t.tenantId, t.invoiceId),
  // Late-usage cutoffs of a bill run (server/billing/usage.ts): the latest bill per customer.
  index('bills_customer_idx').on(t.tenantId, t.customerId, t.periodEnd),
]);

/** Per-tenant gapless counters (invoice and credit-note numbers), locked FOR UPDATE while used. */
export const documentCounters = pgTable('document_counters', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  kind: text('kind').notNull(),
  lastNumber: bigint('last_number', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.tenantId, t.kind] })]);

/** Credit notes (요금 조정): corrections to an issued invoice, which itself never changes. */
export const creditNotes = pgTable('credit_notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  number: text('number').notNull(),
  currency: text('currency').notNull(),
  lines: jsonb('lines').$type<Array<{ description: string; amount: string }>>().notNull(),
  /** Positive: what is credited back. */
  amount: money('amount').notNull(),
  /**
   * Its VAT split (server/invoices/credit-note-tax.ts): `amount` = `netAmount` + `taxAmount`, and
   * `taxes` per tax name and rule of the invoice it credits. Null on notes issued before it was kept.
   */
  netAmount: money('net_amount'),
  taxAmount: money('tax_amount'),
  taxes: jsonb('taxes').$type<Array<{ name: string; rule: string; amount: string }>>(),
  reason: text('reason').notNull(),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('credit_notes_invoice_idx').on(t.tenantId, t.invoiceId), uniqueIndex('credit_notes_number_uq').on(t.tenantId, t.number)]);

/**
 * A small Postgres-backed job queue (see server/billing/README.md for why not pg-boss).
 * Claimed with SELECT ... FOR UPDATE SKIP LOCKED and a lease: a job whose worker died is taken
 * again when lockedUntil has passed.
 */
export const jobs = pgTable('jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').references(() => tenants.id),
  kind: text('kind').notNull(),
  payload: jsonb('payload').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  /** queued | running | done | failed */
  status: text('status').notNull().default('queued'),
  runAt: ts('run_at').notNull().defaultNow(),
  lockedBy: text('locked_by'),
  lockedUntil: ts('locked_until'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(5),
  lastError: text('last_error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('jobs_dedupe_uq').on(t.dedupeKey), index('jobs_ready_idx').on(t.status, t.runAt)]);
