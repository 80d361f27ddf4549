import { pgTable, uuid, text, timestamp, integer, jsonb, date, uniqueIndex, index, check, primaryKey } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from './tenants';
import { customers, payers } from './customers';
import { invoices } from './billing';

/*
 * Dunning (미납 관리, server/dunning/README.md): exclusions, the steps taken on each overdue
 * invoice (claimed once by a unique key), the timeline of every decision, and manual controls.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** 미납 제외 대상: a customer or a payer exempt from dunning, with why, who and when. */
export const dunningExclusions = pgTable('dunning_exclusions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').references(() => customers.id),
  payerId: uuid('payer_id').references(() => payers.id),
  reasonCode: text('reason_code').notNull(),
  note: text('note'),
  setBy: text('set_by').notNull(),
  /** Optional range of local dates [validFrom, validTo] (inclusive); null = open. */
  validFrom: date('valid_from'),
  validTo: date('valid_to'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Lifted (kept for the record). */
  endedAt: ts('ended_at'),
  endedBy: text('ended_by'),
}, (t) => [
  index('dunning_exclusions_tenant_idx').on(t.tenantId, t.endedAt),
  check('dunning_exclusions_one_party', sql`(${t.customerId} is null) <> (${t.payerId} is null)`),
]);

/**
 * One step taken (or being taken) on one invoice: the unique (invoice, rule, step) key is claimed
 * before any side effect, so a re-run or a resumed run never acts twice. `step` counts a rule's
 * repetitions on the invoice (0 = first). `status`: queued (a reminder claimed, not sent yet: the
 * next run sends it), sending (claimed, external call under way),
 * done, failed (retried on a later day), cancelled (a payment, credit note or exclusion stopped
 * it), open (an escalation waiting for a person), unknown (a run died mid-send: never resent).
 */
export const dunningActions = pgTable('dunning_actions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  billTo: uuid('bill_to').notNull(),
  ruleCode: text('rule_code').notNull(),
  ruleVersion: integer('rule_version').notNull(),
  step: integer('step').notNull(),
  action: text('action').notNull(),
  status: text('status').$type<'queued' | 'sending' | 'done' | 'failed' | 'cancelled' | 'open' | 'unknown'>().notNull(),
  /** The tenant-local date of the run that claimed it, and of the last attempt. */
  runDate: date('run_date').notNull(),
  lastAttemptOn: date('last_attempt_on').notNull(),
  attempts: integer('attempts').notNull().default(1),
  /** What the step did: e-mail message id, fee invoice id and amount, credit note id, ... */
  result: jsonb('result').$type<Record<string, unknown>>().notNull().default({}),
  error: text('error'),
  /** A suspension lifted by reinstatement, an escalation closed. */
  reversedAt: ts('reversed_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('dunning_actions_step_uq').on(t.tenantId, t.invoiceId, t.ruleCode, t.step),
  index('dunning_actions_bill_to_idx').on(t.tenantId, t.billTo, t.action),
  // What every daily run looks up tenant-wide (openSuspensions, stopSettled): a few rows of a table that grows every day.
  index('dunning_actions_open_suspension_idx').on(t.tenantId, t.billTo).where(sql`action = 'suspend' and status = 'done' and reversed_at is null`),
  index('dunning_actions_pending_idx').on(t.tenantId).where(sql`status in ('failed', 'queued')`),
]);

/**
 * The invoice's dunning timeline: every decision of every run, acting or not, with its facts.
 * No foreign keys: it is the busiest table there is (a row for every overdue invoice every day),
 * append-only, written only by the run and the outbox sender with ids they just read, and neither
 * invoices nor tenants are ever deleted. Their checks (a lookup and a row lock on the invoice and
 * the tenant per row) were 40% of the insert's time (server/dunning/README.md, Benchmark).
 */
export const dunningTimeline = pgTable('dunning_timeline', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  runDate: date('run_date').notNull(),
  ruleCode: text('rule_code'),
  ruleVersion: integer('rule_version'),
  action: text('action'),
  /** acted | failed | excluded | already_done | not_due | no_action | paused | stopped | reinstated | unknown */
  decision: text('decision').notNull(),
  reason: text('reason'),
  facts: jsonb('facts').$type<Record<string, unknown>>().notNull().default({}),
  trace: jsonb('trace').$type<unknown>(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('dunning_timeline_invoice_idx').on(t.tenantId, t.invoiceId, t.createdAt)]);

/** Manual controls on one invoice: dunning paused (until a date or indefinitely), a promise to pay. */
export const dunningControls = pgTable('dunning_controls', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  /** Paused while set: until this local date (inclusive); '9999-12-31' = until resumed. */
  pausedUntil: date('paused_until'),
  /** The payer promised to pay by this date: no step acts until the day after. */
  promiseToPayOn: date('promise_to_pay_on'),
  note: text('note'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.invoiceId] })]);
