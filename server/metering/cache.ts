import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { customers } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { tenantMeters } from './tenant-meters';
import type { MeterLite } from './validate';
import type { Aggregation } from './schemas';

/**
 * Per-tenant lookups for the ingest path (one process): the tenant's meters and the customer
 * refs it has seen. Entries live TTL_MS at most; meter writes in this process drop the tenant's
 * entry at once (`invalidateMetering`). A miss always goes to the database (a customer or meter
 * created a moment ago, in any process, is found), so the TTL only bounds how long a change to an
 * existing row can go unseen: a meter made inactive, or a customer's external id given to
 * another customer — both rare, and a rejected event is kept as a metering error, never lost.
 * Only reads made outside a transaction are cached (a rolled-back row never enters the cache).
 */
export const TTL_MS = 5_000;
const MAX_REFS_PER_TENANT = 200_000;
const MAX_TENANTS = 1_000;

interface Entry { at: number; meters: Map<string, MeterLite> | null; refs: Map<string, string> }
const cache = new Map<string, Entry>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function invalidateMetering(tenantId?: string): void {
  if (tenantId === undefined) cache.clear();
  else cache.delete(tenantId);
}

function entryOf(tenantId: string, now: number): Entry {
  let e = cache.get(tenantId);
  if (!e || now - e.at > TTL_MS || e.refs.size > MAX_REFS_PER_TENANT) {
    if (!e && cache.size >= MAX_TENANTS) cache.delete(cache.keys().next().value!);
    e = { at: now, meters: null, refs: new Map() };
    cache.delete(tenantId);
    cache.set(tenantId, e);
  }
  return e;
}

const meterMapOf = (rows: Awaited<ReturnType<typeof tenantMeters>>) =>
  new Map<string, MeterLite>(rows.map((m) => [m.code, { id: m.id, code: m.code, aggregation: m.aggregation as Aggregation, field: m.field, status: m.status }]));

/** Customer refs (external id, or id) → customer id, in one query for the whole batch. */
export async function resolveCustomers(db: DbOrTx, tenantId: string, refs: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(refs)];
  if (!unique.length) return out;
  const uuids = unique.filter((r) => UUID.test(r)).map((r) => r.toLowerCase());
  const byExternal = sql`${customers.externalId} = any(${sql.param(unique)}::text[])`;
  const rows = await db.select({ id: customers.id, externalId: customers.externalId }).from(customers).where(and(
    eq(customers.tenantId, tenantId),
    uuids.length ? or(byExternal, inArray(customers.id, uuids)) : byExternal,
  ));
  const byId = new Set(rows.map((r) => r.id));
  for (const r of rows) out.set(r.externalId, r.id);
  // An external id wins over an id with the same spelling (external ids are what clients send).
  for (const ref of unique) if (!out.has(ref) && byId.has(ref.toLowerCase())) out.set(ref, ref.toLowerCase());
  return out;
}

/**
 * The lookups of one batch: the tenant's meters, and the customer ids of `refs` (refs that are no
 * customer are absent). `cacheable`: false inside a transaction (reads there are not cached).
 */
export async function ingestLookups(db: DbOrTx, tenantId: string, refs: Set<string>, meterCodes: Set<string>, cacheable: boolean) {
  const now = Date.now();
  const e = cacheable ? entryOf(tenantId, now) : { at: now, meters: null, refs: new Map<string, string>() };
  const missing: string[] = [];
  const customersOut = new Map<string, string>();
  for (const r of refs) {
    const id = e.refs.get(r);
    if (id) customersOut.set(r, id);
    else missing.push(r);
  }
  // A code the cached list does not know may be a meter created since: reload the list once.
  const stale = !e.meters || [...meterCodes].some((c) => !e.meters!.has(c));
  const [found, meterRows] = await Promise.all([
    missing.length ? resolveCustomers(db, tenantId, missing) : null,
    stale ? tenantMeters(db, tenantId) : null,
  ]);
  if (meterRows) e.meters = meterMapOf(meterRows);
  if (found) for (const [r, id] of found) { customersOut.set(r, id); e.refs.set(r, id); }
  return { customers: customersOut, meters: e.meters! };
}
