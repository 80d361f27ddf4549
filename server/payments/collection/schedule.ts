/**
 * When automatic charges happen: the first when an invoice is finalized, retries after a decline
 * (3, 5 and 7 days later: card issuers advise against hammering a declined card), and status
 * queries for a charge whose answer never came. Jobs only; the work is in auto-collect.ts.
 */
import type { DbOrTx } from '../../db/client';
import type { Ctx } from '../../lib/context';
import { enqueue } from '../../jobs/queue';

export const AUTO_COLLECT_KIND = 'payments.auto_collect';
export const RECONCILE_KIND = 'payments.reconcile';
/** Days after attempt n's decline before attempt n+1; no more attempts after the last. */
export const RETRY_DAYS = [3, 5, 7];
export const MAX_ATTEMPTS = RETRY_DAYS.length + 1;
const DAY = 86_400_000;

/** The first attempt of an invoice just finalized (called in the finalize transaction). */
export async function scheduleCollection(db: DbOrTx, tenantId: string, invoiceId: string) {
  await enqueue(db, [{ tenantId, kind: AUTO_COLLECT_KIND, payload: { tenantId, invoiceId, attempt: 1 }, dedupeKey: `collect:${invoiceId}:1` }]);
}

export async function scheduleRetry(db: DbOrTx, ctx: Pick<Ctx, 'tenantId'>, invoiceId: string, attempt: number) {
  if (attempt >= MAX_ATTEMPTS) return;
  // The queue runs on the wall clock (server/jobs/README.md), like leases; ctx.now is the domain's time.
  const runAt = new Date(Date.now() + RETRY_DAYS[attempt - 1] * DAY);
  await enqueue(db, [{ tenantId: ctx.tenantId, kind: AUTO_COLLECT_KIND, payload: { tenantId: ctx.tenantId, invoiceId, attempt: attempt + 1 }, dedupeKey: `collect:${invoiceId}:${attempt + 1}`, runAt }]);
}

/** A status query for a payment the provider has not answered about (a timeout or 5xx). */
export async function scheduleReconcile(db: DbOrTx, tenantId: string, paymentId: string, delayMs = 5 * 60_000) {
  await enqueue(db, [{ tenantId, kind: RECONCILE_KIND, payload: { tenantId, paymentId }, dedupeKey: `reconcile:${paymentId}`, runAt: new Date(Date.now() + delayMs) }]);
}
