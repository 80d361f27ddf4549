/**
 * The `dunning.outbox` job: e-mails the pending reminders of one tenant's outbox (outbox.ts),
 * a batch at a time, over the mailer's pooled connections.
 *
 * At most once per row: a batch goes pending → sending (and its steps queued → sending) in one
 * committed statement before any SMTP call, taken with SKIP LOCKED so concurrent senders never
 * share a row. A sender that dies during the calls leaves `sending`: the next day's run marks the
 * step and the row `unknown` and never resends (decide.ts). Outcomes of a batch (outbox rows,
 * steps, timeline, audit) are one transaction, one statement each.
 * Failures: a transient one (connection, SMTP 4xx) is tried again with back-off, up to
 * MAX_TRIES; a permanent one (no address, not configured, refused) or the last try marks the
 * step `failed` with the error on the timeline, and the next day's run queues it again.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { dunningOutbox, invoices } from '../db/schema';
import { rowsOf } from '../db/bulk';
import { systemCtx, type Ctx } from '../lib/context';
import { PERMISSION_CODES } from '../access/permissions';
import { recordAudits, type AuditEntry } from '../audit/record';
import { sendReminderEmail, type Mailer } from '../mail';
import { insertTimeline } from './apply';
import type { TimelineRow } from './decide';
import { payLink, payPdfLink } from './pay-link';
import { reminderRecipients, reminderSender, type Recipient, type Sender } from './recipients';
import { enqueueOutboxSend, type OutboxPayload } from './outbox';

/** Rows per batch: the most a crash can leave `unknown`. */
export const SEND_BATCH = 500;
/** SMTP calls in flight (the pool has 4 connections; a few more keep them busy). */
const PARALLEL = 8;
export const MAX_TRIES = 3;
/** Back-off between tries of a transient failure: 1 min, then 4 min. */
const backoffMs = (tries: number) => 60_000 * 4 ** (tries - 1);

export interface SendOptions {
  db: Db;
  tenantId: string;
  now: () => Date;
  mailer: Mailer | null;
  signal?: AbortSignal;
  holdLease?: (tx: Tx) => Promise<void>;
}
export interface SendSummary { sent: number; failed: number; retrying: number }

interface Taken { id: string; action_id: string; invoice_id: string; run_date: string; tries: number; payload: OutboxPayload }
type Outcome = { ok: true; to: string; messageId: string; locale: string } | { ok: false; error: string; transient: boolean };

export async function sendOutbox(o: SendOptions): Promise<SendSummary> {
  const ctx: Ctx = { ...systemCtx(o.db, o.tenantId, PERMISSION_CODES, o.now), actor: { type: 'system', id: null, name: 'dunning' } };
  const sender = await reminderSender(o.db, o.tenantId);
  const summary: SendSummary = { sent: 0, failed: 0, retrying: 0 };
  // Rows whose step was stopped (payment, exclusion) after they were written are never sent.
  await o.db.execute(sql`update dunning_outbox o set status = 'cancelled', error = 'the step was stopped', updated_at = ${ctx.now().toISOString()}::timestamptz
    from dunning_actions a where a.id = o.action_id and o.tenant_id = ${o.tenantId} and o.status = 'pending' and a.status <> 'queued'`);
  for (;;) {
    if (o.signal?.aborted) throw new Error('dunning outbox sender aborted');
    const batch = await take(o, ctx.now());
    if (!batch.length) break;
    await record(o, ctx, batch, await deliver(o, ctx, sender, batch), summary);
  }
  // Transient failures wait for their back-off: a later job picks them up.
  const [next] = rowsOf<{ at: string | null }>(await o.db.execute(sql`select min(next_attempt_at)::text as at from dunning_outbox where tenant_id = ${o.tenantId} and status = 'pending'`));
  if (next?.at) {
    const at = new Date(next.at);
    await o.db.transaction(async (tx) => { await o.holdLease?.(tx); await enqueueOutboxSend(tx, o.tenantId, `dunning:outbox:${o.tenantId}:retry:${at.toISOString()}`, at); });
  }
  return summary;
}

/** Pending → sending for one batch (and their steps queued → sending), committed before any SMTP call. */
async function take(o: SendOptions, now: Date): Promise<Taken[]> {
  return o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    const rows = rowsOf<Taken>(await tx.execute(sql`
      with picked as (
        select x.id from dunning_outbox x join dunning_actions a on a.id = x.action_id and a.status = 'queued'
        where x.tenant_id = ${o.tenantId} and x.status = 'pending' and x.next_attempt_at <= ${now.toISOString()}::timestamptz
        order by x.next_attempt_at limit ${SEND_BATCH} for update of x skip locked)
      update dunning_outbox x set status = 'sending', tries = x.tries + 1, updated_at = ${now.toISOString()}::timestamptz
      from picked where x.id = picked.id
      returning x.id, x.action_id, x.invoice_id, x.run_date::text as run_date, x.tries, x.payload`));
    if (rows.length) {
      await tx.execute(sql`update dunning_actions a set status = 'sending', updated_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.action_id })))}::json) as v(id uuid) where a.id = v.id and a.status = 'queued'`);
    }
    return rows.map((r) => ({ ...r, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
  });
}

async function deliver(o: SendOptions, ctx: Ctx, sender: Sender, batch: Taken[]): Promise<Outcome[]> {
  const invs = o.mailer ? await o.db.select().from(invoices).where(and(eq(invoices.tenantId, o.tenantId), inArray(invoices.id, [...new Set(batch.map((b) => b.invoice_id))]))) : [];
  const invOf = new Map(invs.map((i) => [i.id, i]));
  const to = invs.length ? await reminderRecipients(o.db, o.tenantId, invs) : new Map<string, Recipient>();
  const out: Outcome[] = new Array(batch.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(PARALLEL, batch.length) }, async () => {
    for (let k = next++; k < batch.length; k = next++) out[k] = await sendOne(o.mailer, ctx.now(), sender, batch[k], invOf.get(batch[k].invoice_id), to.get(batch[k].invoice_id));
  }));
  return out;
}

async function sendOne(mailer: Mailer | null, now: Date, sender: Sender, b: Taken, inv: typeof invoices.$inferSelect | undefined, r: Recipient | undefined): Promise<Outcome> {
  if (!mailer) return { ok: false, error: 'e-mail is not configured (SMTP_HOST, MAIL_FROM)', transient: false };
  if (!inv) return { ok: false, error: 'the invoice is gone', transient: false };
  if (!r?.email) return { ok: false, error: 'the payer has no e-mail address', transient: false };
  try {
    const doc = { number: inv.number ?? inv.id, currency: inv.currency, dueDate: inv.dueDate, buyer: { name: r.name }, seller: { name: sender.name } };
    const sent = await sendReminderEmail(mailer, { to: r.email, doc, locale: sender.locale, amountOwed: b.payload.amountOwed, daysOverdue: b.payload.daysOverdue,
      payLink: payLink(inv, now), pdfLink: payPdfLink(inv, now), template: b.payload.template });
    const refused = sent.rejected.join(', ');
    if (!sent.accepted.length) return { ok: false, error: `the mail server refused ${refused}`, transient: false };
    return { ok: true, to: r.email, messageId: sent.messageId, locale: sender.locale };
  } catch (e) {
    const err = e as { message: string; code?: string; responseCode?: number };
    const transient = (typeof err.responseCode === 'number' && err.responseCode >= 400 && err.responseCode < 500) || ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(err.code ?? '');
    return { ok: false, error: err.message, transient };
  }
}

/** A batch's outcomes in one transaction: outbox rows, steps, timeline, audit (one statement each). */
async function record(o: SendOptions, ctx: Ctx, batch: Taken[], outcomes: Outcome[], summary: SendSummary) {
  const now = ctx.now();
  const box: { id: string; status: string; error: string | null; message_id: string | null; next_attempt_at: string | null }[] = [];
  const steps: { id: string; status: string; result: Record<string, unknown> | null; error: string | null }[] = [];
  const timeline: TimelineRow[] = [];
  const audits: AuditEntry[] = [];
  batch.forEach((b, k) => {
    const r = outcomes[k];
    const p = b.payload;
    const entry = { tenantId: o.tenantId, invoiceId: b.invoice_id, runDate: b.run_date, ruleCode: p.ruleCode, ruleVersion: p.ruleVersion, action: 'remind', trace: p.trace, createdAt: now };
    if (r.ok) {
      const result = { to: r.to, messageId: r.messageId, locale: r.locale };
      box.push({ id: b.id, status: 'sent', error: null, message_id: r.messageId, next_attempt_at: null });
      steps.push({ id: b.action_id, status: 'done', result, error: null });
      timeline.push({ ...entry, decision: 'acted', reason: null, facts: { ...p.facts, result } });
      audits.push({ action: 'dunning.remind', entityType: 'invoice', entityId: b.invoice_id, after: { rule: p.ruleCode, step: p.step, ...result } });
      summary.sent++;
    } else if (r.transient && b.tries < MAX_TRIES) {
      box.push({ id: b.id, status: 'pending', error: r.error, message_id: null, next_attempt_at: new Date(now.getTime() + backoffMs(b.tries)).toISOString() });
      steps.push({ id: b.action_id, status: 'queued', result: null, error: r.error });
      summary.retrying++;
    } else {
      box.push({ id: b.id, status: 'failed', error: r.error, message_id: null, next_attempt_at: null });
      steps.push({ id: b.action_id, status: 'failed', result: {}, error: r.error });
      timeline.push({ ...entry, decision: 'failed', reason: `${r.error}; retried on the next run day`, facts: { ...p.facts, result: {} } });
      summary.failed++;
    }
  });
  await o.db.transaction(async (tx) => {
    await o.holdLease?.(tx);
    const ts = now.toISOString();
    await tx.execute(sql`update dunning_outbox x set status = v.status, error = v.error, message_id = v.message_id, next_attempt_at = coalesce(v.next_attempt_at, x.next_attempt_at), updated_at = ${ts}::timestamptz
      from json_to_recordset(${JSON.stringify(box)}::json) as v(id uuid, status text, error text, message_id text, next_attempt_at timestamptz) where x.id = v.id and x.status = 'sending'`);
    await tx.execute(sql`update dunning_actions a set status = v.status, result = coalesce(v.result, a.result), error = v.error, updated_at = ${ts}::timestamptz
      from json_to_recordset(${JSON.stringify(steps)}::json) as v(id uuid, status text, result jsonb, error text) where a.id = v.id and a.status = 'sending'`);
    await insertTimeline(tx, timeline);
    await recordAudits(tx, ctx, audits);
  });
}
