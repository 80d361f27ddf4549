import { pgTable, uuid, text, timestamp, integer, numeric, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { invoices } from './billing';
import { dunningActions } from './dunning';

/*
 * Late fees charged "on the next invoice" (a `late_fee` rule with `on: "next_invoice"`,
 * server/dunning/README.md): each waits here as a pending charge until the payer's next bill-run
 * invoice in its currency takes it as a line (status billed, with that invoice), or is reversed
 * (waived by a person, or its source invoice was voided) before that.
 */
export const dunningPendingCharges = pgTable('dunning_pending_charges', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  billTo: uuid('bill_to').notNull(),
  currency: text('currency').notNull(),
  amount: numeric('amount', { precision: 40, scale: 15 }).notNull(),
  description: text('description').notNull(),
  /** The overdue invoice the fee is for, and the dunning step (rule, version) that charged it. */
  sourceInvoiceId: uuid('source_invoice_id').notNull().references(() => invoices.id),
  actionId: uuid('action_id').notNull().references(() => dunningActions.id),
  ruleCode: text('rule_code').notNull(),
  ruleVersion: integer('rule_version').notNull(),
  /** waived: by a person before it was billed (reversedReason says why; the audit log and timeline who). */
  status: text('status').$type<'pending' | 'billed' | 'reversed' | 'waived'>().notNull(),
  /** billed: the invoice that carries it as a line. */
  invoiceId: uuid('invoice_id').references(() => invoices.id),
  /** reversed: why (waived by a person with the reason, or the source invoice was voided). */
  reversedReason: text('reversed_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  settledAt: timestamp('settled_at', { withTimezone: true }),
}, (t) => [index('dunning_pending_charges_party_idx').on(t.tenantId, t.billTo, t.currency, t.status)]);
