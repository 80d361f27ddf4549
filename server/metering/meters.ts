import { and, eq } from 'drizzle-orm';
import { meters, usageEvents } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import type { Aggregation, MeterCreate, MeterPatch } from './schemas';
import { invalidateMetering } from './cache';
import { tenantMeters, type MeterRow } from './tenant-meters';


export function meterOut(m: MeterRow) {
  return {
    id: m.id, code: m.code, name: m.name, description: m.description, aggregation: m.aggregation as Aggregation, field: m.field,
    filters: m.filters ?? {}, unit: m.unit, status: m.status, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString(),
  };
}

export async function listMeters({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'billing:read');
  return (await tenantMeters(q(ctx), ctx.tenantId)).map(meterOut);
}

export async function getMeter({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:read');
  const [m] = await q(ctx).select().from(meters).where(and(eq(meters.id, id), eq(meters.tenantId, ctx.tenantId)));
  if (!m) throw notFound('Meter');
  return meterOut(m);
}

export async function createMeter({ ctx, input }: { ctx: Ctx; input: MeterCreate }) {
  assertPermission(ctx, 'billing:write');
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const [dup] = await tx.select({ id: meters.id }).from(meters).where(and(eq(meters.tenantId, ctx.tenantId), eq(meters.code, input.code)));
    if (dup) throw conflict('A meter with this code already exists', [{ path: 'code', message: 'already in use' }]);
    const [m] = await tx.insert(meters).values({
      tenantId: ctx.tenantId, code: input.code, name: input.name, description: input.description ?? null, aggregation: input.aggregation,
      field: input.field ?? null, filters: input.filters ?? {}, unit: input.unit ?? null, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'meter.create', entityType: 'meter', entityId: m.id, after: m });
    return m.id;
  });
  invalidateMetering(ctx.tenantId);
  return getMeter({ ctx, id });
}

export async function updateMeter({ ctx, id, input }: { ctx: Ctx; id: string; input: MeterPatch }) {
  assertPermission(ctx, 'billing:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(meters).where(and(eq(meters.id, id), eq(meters.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Meter');
    const aggregation = input.aggregation ?? before.aggregation;
    const field = input.field !== undefined ? input.field : before.field;
    if (aggregation !== 'count' && !field) throw invalid([{ path: 'field', message: `is required for ${aggregation}` }]);
    if (aggregation === 'count' && field) throw invalid([{ path: 'field', message: 'count counts events; it has no field' }]);
    if (aggregation !== before.aggregation || field !== before.field) {
      // Stored events carry the value parsed for the old definition; changing it would silently
      // re-price usage that may already be billed. A new meter is the honest way.
      const [used] = await tx.select({ one: usageEvents.eventId }).from(usageEvents)
        .where(and(eq(usageEvents.tenantId, ctx.tenantId), eq(usageEvents.meterId, id))).limit(1);
      if (used) throw conflict('The meter has events; its aggregation and field can no longer change (create a new meter)', [{ path: input.aggregation ? 'aggregation' : 'field', message: 'the meter has events' }]);
    }
    const patch: Partial<typeof meters.$inferInsert> = { updatedAt: ctx.now(), aggregation, field };
    for (const k of ['name', 'description', 'filters', 'unit', 'status'] as const) {
      if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k];
    }
    const [after] = await tx.update(meters).set(patch).where(and(eq(meters.id, id), eq(meters.tenantId, ctx.tenantId))).returning();
    await recordAudit(tx, tctx, { action: 'meter.update', entityType: 'meter', entityId: id, before, after });
  });
  // Ingest caches the tenant's meters (cache.ts): a status or definition change applies at once.
  invalidateMetering(ctx.tenantId);
  return getMeter({ ctx, id });
}
