import { pgTable, uuid, text, timestamp, date, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { creditNotes, invoices, subscriptions } from './billing';

/**
 * What was billed in advance and later credited back (server/subscriptions/advance-credit.ts):
 * one row per change (plan, quantity, pause, cancel, term end) that credited the unused part of
 * an invoice's in-advance lines for a subscription, from `creditedFrom` on. It makes the credit
 * happen once (a later change only credits days before the earliest `creditedFrom` of that
 * invoice), and it tells the next bill run which days of its period are no longer paid for: the
 * segments from `creditedFrom` on are charged on its invoice (rating.md "Charge timing"). A row
 * without a credit note: the unused part rounded to nothing, the days still count as credited.
 */
export const advanceCredits = pgTable('advance_credits', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  subscriptionId: uuid('subscription_id').notNull().references(() => subscriptions.id),
  /** The invoice whose in-advance lines were credited. */
  invoiceId: uuid('invoice_id').notNull().references(() => invoices.id),
  creditNoteId: uuid('credit_note_id').references(() => creditNotes.id),
  creditedFrom: date('credited_from').notNull(),
  reason: text('reason').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('advance_credits_subscription_idx').on(t.tenantId, t.subscriptionId, t.creditedFrom)]);
