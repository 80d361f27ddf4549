/**
 * Webhook endpoints a tenant registers (URL, event types; the secret is generated and shown once),
 * their delivery log, and replaying a delivery. Permissions `webhooks:read` / `webhooks:write`.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound, type FieldIssue } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { enqueue } from '../jobs/queue';
import { EVENT_TYPES, WEBHOOK_DELIVER_JOB } from './emit';
import { newSecret } from './sign';
import { endpointUrlIssues } from './url-guard';

type Row = typeof webhookEndpoints.$inferSelect;
export const EVENT_PATTERNS = [...EVENT_TYPES, 'subscription.*'] as const;
export interface EndpointInput { url: string; description?: string | null; eventTypes: string[]; status?: 'active' | 'disabled' }

export function endpointOut(e: Row) {
  return { id: e.id, url: e.url, description: e.description, eventTypes: e.eventTypes, status: e.status, disabledReason: e.disabledReason,
    // The secret's start only, to tell endpoints apart; the whole secret is in the create answer.
    secretHint: `${e.secret.slice(0, 10)}…`, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
}

async function check(input: Partial<EndpointInput>): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  if (input.url !== undefined) issues.push(...(await endpointUrlIssues(input.url)));
  input.eventTypes?.forEach((t, i) => {
    if (!(EVENT_PATTERNS as readonly string[]).includes(t)) issues.push({ path: `eventTypes[${i}]`, message: `unknown event type "${t}"` });
  });
  return issues;
}

export async function listEndpoints({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'webhooks:read');
  const rows = await q(ctx).select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, ctx.tenantId)).orderBy(desc(webhookEndpoints.createdAt));
  return { data: rows.map(endpointOut) };
}

export async function createEndpoint({ ctx, input }: { ctx: Ctx; input: EndpointInput }) {
  assertPermission(ctx, 'webhooks:write');
  const issues = await check(input);
  if (issues.length) throw invalid(issues);
  return withTransaction(ctx, async (tx, tctx) => {
    const [row] = await tx.insert(webhookEndpoints).values({
      tenantId: ctx.tenantId, url: input.url, description: input.description ?? null, eventTypes: [...new Set(input.eventTypes)], secret: newSecret(),
      ownerUserId: ctx.actor.type === 'user' ? ctx.actor.id : null, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'webhook_endpoint.create', entityType: 'webhook_endpoint', entityId: row.id, after: endpointOut(row) });
    return { ...endpointOut(row), secret: row.secret };
  });
}

export async function updateEndpoint({ ctx, id, input }: { ctx: Ctx; id: string; input: Partial<EndpointInput> }) {
  assertPermission(ctx, 'webhooks:write');
  const issues = await check(input);
  if (issues.length) throw invalid(issues);
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, ctx.tenantId), eq(webhookEndpoints.id, id))).for('update');
    if (!before) throw notFound('Webhook endpoint');
    const [after] = await tx.update(webhookEndpoints).set({
      ...(input.url !== undefined ? { url: input.url } : {}), ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
      ...(input.status ? { status: input.status, disabledReason: input.status === 'disabled' ? `disabled by ${ctx.actor.name}` : null } : {}), updatedAt: ctx.now(),
    }).where(eq(webhookEndpoints.id, id)).returning();
    await recordAudit(tx, tctx, { action: 'webhook_endpoint.update', entityType: 'webhook_endpoint', entityId: id, before: endpointOut(before), after: endpointOut(after) });
    return endpointOut(after);
  });
}

export async function listDeliveries({ ctx, id, page }: { ctx: Ctx; id: string; page: { limit: number; offset: number } }) {
  assertPermission(ctx, 'webhooks:read');
  const [ep] = await q(ctx).select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, ctx.tenantId), eq(webhookEndpoints.id, id)));
  if (!ep) throw notFound('Webhook endpoint');
  const rows = await q(ctx).select({ d: webhookDeliveries, type: webhookEvents.type }).from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.endpointId, id)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(page.limit).offset(page.offset);
  return { data: rows.map(({ d, type }) => ({ id: d.id, eventId: d.eventId, eventType: type, attempt: d.attempt, statusCode: d.statusCode, durationMs: d.durationMs, error: d.error, createdAt: d.createdAt.toISOString() })) };
}

/** Sends a delivery's event to its endpoint again (one attempt, logged like the others). */
export async function replayDelivery({ ctx, id, deliveryId }: { ctx: Ctx; id: string; deliveryId: string }) {
  assertPermission(ctx, 'webhooks:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [d] = await tx.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.id, deliveryId)));
    if (!d) throw notFound('Webhook delivery');
    await enqueue(tx, [{ tenantId: ctx.tenantId, kind: WEBHOOK_DELIVER_JOB, payload: { eventId: d.eventId, endpointId: id, replay: true }, dedupeKey: `webhook:${d.eventId}:${id}:replay:${randomUUID()}`, maxAttempts: 1 }]);
    await recordAudit(tx, tctx, { action: 'webhook_endpoint.replay', entityType: 'webhook_endpoint', entityId: id, after: { deliveryId, eventId: d.eventId } });
    return { eventId: d.eventId, queued: true };
  });
}
