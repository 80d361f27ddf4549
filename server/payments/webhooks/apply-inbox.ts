/**
 * The `payments.webhook_inbox` job: applies the queued receipts of one tenant (inbox.ts stored
 * them), in chunks, oldest first. Each chunk is one transaction that claims its receipts with
 * FOR UPDATE SKIP LOCKED (two jobs never take the same receipt) and writes their outcomes together
 * with what they did, so an event acts exactly once: a crash rolls both back and the job (or the
 * next one) takes the receipt again.
 *
 * Most events change nothing: news about a payment that is no longer `pending` (the charge's own
 * answer settled it first), or about no payment of ours. Those are found with one query for the
 * whole chunk and marked `ignored` without a per-event round trip. An event that can act runs the
 * same code as before the inbox (settlePayment, recordDeposit) in its own savepoint: one that throws
 * is rolled back alone, tried again later with back-off, and after 5 tries marked `error`.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { jobs, payments, webhookReceipts } from '../../db/schema';
import { systemCtx, type Ctx } from '../../lib/context';
import { amountProblem } from '../../lib/money';
import { PERMISSION_CODES } from '../../access/permissions';
import { enqueue } from '../../jobs/queue';
import { registerJobKind, type JobKind } from '../../jobs/registry';
import { tenantToday } from '../../tenants/tenant-settings';
import { recordDeposit } from '../deposits/record';
import type { WebhookEvent } from '../gateways/types';
import { settlePayment } from '../collection/settle';
import { INBOX_WAITING_KEY, WEBHOOK_INBOX_KIND } from './inbox';

const CHUNK = 500;
const MAX_TRIES = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Receipt = typeof webhookReceipts.$inferSelect;
type PaymentEvent = Extract<WebhookEvent, { type: 'payment' }>;
interface Result { outcome: 'applied' | 'ignored'; detail: string; paymentId?: string }
/** Test seams: throw in `beforeEvent` to fail one event, in `afterChunk` to die before the chunk commits. */
export const inboxHooks: { beforeEvent?: (eventId: string) => void; afterChunk?: () => void } = {};
interface Written { id: string; outcome: string; detail: string; paymentId: string | null; attempts: number; applyAfter: Date | null }

/**
 * A gateway's virtual-account deposit goes the way a bank-statement line goes (deposits/record.ts):
 * stored once under `<provider>:<ref>`, matched (its account number first), paid and allocated; a
 * deposit into an account we do not know waits in the unmatched queue instead of being dropped.
 */
async function applyDeposit(tx: Tx, ctx: Ctx, provider: string, e: Extract<WebhookEvent, { type: 'deposit' }>): Promise<Result> {
  if (e.status !== 'succeeded') return { outcome: 'ignored', detail: `deposit ${e.status}` };
  if (amountProblem(e.amount, e.currency)) return { outcome: 'ignored', detail: 'unreadable amount' };
  const r = await recordDeposit(tx, ctx, { source: provider, key: `${provider}:${e.ref}`, bookedOn: await tenantToday(tx, ctx), amount: e.amount, currency: e.currency,
    depositorName: e.depositorName ?? null, memo: null, accountNumber: e.accountNumber, provider, providerRef: e.ref });
  if (r.outcome === 'duplicate') return { outcome: 'ignored', detail: 'deposit already recorded' };
  if (r.outcome === 'unmatched') return { outcome: 'applied', detail: `deposit queued as unmatched (${r.deposit.unmatchedReason})` };
  return { outcome: 'applied', detail: 'deposit recorded', paymentId: r.deposit.paymentId ?? undefined };
}

/** The payments a chunk's payment events name (by our id, the provider's order id, or their reference), one query. */
async function paymentsNamed(tx: Tx, tenantId: string, list: Receipt[]) {
  const ids = new Set<string>();
  const refs = new Set<string>();
  for (const r of list) {
    const e = r.event as WebhookEvent;
    if (e.type !== 'payment') continue;
    if (e.orderId && UUID.test(e.orderId)) ids.add(e.orderId);
    if (e.ref) refs.add(e.ref);
  }
  if (!ids.size && !refs.size) return [];
  return tx.select({ id: payments.id, provider: payments.provider, providerRef: payments.providerRef, status: payments.status }).from(payments)
    .where(and(eq(payments.tenantId, tenantId), or(ids.size ? inArray(payments.id, [...ids]) : undefined, refs.size ? inArray(payments.providerRef, [...refs]) : undefined)));
}

async function applyChunk(tx: Tx, ctx: Ctx, list: Receipt[]): Promise<Written[]> {
  const known = await paymentsNamed(tx, ctx.tenantId, list);
  // By id and by provider + reference: a chunk of 500 looked each event up in the whole list before.
  const byId = new Map(known.map((x) => [x.id, x]));
  const byRef = new Map(known.filter((x) => x.providerRef).map((x) => [`${x.provider}\u0000${x.providerRef}`, x]));
  const settled = new Set<string>();
  const out: Written[] = [];
  for (const r of list) {
    const e = r.event as WebhookEvent;
    let quick: Result | null = null;
    let p: (typeof known)[number] | undefined;
    if (e.type === 'other') quick = { outcome: 'ignored', detail: `event type ${e.providerType} is not used` };
    else if (e.type === 'payment') {
      const byOrder = e.orderId && UUID.test(e.orderId) ? e.orderId : null;
      const mine = byOrder ? byId.get(byOrder) : undefined;
      p = (mine && mine.provider === r.provider ? mine : undefined) ?? (e.ref ? byRef.get(`${r.provider}\u0000${e.ref}`) : undefined);
      if (!byOrder && !e.ref) quick = { outcome: 'ignored', detail: 'names no payment' };
      else if (!p) quick = { outcome: 'ignored', detail: 'no such payment' };
      // A payment only ever leaves `pending`, so what was read without a lock is final.
      else if (p.status !== 'pending' || settled.has(p.id)) quick = { outcome: 'ignored', detail: `payment is no longer pending (${e.status} not applied)`, paymentId: p.id };
    }
    if (quick) {
      out.push({ id: r.id, ...quick, paymentId: quick.paymentId ?? null, attempts: r.attempts, applyAfter: null });
      continue;
    }
    try {
      const res = await tx.transaction(async (sp) => {
        inboxHooks.beforeEvent?.(e.id);
        const sctx = { ...ctx, tx: sp };
        if (e.type === 'deposit') return applyDeposit(sp, sctx, r.provider, e);
        const pe = e as PaymentEvent;
        const outcome = await settlePayment(sp, sctx, p!.id, { ref: pe.ref, status: pe.status, declineCode: pe.declineCode, declineMessage: pe.declineMessage }, 'webhook');
        return { outcome, detail: outcome === 'ignored' ? `payment is no longer pending (${pe.status} not applied)` : `payment ${pe.status}`, paymentId: p!.id } as Result;
      });
      if (p && res.outcome === 'applied') settled.add(p.id);
      out.push({ id: r.id, outcome: res.outcome, detail: res.detail, paymentId: res.paymentId ?? null, attempts: r.attempts, applyAfter: null });
    } catch (err) {
      const attempts = r.attempts + 1;
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const last = attempts >= MAX_TRIES;
      out.push({ id: r.id, outcome: last ? 'error' : 'queued', detail: last ? message : `attempt ${attempts} failed: ${message}`, paymentId: null, attempts,
        applyAfter: last ? null : new Date(Date.now() + 10_000 * 2 ** attempts) });
    }
  }
  return out;
}

async function writeOutcomes(tx: Tx, list: Written[]) {
  const values = sql.join(list.map((w) => sql`(${w.id}::uuid, ${w.outcome}, ${w.detail}, ${w.paymentId}::uuid, ${w.attempts}::int, ${w.applyAfter?.toISOString() ?? null}::timestamptz)`), sql`, `);
  await tx.execute(sql`update webhook_receipts r set outcome = v.outcome, detail = v.detail, payment_id = v.payment_id, attempts = v.attempts, apply_after = v.apply_after
    from (values ${values}) as v (id, outcome, detail, payment_id, attempts, apply_after) where r.id = v.id`);
}

const inboxJob: JobKind = {
  kind: WEBHOOK_INBOX_KIND,
  async run(job, { db, now, signal, holdLease }) {
    const { tenantId } = job.payload as { tenantId: string };
    const ctx = systemCtx(db, tenantId, PERMISSION_CODES, now);
    // No longer the waiting job: receipts stored from now on enqueue another (inbox.ts).
    await db.transaction(async (tx) => {
      await holdLease(tx);
      await tx.update(jobs).set({ dedupeKey: `webhook-inbox:${tenantId}:${job.id}` }).where(and(eq(jobs.id, job.id), eq(jobs.dedupeKey, `${INBOX_WAITING_KEY}${tenantId}`)));
    });
    for (;;) {
      if (signal.aborted) return;
      const done = await db.transaction(async (tx) => {
        await holdLease(tx);
        const list = await tx.select().from(webhookReceipts)
          .where(and(eq(webhookReceipts.tenantId, tenantId), eq(webhookReceipts.outcome, 'queued'), or(isNull(webhookReceipts.applyAfter), lte(webhookReceipts.applyAfter, new Date()))))
          .orderBy(asc(webhookReceipts.receivedAt), asc(webhookReceipts.id)).limit(CHUNK).for('update', { skipLocked: true });
        if (!list.length) return 0;
        const written = await applyChunk(tx, { ...ctx, tx }, list);
        await writeOutcomes(tx, written);
        inboxHooks.afterChunk?.();
        // A receipt to try again later gets its own job then (this one ends when nothing is due).
        const retry = written.filter((w) => w.applyAfter);
        if (retry.length) {
          await enqueue(tx, retry.map((w) => ({ tenantId, kind: WEBHOOK_INBOX_KIND, payload: { tenantId }, dedupeKey: `webhook-inbox:${w.id}:retry-${w.attempts}`, runAt: w.applyAfter! })));
        }
        return list.length;
      });
      if (done < CHUNK) return;
    }
  },
  retry: { maxAttempts: 10, backoff: { baseMs: 2_000, capMs: 600_000 } },
};

export function registerWebhookInboxJobs() {
  registerJobKind(inboxJob);
}
