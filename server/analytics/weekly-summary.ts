/**
 * The weekly summary e-mail to executives (README.md "Weekly summary"): a console user with
 * `analytics:read` opts in for themselves; every Monday at 08:00 tenant time the job
 * `analytics.weekly_summary` mails each of them the KPI figures of the week that ended (Monday to
 * Sunday) with a PDF (KPI table and an MRR chart of the last eight weeks), in the user's language.
 *
 * Once per user and week, under retries and crashes: a `weekly_summary_sends` row (primary key
 * tenant, user, week) is inserted, the message handed to the mail server and the row committed in
 * one transaction, so a refused message or a dead worker leaves no row (the retry sends it) and a
 * committed row is never sent again.
 */
import { and, eq, sql } from 'drizzle-orm';
import { tenants, users, weeklySummaryOptIns, weeklySummarySends } from '../db/schema';
import type { Db } from '../db/client';
import { assertPermission, q, systemCtx, withTransaction, type Ctx } from '../lib/context';
import { conflict } from '../lib/errors';
import { addInterval } from '../lib/dates';
import { Decimal, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { PERMISSION_CODES } from '../access/permissions';
import { permissionsOfUser } from '../access/principal';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { LeaseLostError } from '../jobs/queue';
import { registerSchedule } from '../jobs/schedules';
import { mailerFromEnv } from '../mail';
import { liveKpis } from './live';
import { renderWeeklySummaryPdf, sendWeeklySummaryEmail, type WeeklyFigures } from './weekly-summary-render';

export const WEEKLY_SUMMARY_JOB = 'analytics.weekly_summary';
/** Test seams around the SMTP hand-over (test/support/weekly-killer.ts dies at each). */
export const weeklySummaryHooks: { beforeSend?: (to: string) => void; afterCommit?: (to: string) => void } = {};
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];

function ownUser(ctx: Ctx): string {
  assertPermission(ctx, 'analytics:read');
  if (ctx.actor.type !== 'user' || !ctx.actor.id) throw conflict("The weekly summary is a console user's own setting; an API key has no e-mail address");
  return ctx.actor.id;
}

export async function getWeeklySummary(ctx: Ctx) {
  const userId = ownUser(ctx);
  const [row] = await q(ctx).select().from(weeklySummaryOptIns).where(and(eq(weeklySummaryOptIns.tenantId, ctx.tenantId), eq(weeklySummaryOptIns.userId, userId)));
  return { enabled: !!row, schedule: { day: 1, at: '08:00' } };
}

export async function setWeeklySummary(ctx: Ctx, enabled: boolean) {
  const userId = ownUser(ctx);
  await withTransaction(ctx, async (tx, tctx) => {
    const key = and(eq(weeklySummaryOptIns.tenantId, ctx.tenantId), eq(weeklySummaryOptIns.userId, userId));
    const [had] = await tx.select().from(weeklySummaryOptIns).where(key);
    if (!!had === enabled) return;
    if (enabled) await tx.insert(weeklySummaryOptIns).values({ tenantId: ctx.tenantId, userId });
    else await tx.delete(weeklySummaryOptIns).where(key);
    await recordAudit(tx, tctx, { action: enabled ? 'analytics.weekly_summary.enable' : 'analytics.weekly_summary.disable', entityType: 'user', entityId: userId,
      before: { weeklySummary: !!had }, after: { weeklySummary: enabled } });
  });
  return getWeeklySummary(ctx);
}

/** The figures of the week [weekStart, weekStart + 7) and MRR at the end of each of the 8 weeks up to it, per currency. */
export async function weeklyFigures(ctx: Ctx, weekStart: string): Promise<WeeklyFigures> {
  const db = q(ctx);
  const t = ctx.tenantId;
  const weekEnd = addInterval(weekStart, 'day', 7);
  const kpis = await liveKpis(ctx);
  const moves = rowsOf(await db.execute(sql`
    select currency, kind, sum(amount)::text as amount, count(*)::int as n from mrr_movements
    where tenant_id = ${t} and date >= ${weekStart}::date and date < ${weekEnd}::date group by 1, 2`));
  const collected = rowsOf(await db.execute(sql`
    select currency, sum(amount - refunded_amount)::text as amount, count(*)::int as n from payments
    where tenant_id = ${t} and status in ('succeeded','partially_refunded','refunded') and received_on >= ${weekStart}::date and received_on < ${weekEnd}::date group by 1`));
  const firstWeek = addInterval(weekStart, 'day', -49);
  const trend = rowsOf(await db.execute(sql`
    select to_char(d, 'YYYY-MM-DD') as day, m.currency, sum(m.amount)::text as mrr
    from generate_series(${firstWeek}::date, ${weekStart}::date, interval '7 days') d
    join mrr_movements m on m.tenant_id = ${t} and m.date < (d + interval '7 days')::date group by 1, 2 order by 1, 2`));
  const money = (v: string | undefined, c: string) => toMoneyString(new Decimal(v ?? '0'), c);
  const currencies = [...new Set([...kpis.currencies.map((k) => k.currency), ...collected.map((r) => r.currency)])].sort();
  return {
    weekStart, weekEnd: addInterval(weekEnd, 'day', -1),
    currencies: currencies.map((c) => {
      const k = kpis.currencies.find((x) => x.currency === c);
      const m = (kind: string) => moves.find((x) => x.currency === c && x.kind === kind);
      const gained = ['new', 'expansion', 'reactivation'].reduce((s, kind) => s.plus(m(kind)?.amount ?? '0'), new Decimal(0));
      const lost = ['contraction', 'churn'].reduce((s, kind) => s.plus(m(kind)?.amount ?? '0'), new Decimal(0));
      const col = collected.find((x) => x.currency === c);
      return {
        currency: c, mrr: k?.mrr ?? money('0', c), arr: k?.arr ?? money('0', c), customers: k?.customers ?? 0,
        newCustomers: Number(m('new')?.n ?? 0), churnedCustomers: Number(m('churn')?.n ?? 0),
        mrrGained: toMoneyString(gained, c), mrrLost: toMoneyString(lost, c),
        collected: money(col?.amount, c), payments: Number(col?.n ?? 0), overdue: k?.overdue ?? money('0', c),
        trend: trend.filter((x) => x.currency === c).map((x) => ({ weekStart: x.day, mrr: money(x.mrr, c) })),
      };
    }),
  };
}

async function run(job: Job, env: JobRunEnv) {
  const { tenantId, localDate } = job.payload as { tenantId: string; localDate: string };
  // the summary is of the week that ended: the Monday seven days before this one
  const weekStart = addInterval(localDate, 'day', -7);
  const db = env.db as Db;
  const optedIn = await db.select({ id: users.id, email: users.email, name: users.name, locale: users.locale, status: users.status })
    .from(weeklySummaryOptIns).innerJoin(users, eq(users.id, weeklySummaryOptIns.userId)).where(eq(weeklySummaryOptIns.tenantId, tenantId));
  if (!optedIn.length) return;
  const mailer = mailerFromEnv();
  if (!mailer) throw new Error('E-mail is not configured (SMTP_HOST and MAIL_FROM are unset)');
  const [tenant] = await db.select({ name: tenants.name, locale: tenants.locale }).from(tenants).where(eq(tenants.id, tenantId));
  const ctx = systemCtx(db, tenantId, PERMISSION_CODES, env.now);
  const figures = await weeklyFigures(ctx, weekStart);
  const pdfs = new Map<string, Buffer>();
  const failures: string[] = [];
  try {
    for (const u of optedIn) {
      // a user who was deactivated or lost analytics:read since opting in gets nothing
      if (u.status !== 'active' || !(await permissionsOfUser(db, tenantId, u.id)).has('analytics:read')) continue;
      const locale = (u.locale ?? tenant.locale) === 'ko' ? 'ko' : 'en';
      if (!pdfs.has(locale)) pdfs.set(locale, await renderWeeklySummaryPdf(figures, { locale, tenantName: tenant.name }));
      try {
        // The claim, the SMTP hand-over and the record that it was sent are one transaction: a worker
        // that dies before the mail server accepted the message leaves no claim (the retry sends it);
        // one that dies after the commit leaves the row (the retry skips it). Only a death between
        // the server's acceptance and the commit, a few milliseconds, can send twice. holdLease keeps
        // the job ours (nobody can take it over) until the commit.
        await db.transaction(async (tx) => {
          await env.holdLease(tx);
          const claimed = await tx.insert(weeklySummarySends).values({ tenantId, userId: u.id, weekStart, sentTo: u.email })
            .onConflictDoNothing().returning({ userId: weeklySummarySends.userId });
          if (!claimed.length) return; // sent by an earlier attempt
          weeklySummaryHooks.beforeSend?.(u.email);
          const r = await sendWeeklySummaryEmail(mailer, { to: u.email, name: u.name, tenantName: tenant.name, figures, locale, pdf: pdfs.get(locale)! });
          await tx.update(weeklySummarySends).set({ messageId: r.messageId })
            .where(and(eq(weeklySummarySends.tenantId, tenantId), eq(weeklySummarySends.userId, u.id), eq(weeklySummarySends.weekStart, weekStart)));
        });
        weeklySummaryHooks.afterCommit?.(u.email);
      } catch (err) {
        if (err instanceof LeaseLostError) throw err; // another worker has the job now: stop here
        // not accepted: the claim was rolled back with it, so the retry sends it
        failures.push(`${u.email}: ${(err as Error).message}`);
      }
    }
  } finally {
    mailer.close();
  }
  if (failures.length) throw new Error(`weekly summary not accepted for ${failures.join('; ')}`);
}

/** Called where a process starts (server/job-kinds.ts). */
export function registerWeeklySummaryJobs() {
  registerJobKind({ kind: WEEKLY_SUMMARY_JOB, run, retry: { maxAttempts: 5, backoff: { baseMs: 60_000, capMs: 3_600_000 } } });
  registerSchedule({ kind: WEEKLY_SUMMARY_JOB, everyWeek: { day: 1, at: '08:00' }, perTenant: true });
}
