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
import { toMoneyString, type Decimal } from '../lib/money';
import { todayInZone } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { recordAudit } from '../audit/record';
import { mailerFromEnv, sendReminderEmail, type Mailer } from '../mail';
import { invoiceDocument } from '../invoices/document';
import { renderInvoicePdf } from '../invoices/render/pdf';
import { loadPolicy, type Fired } from './policy';
import { activeExclusions } from './exclusions';
import { positions, viewInvoice } from './invoice-context';
import { loadChunk, loadOverdue, type ActionRow, type Overdue } from './load';
import { openSuspensions, reinstate, type StepEnv } from './steps';
import { decideInvoice, type DecideEnv, type InvoiceDecision } from './decide';
import { applyChunk } from './apply';

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

const CHUNK = 500;

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
      if (o.signal?.aborted) throw new Error('dunning run aborted');
      const part = overdue.slice(i, i + CHUNK);
      // Decide in memory from what the chunk's few queries loaded, then claim and act in one transaction.
      const [data, suspended] = await Promise.all([loadChunk(o.db, o.tenantId, part), openSuspensions(o.db, o.tenantId)]);
      const suspensionsOf = new Map<string, ActionRow[]>();
      for (const s of suspended) suspensionsOf.set(s.billTo, [...(suspensionsOf.get(s.billTo) ?? []), s]);
      const denv: DecideEnv = { tenantId: o.tenantId, today, now: ctx.now(), rounding: settings.rounding, suspensionsOf };
      const decisions = part.map((od) => decideInvoice(policy, od, viewInvoice(policy, od, data, exclusions, position.get(`${od.inv.billTo}|${od.inv.currency}`)!, today), denv, out));
      const res = await o.db.transaction(async (tx) => {
        await o.holdLease?.(tx);
        return applyChunk(tx, env, policy, decisions);
      });
      summary.acted += res.acted;
      summary.failed += res.failed;
      summary.excluded += res.excluded;
      // E-mails after the commit, invoice by invoice (an SMTP call is never inside a transaction).
      for (const [k, d] of decisions.entries()) {
        if (o.signal?.aborted) throw new Error('dunning run aborted');
        const queued = res.reminders.get(d.od.inv.id);
        if (queued) await sendReminders(o, env, d, queued, mailer, summary);
        summary.invoices++;
        o.afterInvoice?.(i + k);
      }
    }
  } finally {
    if (o.mailer === undefined) mailer?.close();
  }
  return summary;
}

/**
 * At most once per reminder: its row goes queued → sending in a committed update before the SMTP
 * call, so a run that dies during the call leaves `sending` (never resent), and one that dies
 * before it leaves `queued` (sent by the next run).
 */
async function sendReminders(o: RunOptions, env: StepEnv, d: InvoiceDecision, queued: { row: ActionRow; f: Fired }[], mailer: Mailer | null, summary: RunSummary) {
  const taken = await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    return tx.update(dunningActions).set({ status: 'sending', lastAttemptOn: env.today, updatedAt: env.ctx.now() })
      .where(and(inArray(dunningActions.id, queued.map((q) => q.row.id)), eq(dunningActions.status, 'queued'))).returning({ id: dunningActions.id });
  });
  const ids = new Set(taken.map((r) => r.id));
  for (const { row, f } of queued) if (ids.has(row.id)) await sendReminder(o, env, d.od.inv, d.od.owed, d.daysOverdue, row, f, mailer, summary);
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
  const failed = await o.db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, env.ctx.tenantId), inArray(dunningActions.status, ['failed', 'queued'])));
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
