import { pgTable, uuid, text, timestamp, integer, jsonb, date, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { invoices } from './billing';
import { dunningActions } from './dunning';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Reminders waiting to be e-mailed (server/dunning/README.md, "Reminders through an outbox"): the
 * daily run writes one row per claimed reminder in the same transaction as the step's claim, so a
 * crash neither loses nor doubles one; the `dunning.outbox` job sends them. One row per attempt of
 * a step (`attempt` = the step's `attempts` when it was queued): a reminder that failed and is
 * queued again the next day is a new row, never the same row sent twice.
 * `status`: pending (due at `next_attempt_at`), sending (taken by a sender before its SMTP call),
 * sent, failed (given up for the day; the step is `failed` and the next run queues it again),
 * unknown (a sender died during the call: never resent), cancelled (the step was stopped).
 */
export const dunningOutbox = pgTable('dunning_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  actionId: uuid('action_id').notNull().references(() => dunningActions.id),
  attempt: integer('attempt').notNull(),
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  runDate: date('run_date').notNull(),
  status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled'>().notNull(),
  /** Send tries of this row (transient SMTP errors are retried with back-off the same day). */
  tries: integer('tries').notNull().default(0),
  nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
  /** What the e-mail and its timeline entry need: rule, version, step, template, facts read, trace, amount owed, days overdue. */
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  error: text('error'),
  messageId: text('message_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('dunning_outbox_action_attempt_uq').on(t.tenantId, t.actionId, t.attempt),
  index('dunning_outbox_due_idx').on(t.tenantId, t.status, t.nextAttemptAt),
]);
