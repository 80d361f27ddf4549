/**
 * The daily dunning run for one tenant and one local date (server/dunning/README.md).
 *
 * Exactly once per step: a step's row in dunning_actions (unique invoice + rule + step) is
 * claimed before its side effect. Database side effects (fees, suspension, credit notes, retries
 * through the gateway seam, escalations) happen in the claim's own transaction, so they and the
 * claim commit together or not at all. The e-mail is sent after the claim committed and the
 * row is then marked done or failed; a run that dies between the two leaves the row `sending`,
 * which a later run marks `unknown` and never resends (at most once). Failed steps are retried
 * on a later day while their rule still fires; a payment, a credit note or an exclusion cancels them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { dunningActions, dunningTimeline } from '../db/schema';
import { systemCtx, type Ctx } from '../lib/context';
import { PERMISSION_CODES } from '../access/permissions';
import { Decimal, toMoneyString } from '../lib/money';
import { addDays, todayInZone } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { recordAudit } from '../audit/record';
import { mailerFromEnv, sendReminderEmail, type Mailer } from '../mail';
import { invoiceDocument } from '../invoices/document';
import { renderInvoicePdf } from '../invoices/render/pdf';
import { loadPolicy, firedRules, nextStepDue, stopReason, type Fired, type Policy, type StopContext } from './policy';
import { activeExclusions } from './exclusions';
import { positions, viewInvoice, type Position } from './invoice-context';
import { loadChunk, loadOverdue, type ActionRow, type ChunkData, type Overdue } from './load';
import { cancelParty, chargeLateFee, lateFeeAmount, openSuspensions, reinstate, retry, suspend, writeOff, type StepEnv, type StepResult } from './steps';

export interface RunOptions {
  db: Db;
  tenantId: string;
  now: () => Date;
  /** The tenant-local date to run for; default: today in the tenant's zone. */
  date?: string;
  signal?: AbortSignal;
  /** The job's lease check, first in every write transaction (server/jobs/README.md). */
  holdLease?: (tx: Tx) => Promise<void>;
  /** Default: the environment's SMTP relay (null: reminders fail as "e-mail not configured"). */
  mailer?: Mailer | null;
  /** Test hook, called after each invoice is processed: throwing stops the run as a crash would. */
  afterInvoice?: (index: number) => void;
}

export interface RunSummary { date: string; invoices: number; acted: number; failed: number; excluded: number; reinstated: number }

type TimelineRow = typeof dunningTimeline.$inferInsert;
/** Fee invoices are dunned like any debt (reminders, suspension) but never charged a fee themselves. */
const isLateFeeInvoice = (inv: Overdue['inv']) => (inv.trace as { dunning?: { action?: string } }[]).some((x) => x?.dunning?.action === 'late_fee');
const CHUNK = 500;
/** The error text of a step an exclusion cancelled (a stored note, not an API message). */
const stoppedBy = (why: string) => `stopped: ${why}`;

export async function runDunning(o: RunOptions): Promise<RunSummary> {
  const settings = await tenantSettings(o.db, o.tenantId);
  const today = o.date ?? todayInZone(settings.timezone, o.now());
  const ctx: Ctx = { ...systemCtx(o.db, o.tenantId, PERMISSION_CODES, o.now), actor: { type: 'system', id: null, name: 'dunning' } };
  const env: StepEnv = { ctx, today, rounding: settings.rounding };
  const policy = await loadPolicy(o.db, o.tenantId, today);
  const summary: RunSummary = { date: today, invoices: 0, acted: 0, failed: 0, excluded: 0, reinstated: 0 };
  const overdue = await loadOverdue(o.db, o.tenantId, today);
  await reinstatePaidUp(o, env, overdue, summary);
  await stopSettled(o, env, new Set(overdue.map((x) => x.inv.id)));
  const exclusions = await activeExclusions(o.db, o.tenantId);
  const position = positions(overdue);
  const mailer = o.mailer !== undefined ? o.mailer : mailerFromEnv();
  const out = new Uint8Array(policy.rules.length);
  try {
    for (let i = 0; i < overdue.length; i += CHUNK) {
      const part = overdue.slice(i, i + CHUNK);
      const data = await loadChunk(o.db, o.tenantId, part);
      for (const [k, od] of part.entries()) {
        if (o.signal?.aborted) throw new Error('dunning run aborted');
        await processInvoice(o, env, policy, od, data, exclusions, position.get(`${od.inv.billTo}|${od.inv.currency}`)!, mailer, out, summary);
        summary.invoices++;
        o.afterInvoice?.(i + k);
      }
    }
  } finally {
    if (o.mailer === undefined) mailer?.close();
  }
  return summary;
}

async function processInvoice(o: RunOptions, env: StepEnv, policy: Policy, { inv, owed }: Overdue, data: ChunkData,
  exclusions: Awaited<ReturnType<typeof activeExclusions>>, pos: Position, mailer: Mailer | null, out: Uint8Array, summary: RunSummary) {
  const { today, ctx } = env;
  const v = viewInvoice(policy, { inv, owed }, data, exclusions, pos, today);
  const { facts, rows, daysOverdue, pausedWhy } = v;
  const base = { tenantId: ctx.tenantId, invoiceId: inv.id, runDate: today, createdAt: ctx.now() };
  const timeline: TimelineRow[] = [];
  const note = (decision: string, f: Fired | null, reason: string | null, extra: Partial<TimelineRow> = {}) =>
    timeline.push({ ...base, decision, reason, ruleCode: f?.rule.id ?? null, ruleVersion: f?.rule.version ?? null, action: f?.rule.action ?? null,
      facts: f ? f.facts : { 'invoice.daysOverdue': daysOverdue, 'invoice.amountDue': toMoneyString(owed, inv.currency) }, trace: f?.trace ?? null, ...extra });

  const fired = firedRules(policy, facts, inv.currency, out);
  const stops: StopContext = { pausedWhy, recordExclusion: v.recordExclusion, flagExclusion: v.flagExclusion, restrictions: fired.filter((f) => f.rule.action === 'exclude') };
  const external: { row: ActionRow; f: Fired }[] = [];
  const already: string[] = [];

  await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    for (const f of fired) {
      if (f.rule.action === 'exclude') continue;
      const mine = rows.filter((r) => r.ruleCode === f.rule.id);
      const last = mine.at(-1);
      const stop = stopReason(f, stops);
      if (stop) {
        // An exclusion stops a pending (failed, awaiting retry) step; a pause only holds it.
        if (last?.status === 'failed' && stop.kind === 'excluded') await tx.update(dunningActions).set({ status: 'cancelled', error: stoppedBy(stop.reason), updatedAt: ctx.now() }).where(eq(dunningActions.id, last.id));
        note(stop.kind, f, stop.reason, stop.by ? { trace: { rule: f.trace, exclusion: stop.by.trace } } : {});
        if (stop.kind === 'excluded') summary.excluded++;
        continue;
      }
      let step = 0;
      let retryRow: ActionRow | undefined;
      if (last) {
        if (last.status === 'failed' && last.lastAttemptOn < today) retryRow = last;
        else if (last.status === 'sending' && last.lastAttemptOn < today) {
          await tx.update(dunningActions).set({ status: 'unknown', error: 'a run stopped while sending; not resent', updatedAt: ctx.now() }).where(eq(dunningActions.id, last.id));
          note('unknown', f, `step ${last.step} was being sent on ${last.lastAttemptOn} when its run stopped; not resent (check the mail log)`);
          continue;
        } else {
          const due = last.status === 'failed' || last.status === 'sending' ? null : nextStepDue(last, f.rule.params.repeatEveryDays, today, addDays);
          if (due === null) { already.push(`${f.rule.id} step ${last.step} (${last.status} on ${last.lastAttemptOn})`); continue; }
          step = due;
        }
      }
      let fee: Decimal | undefined;
      if (f.rule.action === 'late_fee') {
        const charged = mine.filter((r) => r.status === 'done').reduce((s, r) => s.plus(String(r.result.amount ?? '0')), new Decimal(0));
        if (isLateFeeInvoice(inv)) { note('not_due', f, 'no late fee is charged on a late-fee invoice'); continue; }
        fee = lateFeeAmount(f.rule.params as { cap: string }, owed, daysOverdue, charged, inv.currency, env.rounding);
        if (!fee.greaterThan(0)) {
          note('not_due', f, charged.greaterThanOrEqualTo(f.rule.params.cap) ? `the cap ${f.rule.params.cap} is reached` : 'the fee rounds to zero');
          continue;
        }
      }
      const suspensions = f.rule.action === 'reinstate' ? await openSuspensions(tx, ctx.tenantId, inv.billTo) : [];
      if (f.rule.action === 'reinstate' && !suspensions.length) { note('not_due', f, 'nothing is suspended'); continue; }
      // Claim the step.
      const claimed = retryRow
        ? await tx.update(dunningActions).set({ status: 'sending', attempts: retryRow.attempts + 1, lastAttemptOn: today, updatedAt: ctx.now() })
          .where(and(eq(dunningActions.id, retryRow.id), eq(dunningActions.status, 'failed'))).returning()
        : await tx.insert(dunningActions).values({ tenantId: ctx.tenantId, invoiceId: inv.id, billTo: inv.billTo, ruleCode: f.rule.id, ruleVersion: f.rule.version, step,
          action: f.rule.action, status: 'sending', runDate: today, lastAttemptOn: today, createdAt: ctx.now(), updatedAt: ctx.now() }).onConflictDoNothing().returning();
      if (!claimed.length) { already.push(`${f.rule.id} step ${step} (claimed by another run)`); continue; }
      const row = claimed[0];
      if (f.rule.action === 'remind') { external.push({ row, f }); continue; }
      try {
        const res: StepResult = await tx.transaction(async (sp) => {
          switch (f.rule.action) {
            case 'retry_payment': return retry(sp, inv);
            case 'late_fee': return chargeLateFee(env, sp, inv, fee!, f.rule.id, f.rule.version);
            case 'suspend': return suspend(env, sp, inv);
            case 'reinstate': return { status: 'done', result: { reinstated: await Promise.all(suspensions.map((s) => reinstate(env, sp, s))) } };
            case 'cancel': return cancelParty(env, sp, inv, f.rule.params.at);
            case 'write_off': return writeOff(env, sp, inv, owed, f.rule.params.reason);
            case 'escalate': return { status: 'open', result: { queue: f.rule.params.queue ?? 'collections', note: f.rule.params.note ?? null } };
            default: throw new Error(`unknown action ${f.rule.action}`);
          }
        });
        await tx.update(dunningActions).set({ status: res.status, result: res.result, error: null, updatedAt: ctx.now() }).where(eq(dunningActions.id, row.id));
        await recordAudit(tx, ctx, { action: `dunning.${f.rule.action}`, entityType: 'invoice', entityId: inv.id, after: { rule: f.rule.id, version: f.rule.version, step: row.step, ...res.result } });
        note('acted', f, null, { facts: { ...f.facts, result: res.result } });
        summary.acted++;
      } catch (e) {
        await tx.update(dunningActions).set({ status: 'failed', error: (e as Error).message, updatedAt: ctx.now() }).where(eq(dunningActions.id, row.id));
        note('failed', f, `${(e as Error).message}; retried on the next run day`);
        summary.failed++;
      }
    }
    if (!timeline.length && !external.length) {
      note('no_action', null, fired.length ? `already done: ${already.join('; ') || fired.map((f) => f.rule.id).join(', ')}` : pausedWhy ?? 'no rule fires',
        { facts: { ...facts, 'invoice.amountDue': toMoneyString(owed, inv.currency), notFired: policy.rules.filter((r) => !fired.some((f) => f.rule === r)).map((r) => `${r.id} v${r.version}`) } });
    }
    if (timeline.length) await tx.insert(dunningTimeline).values(timeline.splice(0));
  });

  for (const { row, f } of external) await sendReminder(o, env, inv, owed, daysOverdue, row, f, mailer, summary);
}

async function sendReminder(o: RunOptions, env: StepEnv, inv: Overdue['inv'], owed: Decimal, daysOverdue: number, row: ActionRow, f: Fired, mailer: Mailer | null, summary: RunSummary) {
  const { ctx, today } = env;
  let status: 'done' | 'failed' = 'done';
  let result: Record<string, unknown> = {};
  let error: string | null = null;
  try {
    if (!mailer) throw new Error('e-mail is not configured (SMTP_HOST, MAIL_FROM)');
    const { doc, email } = await invoiceDocument(ctx, inv.id);
    if (!email) throw new Error('the payer has no e-mail address');
    const link = (process.env.PAY_LINK_URL ?? `${process.env.PUBLIC_URL ?? 'http://localhost:3000'}/pay/{invoiceId}`).replace('{invoiceId}', inv.id).replace('{number}', inv.number ?? inv.id);
    const sent = await sendReminderEmail(mailer, { to: email, doc, locale: doc.locale, amountOwed: toMoneyString(owed, inv.currency), daysOverdue, payLink: link,
      template: f.rule.params.template ?? 'overdue', pdf: await renderInvoicePdf(doc) });
    if (!sent.accepted.length) throw new Error(`the mail server refused ${sent.rejected.join(', ')}`);
    result = { to: email, messageId: sent.messageId, locale: doc.locale };
  } catch (e) {
    status = 'failed';
    error = (e as Error).message;
  }
  await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    await tx.update(dunningActions).set({ status, result, error, updatedAt: ctx.now() }).where(eq(dunningActions.id, row.id));
    await tx.insert(dunningTimeline).values({ tenantId: ctx.tenantId, invoiceId: inv.id, runDate: today, ruleCode: f.rule.id, ruleVersion: f.rule.version, action: 'remind',
      decision: status === 'done' ? 'acted' : 'failed', reason: error ? `${error}; retried on the next run day` : null, facts: { ...f.facts, result }, trace: f.trace, createdAt: ctx.now() });
    if (status === 'done') await recordAudit(tx, ctx, { action: 'dunning.remind', entityType: 'invoice', entityId: inv.id, after: { rule: f.rule.id, step: row.step, ...result } });
  });
  if (status === 'done') summary.acted++; else summary.failed++;
}

/** Reinstatement is automatic: a party whose overdue balance is paid (or credited) gets its suspensions lifted. */
async function reinstatePaidUp(o: RunOptions, env: StepEnv, overdue: Overdue[], summary: RunSummary) {
  const owing = new Set(overdue.map((x) => x.inv.billTo));
  const open = (await openSuspensions(o.db, env.ctx.tenantId)).filter((s) => !owing.has(s.billTo));
  for (const s of open) {
    await o.db.transaction(async (tx) => {
      await o.holdLease?.(tx);
      const result = await reinstate(env, tx, s);
      await tx.insert(dunningTimeline).values({ tenantId: env.ctx.tenantId, invoiceId: s.invoiceId, runDate: env.today, ruleCode: s.ruleCode, ruleVersion: s.ruleVersion,
        action: 'reinstate', decision: 'reinstated', reason: 'the overdue balance is paid', facts: { 'payer.overdueBalance': 0, result }, createdAt: env.ctx.now() });
      await recordAudit(tx, env.ctx, { action: 'dunning.reinstate', entityType: 'invoice', entityId: s.invoiceId, after: result });
    });
    summary.reinstated++;
  }
}

/** Failed steps waiting for a retry stop once their invoice owes nothing (payment, credit note, void). */
async function stopSettled(o: RunOptions, env: StepEnv, stillOverdue: Set<string>) {
  const failed = await o.db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, env.ctx.tenantId), inArray(dunningActions.status, ['failed'])));
  const settled = failed.filter((r) => !stillOverdue.has(r.invoiceId));
  if (!settled.length) return;
  await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    await tx.update(dunningActions).set({ status: 'cancelled', error: 'stopped: the invoice is no longer overdue (payment, credit note or void)', updatedAt: env.ctx.now() })
      .where(and(eq(dunningActions.tenantId, env.ctx.tenantId), inArray(dunningActions.id, settled.map((r) => r.id))));
    await tx.insert(dunningTimeline).values(settled.map((r) => ({ tenantId: env.ctx.tenantId, invoiceId: r.invoiceId, runDate: env.today, ruleCode: r.ruleCode, ruleVersion: r.ruleVersion,
      action: r.action, decision: 'stopped', reason: 'the invoice is no longer overdue (payment, credit note or void)', facts: {}, createdAt: env.ctx.now() })));
  });
}
