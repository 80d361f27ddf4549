import { pgTable, uuid, text, timestamp, numeric, date, integer, boolean, jsonb, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { invoices } from './billing';
import { payments } from './payments';

/*
 * Bank deposits (입금 처리, server/payments/deposits/README.md): bank-statement imports run as jobs,
 * and every deposit they (or a gateway's virtual-account callback) bring in, matched to a payer and
 * recorded as a payment, or waiting in the unmatched queue for a person.
 */

const money = (name: string) => numeric(name, { precision: 40, scale: 15 });
const ts = (name: string) => timestamp(name, { withTimezone: true });

export type BankColumnMapping = Partial<Record<'date' | 'amount' | 'depositorName' | 'memo' | 'accountNumber' | 'transactionId' | 'currency' | 'balance', string>>;
export interface BankImportIssue { line: number; field: string | null; message: string }
/** One line of a dry run: what a real import would do with it. */
export interface BankPlanLine {
  line: number; outcome: 'matched' | 'unmatched' | 'duplicate'; rule: string | null; reason: string | null;
  amount: string; currency: string; bookedOn: string; depositorName: string | null; billTo: string | null; invoiceNumber: string | null;
}

/**
 * A bank-statement file, staged until its job ends (a retried job reads the same file). The
 * counters move in the same transaction as each chunk's deposits, so a resumed job skips the lines
 * already applied and counts nothing twice.
 */
export const bankImports = pgTable('bank_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  fileName: text('file_name'),
  dryRun: boolean('dry_run').notNull(),
  /** queued | validating | applying | done | invalid (row problems; nothing stored) | failed */
  status: text('status').$type<'queued' | 'validating' | 'applying' | 'done' | 'invalid' | 'failed'>().notNull().default('queued'),
  csv: text('csv').notNull(),
  /** The currency of lines that name none. */
  currency: text('currency').notNull(),
  /** The caller's column names per field, over the default Korean/English header names. */
  mapping: jsonb('mapping').$type<BankColumnMapping>().notNull().default({}),
  /** Deposit lines in the file (withdrawals and blank amounts are `skipped`, not counted here). */
  rows: integer('rows').notNull().default(0),
  processed: integer('processed').notNull().default(0),
  matched: integer('matched').notNull().default(0),
  unmatched: integer('unmatched').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  errors: jsonb('errors').$type<BankImportIssue[]>().notNull().default([]),
  /** A dry run's plan, line by line. */
  plan: jsonb('plan').$type<BankPlanLine[]>().notNull().default([]),
  error: text('error'),
  actor: jsonb('actor').$type<{ type: 'user' | 'api_key' | 'system'; id: string | null; name: string }>().notNull(),
  requestId: text('request_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
}, (t) => [index('bank_imports_tenant_idx').on(t.tenantId, t.createdAt)]);

/**
 * One deposit, from a statement line or a gateway's deposit callback. `key` is unique per tenant:
 * the bank's transaction id, or a hash of the line's fields and its occurrence in the file, or the
 * gateway's reference; so the same deposit imported twice is stored (and paid) once.
 */
export const bankDeposits = pgTable('bank_deposits', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  importId: uuid('import_id').references(() => bankImports.id),
  line: integer('line'),
  /** bank_file | the gateway provider (sandbox, toss) */
  source: text('source').notNull(),
  key: text('key').notNull(),
  bookedOn: date('booked_on').notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  depositorName: text('depositor_name'),
  memo: text('memo'),
  accountNumber: text('account_number'),
  /** matched | unmatched | dismissed */
  status: text('status').$type<'matched' | 'unmatched' | 'dismissed'>().notNull(),
  /** virtual_account | invoice_number | amount_and_name | manual */
  matchRule: text('match_rule'),
  /** Why it is unmatched: no_match | ambiguous | currency */
  unmatchedReason: text('unmatched_reason'),
  billTo: uuid('bill_to'),
  invoiceId: uuid('invoice_id').references(() => invoices.id),
  paymentId: uuid('payment_id').references(() => payments.id),
  dismissReason: text('dismiss_reason'),
  resolvedBy: text('resolved_by'),
  resolvedAt: ts('resolved_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('bank_deposits_key_uq').on(t.tenantId, t.key),
  index('bank_deposits_status_idx').on(t.tenantId, t.status, t.bookedOn),
  index('bank_deposits_import_idx').on(t.tenantId, t.importId, t.line),
]);
