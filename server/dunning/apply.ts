/**
 * One chunk of the daily run in one transaction, set-based: the chunk's decided steps are claimed
 * with one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING (plus one UPDATE for failed steps
 * retried), and only the claimed ones act, grouped by action (steps-bulk.ts); then one UPDATE
 * writes every step's outcome, one insert the audit rows, one the timeline. Claims and effects
 * commit together, so a killed run leaves either both or neither.
 *
 * A bulk effect that throws is undone (its savepoint) and its steps are redone one by one, each in
 * its own savepoint, so one bad step fails alone (`failed`, retried on a later day) and never the
 * chunk. Reminders are only claimed here (`queued`); run.ts sends them after the commit.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { dunningActions, dunningTimeline } from '../db/schema';
import { recordAudits, type AuditEntry } from '../audit/record';
import { chargeLateFee, cancelParty, reinstate, retry, suspend, writeOff, type StepEnv, type StepResult } from './steps';
import { chargeLateFees, retryMany, suspendMany } from './steps-bulk';
import { pendLateFees } from './pending-charges';
import { noActionNote, timelineEntry, type Claim, type InvoiceDecision, type TimelineRow } from './decide';
import type { Fired, Policy } from './policy';
import type { ActionRow } from './load';

interface Item { d: InvoiceDecision; c: Claim; row: ActionRow }
export type Outcome = StepResult | { error: string };
export interface ChunkOutcome { acted: number; failed: number; excluded: number; reminders: Map<string, { row: ActionRow; f: Fired }[]> }

const BATCH = 1000;
const batches = <T>(xs: T[], n = BATCH) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
const key = (invoiceId: string, ruleCode: string, step: number) => `${invoiceId}|${ruleCode}|${step}`;

export async function applyChunk(tx: Tx, env: StepEnv, policy: Policy, decisions: InvoiceDecision[]): Promise<ChunkOutcome> {
  const { ctx, today } = env;
  const now = ctx.now();
  const base = { tenantId: ctx.tenantId, runDate: today, createdAt: now };
  const unknown = decisions.flatMap((d) => d.unknown);
  for (const ids of batches(unknown)) {
    await tx.update(dunningActions).set({ status: 'unknown', error: 'a run stopped while sending; not resent', updatedAt: now }).where(inArray(dunningActions.id, ids));
  }
  for (const c of decisions.flatMap((d) => d.cancel)) await tx.update(dunningActions).set({ status: 'cancelled', error: c.error, updatedAt: now }).where(eq(dunningActions.id, c.id));

  // Claims: new steps in one insert per batch; failed steps retried in one update.
  const wanted = decisions.flatMap((d) => d.claims.map((c) => ({ d, c })));
  const claimed = new Map<string, ActionRow>();
  const fresh = wanted.filter((w) => !w.c.retryRow);
  for (const part of batches(fresh)) {
    const rows = await tx.insert(dunningActions).values(part.map(({ d, c }) => ({
      tenantId: ctx.tenantId, invoiceId: d.od.inv.id, billTo: d.od.inv.billTo, ruleCode: c.f.rule.id, ruleVersion: c.f.rule.version, step: c.step, action: c.f.rule.action,
      status: c.f.rule.action === 'remind' ? 'queued' as const : 'sending' as const, runDate: today, lastAttemptOn: today, createdAt: now, updatedAt: now,
    }))).onConflictDoNothing().returning();
    for (const r of rows) claimed.set(key(r.invoiceId, r.ruleCode, r.step), r);
  }
  for (const remind of [true, false]) {
    const ids = wanted.filter((w) => w.c.retryRow && (w.c.f.rule.action === 'remind') === remind).map((w) => w.c.retryRow!.id);
    for (const part of batches(ids)) {
      const rows = await tx.update(dunningActions).set({ status: remind ? 'queued' : 'sending', attempts: sql`${dunningActions.attempts} + 1`, lastAttemptOn: today, updatedAt: now })
        .where(and(inArray(dunningActions.id, part), eq(dunningActions.status, 'failed'))).returning();
      for (const r of rows) claimed.set(key(r.invoiceId, r.ruleCode, r.step), r);
    }
  }
  const items: Item[] = [];
  const reminders = new Map<string, { row: ActionRow; f: Fired }[]>();
  const waiting = new Set<InvoiceDecision>();
  for (const { d, c } of wanted) {
    const row = claimed.get(key(d.od.inv.id, c.f.rule.id, c.step));
    if (!row) { d.already.push(`${c.f.rule.id} step ${c.step} (claimed by another run)`); continue; }
    if (c.f.rule.action === 'remind') { reminders.set(d.od.inv.id, [...(reminders.get(d.od.inv.id) ?? []), { row, f: c.f }]); waiting.add(d); } else items.push({ d, c, row });
  }
  for (const d of decisions) for (const r of d.resend) { reminders.set(d.od.inv.id, [...(reminders.get(d.od.inv.id) ?? []), r]); waiting.add(d); }

  const outcomes = await act(tx, env, items);

  // Outcomes, audit and timeline: one statement each (per batch).
  await writeOutcomes(tx, items.map((it) => ({ id: it.row.id, o: outcomes.get(it.row.id)! })), now);
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
  await recordAudits(tx, ctx, audits);
  const timeline: TimelineRow[] = [];
  for (const d of decisions) timeline.push(...(d.notes.length || waiting.has(d) ? d.notes : [noActionNote(policy, d, base)]));
  for (const part of batches(timeline, 500)) await tx.insert(dunningTimeline).values(part);
  return { acted, failed, excluded: timeline.filter((t) => t.decision === 'excluded').length, reminders };
}

/** Every step's outcome (status, result, error) in one UPDATE … FROM (VALUES …) per batch. */
export async function writeOutcomes(tx: Tx, updates: { id: string; o: Outcome }[], now: Date) {
  for (const part of batches(updates)) {
    const values = sql.join(part.map(({ id, o }) => 'error' in o
      ? sql`(${id}::uuid, 'failed', '{}'::jsonb, ${o.error}::text)`
      : sql`(${id}::uuid, ${o.status}::text, ${JSON.stringify(o.result)}::jsonb, null::text)`), sql`, `);
    await tx.execute(sql`update ${dunningActions} as a set status = v.status, result = v.result, error = v.error, updated_at = ${now.toISOString()}::timestamptz
      from (values ${values}) as v(id, status, result, error) where a.id = v.id`);
  }
}

/** Each claimed step's effect, the frequent actions in bulk. */
async function act(tx: Tx, env: StepEnv, items: Item[]): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
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

async function group(tx: Tx, out: Map<string, Outcome>, xs: Item[], bulk: ((sp: Tx, xs: Item[]) => Promise<StepResult[]>) | null, one: (sp: Tx, x: Item) => Promise<StepResult>) {
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
