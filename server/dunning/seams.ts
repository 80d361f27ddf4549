/**
 * The two places dunning hands work to collections: gateway retries and outbound webhooks.
 * Both run inside the step's transaction, after its row in dunning_actions was claimed, so
 * whatever they enqueue or record happens exactly once per step.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { collectionAttempts, type invoices } from '../db/schema';
import { enqueue } from '../jobs/queue';
import { AUTO_COLLECT_KIND } from '../payments/collection/schedule';
import { defaultMethod, type MethodRow } from '../payments/methods/payment-methods';
import { emitEvent } from '../webhooks/emit';

type InvoiceRow = Pick<typeof invoices.$inferSelect, 'id' | 'tenantId' | 'billTo' | 'number'>;

export interface RetryOutcome {
  /** enqueued: a gateway collection was queued; no_automatic_method: nothing can collect it automatically. */
  outcome: 'enqueued' | 'no_automatic_method';
  detail: string;
}

/**
 * Retry collecting `invoice` through its bill-to party's default method: when that method is
 * automatic, the next auto-collection attempt is queued (server/payments/collection: the attempt
 * number is one more than the invoice's last, so its provider idempotency key and job dedupe key
 * are new, and the same attempt is never queued twice).
 */
export async function retryPayment(tx: Tx, invoice: InvoiceRow, known?: MethodRow | null): Promise<RetryOutcome> {
  // `known`: the default method when the caller loaded a whole chunk's at once (steps-bulk.ts).
  const method = known !== undefined ? known : await defaultMethod(tx, invoice.tenantId, invoice.billTo);
  if (!method || !method.autoCollect || !method.token) {
    return { outcome: 'no_automatic_method', detail: `the payer has no automatic payment method; invoice ${invoice.number ?? invoice.id} was not charged` };
  }
  const [{ last }] = await tx.select({ last: sql<number>`coalesce(max(${collectionAttempts.attempt}), 0)::int` }).from(collectionAttempts)
    .where(and(eq(collectionAttempts.tenantId, invoice.tenantId), eq(collectionAttempts.invoiceId, invoice.id)));
  const attempt = Number(last) + 1;
  await enqueue(tx, [{ tenantId: invoice.tenantId, kind: AUTO_COLLECT_KIND, payload: { tenantId: invoice.tenantId, invoiceId: invoice.id, attempt }, dedupeKey: `collect:${invoice.id}:${attempt}` }]);
  return { outcome: 'enqueued', detail: `collection attempt ${attempt} queued on the ${method.type} method` };
}

export interface SuspensionEvent {
  type: 'customer.suspended' | 'customer.reinstated';
  customerIds: string[];
  invoiceId: string;
}

/** Announces a suspension or reinstatement to the tenant's webhook endpoints (server/webhooks), in the step's transaction. */
export async function emitSuspensionWebhook(tx: Tx, tenantId: string, event: SuspensionEvent): Promise<{ delivery: 'enqueued' | 'not_configured' }> {
  const id = await emitEvent(tx, tenantId, event.type, { customerIds: event.customerIds, invoiceId: event.invoiceId });
  return { delivery: id ? 'enqueued' : 'not_configured' };
}
