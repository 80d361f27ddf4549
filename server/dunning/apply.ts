/**
 * One chunk of the daily run in one transaction, set-based: the chunk's decided steps are claimed
 * with one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING (plus one UPDATE for failed steps
 * retried), and only the claimed ones act, grouped by action (steps-bulk.ts); then one UPDATE
 * writes every step's outcome, one insert the audit rows, one the timeline. Claims and effects
 * commit together, so a killed run leaves either both or neither.
 *
 * A bulk effect that throws is undone (its savepoint) and its steps are redone one by one, each in
 * its own savepoint, so one bad step fails alone (`failed`, retried on a later day) and never the
 * chunk. Reminders are claimed here (`queued`) with their outbox row in the same transaction
 * (outbox.ts); the `dunning.outbox` job e-mails them, never the run.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { dunningActions, dunningOutbox } from '../db/schema';
import { insertRows } from '../db/bulk';
import { recordAudits, type AuditEntry } from '../audit/record';
import { chargeLateFee, cancelParty, reinstate, retry, suspend, writeOff, type StepEnv, type StepResult } from './steps';
import { chargeLateFees, retryMany, suspendMany } from './steps-bulk';
import { pendLateFees } from './pending-charges';
import { noActionNote, timelineEntry, type Claim, type InvoiceDecision, type TimelineRow } from './decide';
import type { Policy } from './policy';
import type { ActionRow } from './load';
import { cancelOutbox, queueReminders, type OutboxItem } from './outbox';

interface Item { d: InvoiceDecision; c: Claim; row: ActionRow }
export type Outcome = StepResult | { error: string };
/**
 * `queued`: reminders written to the outbox; `waiting`: invoices whose reminder waits there (this run's or an earlier one's);
 * `noAction`: the entries of invoices nothing happened to, for the caller to write (run.ts: beside the next chunk, not in this transaction).
 */
export interface ChunkOutcome { acted: number; failed: number; excluded: number; queued: number; waiting: number; noAction: TimelineRow[] }

const BATCH = 1000;
const batches = <T>(xs: T[], n = BATCH) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
const key = (invoiceId: string, ruleCode: string, step: number) => `${invoiceId}|${ruleCode}|${step}`;

/** Adds the wall time of `fn` to a phase (the bench's report; run.ts). */
export type Timed = <T>(phase: string, fn: () => Promise<T> | T) => Promise<T>;
const untimed: Timed = async (_phase, fn) => fn();

export async function applyChunk(tx: Tx, env: StepEnv, policy: Policy, decisions: InvoiceDecision[], timed: Timed = untimed): Promise<ChunkOutcome> {
  const { ctx, today } = env;
  const now = ctx.now();
  const base = { tenantId: ctx.tenantId, runDate: today, createdAt: now };
  const unknown = decisions.flatMap((d) => d.unknown);
  for (const ids of batches(unknown)) {
    await tx.update(dunningActions).set({ status: 'unknown', error: 'a run stopped while sending; not resent', updatedAt: now }).where(inArray(dunningActions.id, ids));
    await tx.update(dunningOutbox).set({ status: 'unknown', error: 'a sender stopped during the call; not resent', updatedAt: now })
      .where(and(eq(dunningOutbox.tenantId, ctx.tenantId), inArray(dunningOutbox.actionId, ids), eq(dunningOutbox.status, 'sending')));
  }
  const cancels = decisions.flatMap((d) => d.cancel);
  for (const c of cancels) await tx.update(dunningActions).set({ status: 'cancelled', error: c.error, updatedAt: now }).where(eq(dunningActions.id, c.id));
  await cancelOutbox(tx, ctx.tenantId, cancels.map((c) => c.id), now);

  // Claims: new steps in one insert (one JSON parameter) per batch; failed steps retried in one update.
  const wanted = decisions.flatMap((d) => d.claims.map((c) => ({ d, c })));
  const claimed = new Map<string, ActionRow>();
  const fresh: ActionRow[] = wanted.filter((w) => !w.c.retryRow).map(({ d, c }) => ({
    id: randomUUID(), tenantId: ctx.tenantId, invoiceId: d.od.inv.id, billTo: d.od.inv.billTo, ruleCode: c.f.rule.id, ruleVersion: c.f.rule.version, step: c.step, action: c.f.rule.action,
    status: c.f.rule.action === 'remind' ? 'queued' as const : 'sending' as const, runDate: today, lastAttemptOn: today, attempts: 1, result: {}, error: null, reversedAt: null, createdAt: now, updatedAt: now,
  }));
  const inserted = new Set((await timed('apply.claim', () => insertRows<{ id: string }>(tx, 'dunning_actions', ACTION_COLUMNS, fresh.map(actionRecord), { onConflictDoNothing: true, returning: ['id'] }))).map((r) => r.id));
  for (const r of fresh) if (inserted.has(r.id)) claimed.set(key(r.invoiceId, r.ruleCode, r.step), r);
  for (const remind of [true, false]) {
    const ids = wanted.filter((w) => w.c.retryRow && (w.c.f.rule.action === 'remind') === remind).map((w) => w.c.retryRow!.id);
    for (const part of batches(ids)) {
      const rows = await tx.update(dunningActions).set({ status: remind ? 'queued' : 'sending', attempts: sql`${dunningActions.attempts} + 1`, lastAttemptOn: today, updatedAt: now })
        .where(and(inArray(dunningActions.id, part), eq(dunningActions.status, 'failed'))).returning();
      for (const r of rows) claimed.set(key(r.invoiceId, r.ruleCode, r.step), r);
    }
  }
  const items: Item[] = [];
  const outbox: OutboxItem[] = [];
  const waiting = new Set<InvoiceDecision>();
  for (const { d, c } of wanted) {
    const row = claimed.get(key(d.od.inv.id, c.f.rule.id, c.step));
    if (!row) { d.already.push(`${c.f.rule.id} step ${c.step} (claimed by another run)`); continue; }
    if (c.f.rule.action === 'remind') { outbox.push({ d, row, f: c.f }); waiting.add(d); } else items.push({ d, c, row });
  }
  // Reminders queued by an earlier run that stopped: their outbox rows were written with the claim; the sender has them.
  for (const d of decisions) if (d.resend.length) waiting.add(d);
  const queued = await timed('apply.outbox', () => queueReminders(tx, env, outbox));

  const outcomes = await act(tx, env, items, timed);

  // Outcomes, audit and timeline: one statement each (per batch).
  await timed('apply.outcomes', () => writeOutcomes(tx, items.map((it) => ({ id: it.row.id, o: outcomes.get(it.row.id)! })), now));
  const audits: AuditEntry[] = [];
  let acted = 0;
  let failed = 0;
  for (const { d, c, row } of items) {
    const o = outcomes.get(row.id)!;
    if ('error' in o) {
      d.notes.push(timelineEntry(d, base, 'failed', c.f, `${o.error}; retried on the next run day`));
      failed++;
    } else {
      audits.push({ action: `dunning.${c.f.rule.action}`, entityType: 'invoice', entityId: d.od.inv.id, after: { rule: c.f.rule.id, version: c.f.rule.version, step: row.step, ...o.result } });
      d.notes.push(timelineEntry(d, base, 'acted', c.f, null, { facts: { ...c.f.facts, result: o.result } }));
      acted++;
    }
  }
  await timed('apply.audit', () => recordAudits(tx, ctx, audits));
  // What happened (acted, failed, stopped, ...) commits with the steps; a decision not to act changes nothing, so it is returned.
  const timeline: TimelineRow[] = [];
  const noAction: TimelineRow[] = [];
  for (const d of decisions) {
    if (d.notes.length || waiting.has(d)) timeline.push(...d.notes);
    else noAction.push(noActionNote(policy, d, base));
  }
  await timed('apply.timeline', () => insertTimeline(tx, timeline));
  return { acted, failed, excluded: timeline.filter((t) => t.decision === 'excluded').length, queued, waiting: waiting.size, noAction };
}

const ACTION_COLUMNS = ['id', 'tenant_id', 'invoice_id', 'bill_to', 'rule_code', 'rule_version', 'step', 'action', 'status', 'run_date', 'last_attempt_on', 'attempts', 'result', 'created_at', 'updated_at'] as const;
const actionRecord = (r: ActionRow) => ({ id: r.id, tenant_id: r.tenantId, invoice_id: r.invoiceId, bill_to: r.billTo, rule_code: r.ruleCode, rule_version: r.ruleVersion, step: r.step,
  action: r.action, status: r.status, run_date: r.runDate, last_attempt_on: r.lastAttemptOn, attempts: r.attempts, result: r.result, created_at: r.createdAt, updated_at: r.updatedAt });

const TIMELINE_COLUMNS = ['id', 'tenant_id', 'invoice_id', 'run_date', 'rule_code', 'rule_version', 'action', 'decision', 'reason', 'facts', 'trace', 'created_at'] as const;

/** Timeline entries, one statement per 5,000 (one JSON parameter). */
export async function insertTimeline(tx: Tx, rows: TimelineRow[]) {
  await insertRows(tx, 'dunning_timeline', TIMELINE_COLUMNS, rows.map((t) => ({
    id: randomUUID(), tenant_id: t.tenantId, invoice_id: t.invoiceId, run_date: t.runDate, rule_code: t.ruleCode ?? null, rule_version: t.ruleVersion ?? null, action: t.action ?? null,
    decision: t.decision, reason: t.reason ?? null, facts: t.facts ?? {}, trace: t.trace ?? null, created_at: t.createdAt ?? new Date(),
  })));
}

/** Every step's outcome (status, result, error) in one UPDATE … FROM json_to_recordset per batch (one parameter). */
export async function writeOutcomes(tx: Tx, updates: { id: string; o: Outcome }[], now: Date) {
  for (const part of batches(updates, 5000)) {
    const json = JSON.stringify(part.map(({ id, o }) => ('error' in o ? { id, status: 'failed', result: {}, error: o.error } : { id, status: o.status, result: o.result, error: null })));
    await tx.execute(sql`update ${dunningActions} as a set status = v.status, result = v.result, error = v.error, updated_at = ${now.toISOString()}::timestamptz
      from json_to_recordset(${json}::json) as v(id uuid, status text, result jsonb, error text) where a.id = v.id`);
  }
}

/** Each claimed step's effect, the frequent actions in bulk. */
async function act(tx: Tx, env: StepEnv, items: Item[], timed: Timed): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const group: typeof inGroups = (t, o, xs, bulk, one) => (xs.length ? timed(`apply.${xs[0].c.f.rule.action}`, () => inGroups(t, o, xs, bulk, one)) : Promise.resolve());
  const of = (action: string) => items.filter((it) => it.c.f.rule.action === action);
  await group(tx, out, of('retry_payment'), (sp, xs) => retryMany(env, sp, xs.map((x) => x.d.od.inv)), (sp, x) => retry(sp, x.d.od.inv));
  const fees = of('late_fee');
  const nextInvoice = (x: Item) => x.c.f.rule.params.on === 'next_invoice';
  await group(tx, out, fees.filter((x) => !nextInvoice(x)), (sp, xs) => chargeLateFees(env, sp, xs.map((x) => ({ src: x.d.od.inv, fee: x.c.fee!, ruleCode: x.c.f.rule.id, ruleVersion: x.c.f.rule.version }))),
    (sp, x) => chargeLateFee(env, sp, x.d.od.inv, x.c.fee!, x.c.f.rule.id, x.c.f.rule.version));
  const pend = (x: Item) => ({ src: x.d.od.inv, fee: x.c.fee!, ruleCode: x.c.f.rule.id, ruleVersion: x.c.f.rule.version, actionId: x.row.id });
  await group(tx, out, fees.filter(nextInvoice), (sp, xs) => pendLateFees(env, sp, xs.map(pend)), async (sp, x) => (await pendLateFees(env, sp, [pend(x)]))[0]);
  await group(tx, out, of('suspend'), (sp, xs) => suspendMany(env, sp, xs.map((x) => x.d.od.inv)), (sp, x) => suspend(env, sp, x.d.od.inv));
  for (const x of of('escalate')) out.set(x.row.id, { status: 'open', result: { queue: x.c.f.rule.params.queue ?? 'collections', note: x.c.f.rule.params.note ?? null } });
  await group(tx, out, of('reinstate'), null, async (sp, x) => {
    const reinstated = [];
    for (const s of x.c.suspensions ?? []) reinstated.push(await reinstate(env, sp, s));
    return { status: 'done', result: { reinstated } };
  });
  await group(tx, out, of('cancel'), null, (sp, x) => cancelParty(env, sp, x.d.od.inv, x.c.f.rule.params.at));
  await group(tx, out, of('write_off'), null, (sp, x) => writeOff(env, sp, x.d.od.inv, x.d.od.owed, x.c.f.rule.params.reason));
  for (const x of items) if (!out.has(x.row.id)) out.set(x.row.id, { error: `unknown action ${x.c.f.rule.action}` });
  return out;
}

async function inGroups(tx: Tx, out: Map<string, Outcome>, xs: Item[], bulk: ((sp: Tx, xs: Item[]) => Promise<StepResult[]>) | null, one: (sp: Tx, x: Item) => Promise<StepResult>) {
  if (!xs.length) return;
  if (bulk && xs.length > 1) {
    try {
      const res = await tx.transaction((sp) => bulk(sp, xs));
      xs.forEach((x, i) => out.set(x.row.id, res[i]));
      return;
    } catch { /* redone one by one below, so the step at fault fails alone */ }
  }
  for (const x of xs) {
    try {
      out.set(x.row.id, await tx.transaction((sp) => one(sp, x)));
    } catch (e) {
      out.set(x.row.id, { error: (e as Error).message });
    }
  }
}
