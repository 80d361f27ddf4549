import { and, desc, eq, type SQL } from 'drizzle-orm';
import { meteringErrors, usageEvents } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, notFound } from '../lib/errors';
import { paginate } from '../lib/paginate';
import { recordAudit } from '../audit/record';
import { tenantMeters } from './tenant-meters';
import { resolveCustomers } from './ingest';
import { checkEvent, reprocessSource, type MeterLite } from './validate';
import type { Aggregation, MeteringErrorQuery } from './schemas';

type ErrorRow = typeof meteringErrors.$inferSelect;

export function meteringErrorOut(e: ErrorRow) {
  return {
    id: e.id, eventId: e.eventId, customerRef: e.customerRef, meterCode: e.meterCode, reason: e.reason, message: e.message,
    payload: e.payload, rawPayload: e.rawPayload, status: e.status, occurrences: e.occurrences, firstReceivedAt: e.firstReceivedAt.toISOString(),
    lastReceivedAt: e.lastReceivedAt.toISOString(), resolvedAt: e.resolvedAt ? e.resolvedAt.toISOString() : null,
  };
}

export async function listMeteringErrors({ ctx, query }: { ctx: Ctx; query: MeteringErrorQuery }) {
  assertPermission(ctx, 'billing:read');
  const where: SQL[] = [eq(meteringErrors.tenantId, ctx.tenantId)];
  if (query.status) where.push(eq(meteringErrors.status, query.status));
  if (query.reason) where.push(eq(meteringErrors.reason, query.reason));
  if (query.meter) where.push(eq(meteringErrors.meterCode, query.meter));
  if (query.customer) where.push(eq(meteringErrors.customerRef, query.customer));
  return paginate({ db: q(ctx), from: meteringErrors, where: and(...where), orderBy: [desc(meteringErrors.lastReceivedAt), desc(meteringErrors.id)],
    page: query, map: (rows) => rows.map(meteringErrorOut) });
}

/**
 * Runs a stored bad event through the ingest checks again (after the missing customer or meter
 * was created, say). Accepted → the event is stored (or found already stored: duplicate) and
 * the error is closed; still bad → the error stays open with the new reason.
 */
export async function reprocessMeteringError({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(meteringErrors).where(and(eq(meteringErrors.id, id), eq(meteringErrors.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Metering error');
    if (before.status !== 'open') throw conflict(`The error is already ${before.status}`, [{ path: 'status', message: before.status }]);
    // The event as received (a NUL stays a NUL), not the storable copy whose "\u0000" text would pass.
    const source = reprocessSource(before);
    const raw = source as { customer?: unknown } | null;
    const ref = raw && typeof raw.customer === 'string' ? raw.customer.trim() : null;
    const customerMap = await resolveCustomers(tx, ctx.tenantId, ref ? [ref] : []);
    const meterMap = new Map<string, MeterLite>((await tenantMeters(tx, ctx.tenantId)).map((m) => [m.code, { ...m, aggregation: m.aggregation as Aggregation }]));
    const now = ctx.now();
    const check = checkEvent(source, { customer: (r) => customerMap.get(r), meter: (c) => meterMap.get(c) }, now);
    let result: 'accepted' | 'duplicate' | 'rejected';
    let after: ErrorRow;
    if (check.ok) {
      // received_at stays the reprocessing time: for billing the event arrived now, so a bill run
      // can tell it is late for an already invoiced period.
      const ins = await tx.insert(usageEvents).values({ tenantId: ctx.tenantId, ...check.row, receivedAt: now })
        .onConflictDoNothing({ target: [usageEvents.tenantId, usageEvents.eventId] }).returning({ eventId: usageEvents.eventId });
      result = ins.length ? 'accepted' : 'duplicate';
      [after] = await tx.update(meteringErrors).set({ status: 'reprocessed', resolvedAt: now })
        .where(and(eq(meteringErrors.id, id), eq(meteringErrors.tenantId, ctx.tenantId))).returning();
    } else {
      result = 'rejected';
      [after] = await tx.update(meteringErrors).set({ reason: check.reason, message: check.message, lastReceivedAt: now })
        .where(and(eq(meteringErrors.id, id), eq(meteringErrors.tenantId, ctx.tenantId))).returning();
    }
    await recordAudit(tx, tctx, { action: 'metering_error.reprocess', entityType: 'metering_error', entityId: id, before, after: { ...after, result } });
    return { result, error: meteringErrorOut(after) };
  });
}
