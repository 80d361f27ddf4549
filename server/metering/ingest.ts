import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { customers, meteringErrors, usageEvents } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { recordAudit } from '../audit/record';
import type { DbOrTx } from '../db/client';
import { tenantMeters } from './meters';
import { checkEvent, type Checked, type MeterLite } from './validate';
import { MAX_BATCH, type Aggregation } from './schemas';

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';
export interface EventResult { index: number; id: string | null; status: EventStatus; reason?: string; message?: string; errorId?: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Customer refs (external id, or id) → customer id, in one query for the whole batch. */
export async function resolveCustomers(db: DbOrTx, tenantId: string, refs: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(refs)];
  if (!unique.length) return out;
  const uuids = unique.filter((r) => UUID.test(r)).map((r) => r.toLowerCase());
  const rows = await db.select({ id: customers.id, externalId: customers.externalId }).from(customers).where(and(
    eq(customers.tenantId, tenantId),
    uuids.length ? or(inArray(customers.externalId, unique), inArray(customers.id, uuids)) : inArray(customers.externalId, unique),
  ));
  const byId = new Map(rows.map((r) => [r.id, r.id]));
  for (const r of rows) out.set(r.externalId, r.id);
  // An external id wins over an id with the same spelling (external ids are what clients send).
  for (const ref of unique) if (!out.has(ref) && byId.has(ref.toLowerCase())) out.set(ref, ref.toLowerCase());
  return out;
}

/** The events of a request body: one event, or {events: [...]} (at most MAX_BATCH). */
export function eventsOf(body: unknown): unknown[] {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'events' in body) {
    const ev = (body as { events: unknown }).events;
    if (!Array.isArray(ev)) throw invalid([{ path: 'events', message: 'must be an array of events' }]);
    if (ev.length === 0) throw invalid([{ path: 'events', message: 'must hold at least one event' }]);
    if (ev.length > MAX_BATCH) throw invalid([{ path: 'events', message: `holds ${ev.length} events; send at most ${MAX_BATCH} per request` }]);
    return ev;
  }
  if (Array.isArray(body)) throw invalid([{ path: '$', message: 'send {"events": [...]} for a batch' }]);
  return [body];
}

/**
 * Ingests a batch: validates in memory, resolves customers and meters with one query each, and
 * writes with one multi-row INSERT ... ON CONFLICT DO NOTHING (the client's event id is the
 * key, so a retry is a duplicate and is never counted twice). Events that cannot be accepted
 * go to metering_errors with their reason and raw payload, in the same transaction.
 */
export async function ingestEvents({ ctx, events }: { ctx: Ctx; events: unknown[] }) {
  assertPermission(ctx, 'billing:write');
  const now = ctx.now();
  const db = q(ctx);
  const refs = events.flatMap((e) => (e && typeof e === 'object' && typeof (e as { customer?: unknown }).customer === 'string' ? [((e as { customer: string }).customer).trim()] : []));
  const [customerMap, meterRows] = await Promise.all([resolveCustomers(db, ctx.tenantId, refs), tenantMeters(db, ctx.tenantId)]);
  const meterMap = new Map<string, MeterLite>(meterRows.map((m) => [m.code, { ...m, aggregation: m.aggregation as Aggregation }]));
  const lookup = { customer: (r: string) => customerMap.get(r), meter: (c: string) => meterMap.get(c) };

  const results: EventResult[] = [];
  const seen = new Set<string>();
  const accepted: { index: number; row: Extract<Checked, { ok: true }>['row'] }[] = [];
  const rejected: { index: number; raw: unknown; check: Extract<Checked, { ok: false }> }[] = [];
  events.forEach((raw, index) => {
    const check = checkEvent(raw, lookup, now);
    const id = check.ok ? check.row.eventId : check.eventId;
    // The same id twice in one batch: the first one counts, later ones are duplicates.
    if (id !== null && seen.has(id)) { results[index] = { index, id, status: 'duplicate' }; return; }
    if (id !== null) seen.add(id);
    if (check.ok) accepted.push({ index, row: check.row });
    else rejected.push({ index, raw, check });
  });

  await withTransaction(ctx, async (tx, tctx) => {
    const inserted = new Set<string>();
    if (accepted.length) {
      const rows = await tx.insert(usageEvents)
        .values(accepted.map(({ row }) => ({ tenantId: ctx.tenantId, ...row, receivedAt: now })))
        .onConflictDoNothing({ target: [usageEvents.tenantId, usageEvents.eventId] })
        .returning({ eventId: usageEvents.eventId });
      for (const r of rows) inserted.add(r.eventId);
      // A previously rejected event that now arrives valid is no longer an open error.
      if (rows.length) {
        await tx.update(meteringErrors).set({ status: 'resolved', resolvedAt: now }).where(and(
          eq(meteringErrors.tenantId, ctx.tenantId), eq(meteringErrors.status, 'open'), inArray(meteringErrors.eventId, [...inserted]),
        ));
      }
    }
    for (const { index, row } of accepted) {
      results[index] = { index, id: row.eventId, status: inserted.has(row.eventId) ? 'accepted' : 'duplicate' };
    }
    if (rejected.length) {
      const rows = await tx.insert(meteringErrors).values(rejected.map(({ raw, check }) => ({
        tenantId: ctx.tenantId, eventId: check.eventId, customerRef: check.customerRef, meterCode: check.meterCode,
        reason: check.reason, message: check.message, payload: (raw === undefined ? null : raw) as object, status: 'open',
        firstReceivedAt: now, lastReceivedAt: now,
      }))).onConflictDoUpdate({
        // A retried bad event updates its row (and counts the retry) instead of piling up rows.
        target: [meteringErrors.tenantId, meteringErrors.eventId],
        set: {
          reason: sql`excluded.reason`, message: sql`excluded.message`, payload: sql`excluded.payload`,
          customerRef: sql`excluded.customer_ref`, meterCode: sql`excluded.meter_code`, status: 'open', resolvedAt: null,
          occurrences: sql`${meteringErrors.occurrences} + 1`, lastReceivedAt: sql`excluded.last_received_at`,
        },
      }).returning({ id: meteringErrors.id });
      rejected.forEach(({ index, check }, i) => {
        results[index] = { index, id: check.eventId, status: 'rejected', reason: check.reason, message: check.message, errorId: rows[i]?.id };
      });
    }
    const count = (s: EventStatus) => results.filter((r) => r.status === s).length;
    // One audit row per request (not per event): the events themselves are the record.
    await recordAudit(tx, tctx, {
      action: 'usage.ingest', entityType: 'usage_events', entityId: null,
      after: { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected') },
    });
  });
  return {
    accepted: results.filter((r) => r.status === 'accepted').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    results,
  };
}
