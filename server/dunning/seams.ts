/**
 * The two places dunning hands work to slices built in parallel (server/dunning/README.md, "Seams").
 * Both run inside the step's transaction, after its row in dunning_actions was claimed, so
 * whatever they enqueue or record happens exactly once per step.
 */
import type { Tx } from '../db/client';
import type { invoices } from '../db/schema';

type InvoiceRow = typeof invoices.$inferSelect;

export interface RetryOutcome {
  /** enqueued: a gateway collection was queued; no_automatic_method: nothing can collect it automatically. */
  outcome: 'enqueued' | 'no_automatic_method';
  detail: string;
}

/**
 * SEAM (collections / gateways): retry collecting `invoice` through the payer's default method.
 * Main has no gateway yet, so the attempt is recorded as "no automatic method". The gateway slice
 * replaces the body with: enqueue its collection job (dedupe key per invoice and attempt) in `tx`.
 */
export async function retryPayment(_tx: Tx, invoice: InvoiceRow): Promise<RetryOutcome> {
  return { outcome: 'no_automatic_method', detail: `no payment gateway is connected; invoice ${invoice.number ?? invoice.id} was not charged` };
}

export interface SuspensionEvent {
  type: 'customer.suspended' | 'customer.reinstated';
  customerIds: string[];
  invoiceId: string;
}

/**
 * SEAM (outbound webhooks): announce a suspension or reinstatement. Until the webhook slice
 * lands there is no endpoint registry, so this returns `not_configured` and the step records it;
 * that slice replaces the body with: enqueue one delivery per subscribed endpoint in `tx`.
 */
export async function emitSuspensionWebhook(_tx: Tx, _event: SuspensionEvent): Promise<{ delivery: 'enqueued' | 'not_configured' }> {
  return { delivery: 'not_configured' };
}
