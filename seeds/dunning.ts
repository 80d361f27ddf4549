/**
 * Demo dunning: three finalized invoices are made overdue by 4, 8 and 13 days (their issue and
 * due dates moved back by the same number of days; amounts unchanged) and today's dunning run is
 * taken, so the dunning board shows invoices at different stages on first start: reminded (the
 * e-mail fails without SMTP and is retried the next day, as the timeline says), retried, and one
 * whose late fee (day 15) and the others' next steps show as "next action". Suspension and fees
 * are left to the daily run, so demo customers stay orderable. The policy itself is in
 * rules/packs/demo (dunning-*.json). Runs once: a tenant with any dunning step or overdue
 * invoice is left alone.
 */
import { and, asc, count, eq, lt } from 'drizzle-orm';
import type { Ctx } from '../server/lib/context';
import { dunningActions, invoices } from '../server/db/schema';
import { addDays, daysBetween } from '../server/lib/dates';
import { tenantToday } from '../server/tenants/tenant-settings';
import { runDunning } from '../server/dunning/run';

const DAYS_OVERDUE = [4, 8, 13];

export async function seedDunning(ctx: Ctx) {
  const db = ctx.db;
  const [{ n: steps }] = await db.select({ n: count() }).from(dunningActions).where(eq(dunningActions.tenantId, ctx.tenantId));
  const today = await tenantToday(db, ctx);
  const [{ n: overdue }] = await db.select({ n: count() }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.status, 'finalized'), lt(invoices.dueDate, today)));
  if (steps > 0 || overdue > 0) return;
  const picks = await db.select({ id: invoices.id, issueDate: invoices.issueDate, dueDate: invoices.dueDate }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.status, 'finalized'))).orderBy(asc(invoices.number)).limit(DAYS_OVERDUE.length);
  for (const [k, p] of picks.entries()) {
    const due = addDays(today, -DAYS_OVERDUE[k]);
    await db.update(invoices).set({ issueDate: addDays(p.issueDate, daysBetween(p.dueDate, due)), dueDate: due }).where(eq(invoices.id, p.id));
  }
  if (picks.length) await runDunning({ db, tenantId: ctx.tenantId, now: ctx.now, date: today });
}
