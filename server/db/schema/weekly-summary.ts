import { pgTable, uuid, text, timestamp, date, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { users } from './access';

/**
 * The weekly summary e-mail to executives (server/analytics/weekly-summary.ts): who asked for it
 * (a console user's own opt-in; a row = yes) and what was sent. A send row is written before the
 * message goes out and removed if the mail server refuses it, so a retried job sends each user's
 * week once (primary key: tenant, user, week).
 */
export const weeklySummaryOptIns = pgTable('weekly_summary_opt_ins', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  userId: uuid('user_id').notNull().references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.userId] })]);

export const weeklySummarySends = pgTable('weekly_summary_sends', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  userId: uuid('user_id').notNull().references(() => users.id),
  /** The Monday (tenant calendar) of the week the summary is for. */
  weekStart: date('week_start').notNull(),
  sentTo: text('sent_to').notNull(),
  messageId: text('message_id'),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.weekStart] })]);
