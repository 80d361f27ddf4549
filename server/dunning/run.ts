/**
 * The daily dunning run for one tenant and one local date (server/dunning/README.md).
 *
 * Exactly once per step: a step's row in dunning_actions (unique invoice + rule + step) is
 * claimed before its side effect. Database side effects (fees, suspension, credit notes, retries
 * through the gateway seam, escalations) happen in the claim's own transaction, so they and the
 * claim commit together or not at all; a chunk of 500 invoices is decided in memory and claimed
 * and acted on in one transaction (decide.ts, apply.ts). The run sends no e-mail: a reminder is
 * claimed `queued` with its outbox row in the same transaction (outbox.ts), and the
 * `dunning.outbox` job the chunk enqueues sends it (outbox-send.ts: at most once; a sender that
 * dies while sending leaves `sending`, which a later run marks `unknown`). Failed steps are retried
 * on a later day while their rule still fires; a payment, a credit note or an exclusion cancels them.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { dunningActions, dunningTimeline } from '../db/schema';
import { systemCtx, type Ctx } from '../lib/context';
import { PERMISSION_CODES } from '../access/permissions';
import { todayInZone } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { recordAudit } from '../audit/record';
import { loadPolicy } from './policy';
import { activeExclusions } from './exclusions';
import { positions, viewInvoice } from './invoice-context';
import { loadChunk, loadOverdue, type ActionRow, type Overdue } from './load';
import { openSuspensions, reinstate, type StepEnv } from './steps';
import { decideInvoice, type DecideEnv, type TimelineRow } from './decide';
import { applyChunk, insertTimeline, type Timed } from './apply';
import { enqueueOutboxSend, cancelOutbox } from './outbox';

export interface RunOptions {
  db: Db;
  tenantId: string;
  now: () => Date;
  /** The tenant-local date to run for; default: today in the tenant's zone. */
  date?: string;
  signal?: AbortSignal;
  /** The job's lease check, first in every write transaction (server/jobs/README.md). */
  holdLease?: (tx: Tx) => Promise<void>;
  /** Test hook, called after each invoice is processed: throwing stops the run as a crash would. */
  afterInvoice?: (index: number) => void;
  /** Bench hook: wall milliseconds per phase of the run are added here (load, decide, apply, ...). */
  timings?: Record<string, number>;
}

/** `acted`/`failed`: steps done or failed by the run itself; `queued`: reminders written to the outbox (the `dunning.outbox` job sends them). */
export interface RunSummary { date: string; invoices: number; acted: number; failed: number; excluded: number; reinstated: number; queued: number }

const CHUNK = 500;

export async function runDunning(o: RunOptions): Promise<RunSummary> {
  const timed: Timed = async (phase, fn) => {
    if (!o.timings) return fn();
    const t0 = performance.now();
    try { return await fn(); } finally { o.timings[phase] = (o.timings[phase] ?? 0) + performance.now() - t0; }
  };
  const settings = await tenantSettings(o.db, o.tenantId);
  const today = o.date ?? todayInZone(settings.timezone, o.now());
  const ctx: Ctx = { ...systemCtx(o.db, o.tenantId, PERMISSION_CODES, o.now), actor: { type: 'system', id: null, name: 'dunning' } };
  const env: StepEnv = { ctx, today, rounding: settings.rounding };
  const policy = await loadPolicy(o.db, o.tenantId, today);
  const summary: RunSummary = { date: today, invoices: 0, acted: 0, failed: 0, excluded: 0, reinstated: 0, queued: 0 };
  const overdue = await timed('loadOverdue', () => loadOverdue(o.db, o.tenantId, today));
  await timed('reinstatePaidUp', () => reinstatePaidUp(o, env, overdue, summary));
  await timed('stopSettled', () => stopSettled(o, env, new Set(overdue.map((x) => x.inv.id))));
  const exclusions = await activeExclusions(o.db, o.tenantId);
  const position = positions(overdue);
  // Open suspensions matter only to a policy that reinstates by rule, and only the chunk's parties'.
  const reinstates = policy.rules.some((r) => r.action === 'reinstate');
  const runId = randomUUID();
  const out = new Uint8Array(policy.rules.length);
  const load = (part: Overdue[]) => timed('loadChunk', () => Promise.all([loadChunk(o.db, o.tenantId, part, policy.pack.referencedFacts),
    reinstates ? openSuspensions(o.db, o.tenantId, [...new Set(part.map((x) => x.inv.billTo))]) : Promise.resolve([] as ActionRow[])]));
  const chunks = partyChunks(overdue);
  // A pipeline: while one chunk is applied (mostly PostgreSQL's work), the next is read and decided (mostly node's).
  // No party is in two chunks, so a chunk's writes touch nothing another one reads; applies stay one at a time, in order.
  let next = chunks.length ? load(chunks[0]) : null;
  let applying: Promise<void> = Promise.resolve();
  // The chunks' `no_action` entries, written one chunk after another on a connection of their own while the next chunk is applied:
  // they change nothing, so a crash that loses some only means the next run writes them again (as a second run on one day does).
  let noting: Promise<void> = Promise.resolve();
  const note = (rows: TimelineRow[]) => {
    noting = noting.then(() => timed('noAction', () => o.db.transaction(async (tx) => { await o.holdLease?.(tx); await insertTimeline(tx, rows); })));
    noting.catch(() => undefined); // awaited with the next chunk's apply or at the end
  };
  let done = 0;
  for (let c = 0; c < chunks.length; c++) {
    if (o.signal?.aborted) throw new Error('dunning run aborted');
    const part = chunks[c];
    const [data, suspended] = await next!;
    next = c + 1 < chunks.length ? load(chunks[c + 1]) : null;
    next?.catch(() => undefined); // awaited with the next chunk; a failure here must not be reported as unhandled first
    // Decide in memory from what the chunk's few queries loaded, then claim and act in one transaction.
    const suspensionsOf = new Map<string, ActionRow[]>();
    for (const s of suspended) suspensionsOf.set(s.billTo, [...(suspensionsOf.get(s.billTo) ?? []), s]);
    const denv: DecideEnv = { tenantId: o.tenantId, today, now: ctx.now(), rounding: settings.rounding, suspensionsOf };
    const decisions = await timed('decide', () => part.map((od) => decideInvoice(policy, od, viewInvoice(policy, od, data, exclusions, position.get(`${od.inv.billTo}|${od.inv.currency}`)!, today), denv, out)));
    await Promise.all([applying, noting]); // the previous chunk's, which throw here if they failed (a crash stops the run before this chunk acts)
    applying = timed('apply', () => o.db.transaction(async (tx) => {
      await o.holdLease?.(tx);
      const r = await applyChunk(tx, env, policy, decisions, timed);
      // Reminders are e-mailed by the outbox job, which exists exactly when the rows it sends do.
      if (r.waiting) await enqueueOutboxSend(tx, o.tenantId, `dunning:outbox:${o.tenantId}:${today}:${runId}:${c}`);
      return r;
    })).then((res) => {
      note(res.noAction);
      summary.acted += res.acted;
      summary.failed += res.failed;
      summary.excluded += res.excluded;
      summary.queued += res.queued;
      for (let k = 0; k < part.length; k++) { summary.invoices++; o.afterInvoice?.(done + k); }
      done += part.length;
    });
    applying.catch(() => undefined); // awaited above with the next chunk or below; not unhandled meanwhile
  }
  await applying;
  await noting;
  return summary;
}

/**
 * Chunks of about CHUNK invoices that never split a bill-to party, from `overdue` (oldest due
 * first): parties in the order of their most recently due overdue invoice, newest first, each
 * party's invoices oldest first. A party's invoices are decided from one reading of its state, and a
 * chunk's writes (retries, fees, suspensions) touch no party of another. Newest first because the
 * customer-facing steps, reminders, mostly come in an invoice's first days overdue: they are queued
 * in the run's first chunks, and the reminders' worker sends them while the rest of the run goes on
 * (the last e-mail of a 100,000-invoice day came 4.2 s after the run when old debts went first).
 */
export function partyChunks(overdue: Overdue[]): Overdue[][] {
  const byParty = new Map<string, Overdue[]>();
  for (const od of overdue) {
    const list = byParty.get(od.inv.billTo);
    if (list) list.push(od); else byParty.set(od.inv.billTo, [od]);
  }
  const parties: Overdue[][] = [];
  const taken = new Set<string>();
  for (let i = overdue.length - 1; i >= 0; i--) {
    const party = overdue[i].inv.billTo;
    if (!taken.has(party)) { taken.add(party); parties.push(byParty.get(party)!); }
  }
  const chunks: Overdue[][] = [];
  let cur: Overdue[] = [];
  for (const list of parties) {
    if (cur.length && cur.length + list.length > CHUNK) { chunks.push(cur); cur = []; }
    cur.push(...list);
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** Reinstatement is automatic: a party whose overdue balance is paid (or credited) gets its suspensions lifted. */
async function reinstatePaidUp(o: RunOptions, env: StepEnv, overdue: Overdue[], summary: RunSummary) {
  const owing = new Set(overdue.map((x) => x.inv.billTo));
  const open = await openSuspensions(o.db, env.ctx.tenantId, { except: [...owing] });
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
  // The predicate of dunning_actions_pending_idx, as literals so every plan can use it.
  const failed = await o.db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, env.ctx.tenantId), sql`status in ('failed', 'queued')`));
  const settled = failed.filter((r) => !stillOverdue.has(r.invoiceId));
  if (!settled.length) return;
  await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    await tx.update(dunningActions).set({ status: 'cancelled', error: 'stopped: the invoice is no longer overdue (payment, credit note or void)', updatedAt: env.ctx.now() })
      .where(and(eq(dunningActions.tenantId, env.ctx.tenantId), inArray(dunningActions.id, settled.map((r) => r.id))));
    await tx.insert(dunningTimeline).values(settled.map((r) => ({ tenantId: env.ctx.tenantId, invoiceId: r.invoiceId, runDate: env.today, ruleCode: r.ruleCode, ruleVersion: r.ruleVersion,
      action: r.action, decision: 'stopped', reason: 'the invoice is no longer overdue (payment, credit note or void)', facts: {}, createdAt: env.ctx.now() })));
    await cancelOutbox(tx, env.ctx.tenantId, settled.map((r) => r.id), env.ctx.now());
  });
}
