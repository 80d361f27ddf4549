/**
 * emitEvent(tx, tenantId, type, data): THE way anything in Billwise announces a change to the
 * tenant's webhook endpoints. It writes the event (the outbox) and one delivery job per subscribed
 * active endpoint in the caller's transaction: a rolled-back change sends nothing, a committed one
 * is delivered by the job queue however the process dies afterwards.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { webhookEndpoints, webhookEvents } from '../db/schema';
import { enqueue } from '../jobs/queue';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';
/** With back-off from 1 minute doubling to at most 6 hours: the last attempt is about a day after the first. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
export const WEBHOOK_BACKOFF = { baseMs: 60_000, capMs: 6 * 3_600_000 };

export const EVENT_TYPES = [
  'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided',
  'payment.succeeded', 'payment.failed', 'payment.refunded',
  'wallet.low_balance',
  'subscription.created', 'subscription.updated', 'subscription.canceled', 'subscription.renewed',
  'customer.suspended', 'customer.reinstated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Does an endpoint subscribed to `patterns` get `type`? (`subscription.*` = every subscription event). */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Whether any active endpoint of the tenant receives `type` (bulk writers check once, then emit per row). */
export async function hasSubscribers(tx: DbOrTx, tenantId: string, type: EventType): Promise<boolean> {
  const rows = await tx.select({ eventTypes: webhookEndpoints.eventTypes }).from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.status, 'active')));
  return rows.some((r) => subscribes(r.eventTypes, type));
}

export async function emitEvent(tx: DbOrTx, tenantId: string, type: EventType, data: unknown): Promise<string | null> {
  const endpoints = (await tx.select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes }).from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.status, 'active')))).filter((e) => subscribes(e.eventTypes, type));
  // Nobody listens: nothing to store (the audit log already records the change itself).
  if (!endpoints.length) return null;
  const [ev] = await tx.insert(webhookEvents).values({ tenantId, type, data: JSON.parse(JSON.stringify(data)) }).returning({ id: webhookEvents.id });
  await enqueue(tx, endpoints.map((e) => ({ tenantId, kind: WEBHOOK_DELIVER_JOB, payload: { eventId: ev.id, endpointId: e.id }, dedupeKey: `webhook:${ev.id}:${e.id}`, maxAttempts: WEBHOOK_MAX_ATTEMPTS })));
  return ev.id;
}
