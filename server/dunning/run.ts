/**
 * The daily dunning run for one tenant and one local date (server/dunning/README.md).
 *
 * Exactly once per step: a step's row in dunning_actions (unique invoice + rule + step) is
 * claimed before its side effect. Database side effects (fees, suspension, credit notes, retries
 * through the gateway seam, escalations) happen in the claim's own transaction, so they and the
 * claim commit together or not at all; a chunk of 500 invoices is decided in memory and claimed
 * and acted on in one transaction (decide.ts, apply.ts). Reminders are claimed `queued` and sent
 * after the commit (remind.ts: queued → sending before the call; a run that dies while sending
 * leaves `sending`, which a later run marks `unknown` and never resends: at most once). Failed steps are retried
 * on a later day while their rule still fires; a payment, a credit note or an exclusion cancels them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { dunningActions, dunningTimeline } from '../db/schema';
import { systemCtx, type Ctx } from '../lib/context';
import { PERMISSION_CODES } from '../access/permissions';
import { todayInZone } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { recordAudit } from '../audit/record';
import { mailerFromEnv, type Mailer } from '../mail';
import { loadPolicy } from './policy';
import { activeExclusions } from './exclusions';
import { positions, viewInvoice } from './invoice-context';
import { loadChunk, loadOverdue, type ActionRow, type Overdue } from './load';
import { openSuspensions, reinstate, type StepEnv } from './steps';
import { decideInvoice, type DecideEnv } from './decide';
import { applyChunk } from './apply';
import { MAIL_GROUP, sendReminders } from './remind';
import { reminderSender } from './recipients';

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
  const sender = await reminderSender(o.db, o.tenantId);
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
      // E-mails after the commit, a few invoices at a time (an SMTP call is never inside a transaction).
      for (let k = 0; k < decisions.length; k += MAIL_GROUP) {
        if (o.signal?.aborted) throw new Error('dunning run aborted');
        const group = decisions.slice(k, k + MAIL_GROUP);
        const sent = await sendReminders({ db: o.db, holdLease: o.holdLease, env, mailer, sender }, group.flatMap((d) => (res.reminders.get(d.od.inv.id) ?? []).map((q) => ({ d, ...q }))));
        summary.acted += sent.acted;
        summary.failed += sent.failed;
        for (let g = 0; g < group.length; g++) { summary.invoices++; o.afterInvoice?.(i + k + g); }
      }
    }
  } finally {
    if (o.mailer === undefined) mailer?.close();
  }
  return summary;
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
