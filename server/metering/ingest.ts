import { publishChange } from '../analytics/live';
import { sql, type SQL } from 'drizzle-orm';
import { meteringErrors } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { unstorableText } from '../lib/input-guard';
import { recordAudit } from '../audit/record';
import type { DbOrTx } from '../db/client';
import { ingestLookups } from './cache';
import { checkEvent, rawPayloadText, storablePayload, type Checked } from './validate';
import { MAX_BATCH } from './schemas';

export { resolveCustomers } from './cache';

export type EventStatus = 'accepted' | 'duplicate' | 'rejected';
export interface EventResult { index: number; id: string | null; status: EventStatus; reason?: string; message?: string; errorId?: string }

/**
 * The events of a request body: one event, or {events: [...]} (at most MAX_BATCH). A body that is
 * no JSON object (null, a string, a number) is no event at all: a 422, nothing to keep.
 */
export function eventsOf(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object') throw invalid([{ path: '$', message: 'must be a JSON object' }]);
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

type Accepted = { index: number; row: Extract<Checked, { ok: true }>['row']; json: string };

type Internals = {
  session?: { prepareQuery(q: unknown, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } };
  dialect?: { sqlToQuery(s: SQL): unknown };
};

/**
 * `db.execute` as a named (server-side prepared) statement: drizzle's `execute` never prepares,
 * so PostgreSQL would parse and plan the insert again for every batch (~15% of its CPU per
 * batch here). This is what `execute` does inside, with a name; falls back to `execute` if
 * drizzle's internals ever change shape.
 */
async function executePrepared(db: DbOrTx, query: SQL): Promise<unknown> {
  const { session, dialect } = db as unknown as Internals;
  if (!session?.prepareQuery || !dialect?.sqlToQuery) return db.execute(query);
  return session.prepareQuery(dialect.sqlToQuery(query), undefined, 'metering_ingest', false).execute();
}

/** An element of a PostgreSQL array literal: quoted, with `"` and `\` escaped. */
const arrayText = (s: string) => (/["\\]/.test(s) ? `"${s.replace(/[\\"]/g, '\\$&')}"` : `"${s}"`);

/**
 * Stores accepted events with ONE statement. The rows travel as 6 parameters whatever the batch
 * size (so the statement text and its plan never change, and there are no 8,000-parameter
 * VALUES lists): 5 array literals built here — uuids, ISO timestamps and decimals need no
 * quoting, event ids are quoted — and the properties as one JSON array (the strings serialized
 * for the size check, joined: nothing is escaped twice). ROWS FROM zips them back into rows.
 * ON CONFLICT DO NOTHING skips ids already stored, and a data-modifying CTE closes open metering
 * errors whose id has now arrived valid. One statement is atomic on its own: no transaction
 * round trips. Returns how many rows went in and the ids that were already stored (duplicates).
 */
async function insertEvents(db: DbOrTx, tenantId: string, accepted: Accepted[], now: Date): Promise<{ inserted: number; duplicates: Set<string> }> {
  const n = accepted.length;
  const ids = new Array<string>(n), cust = new Array<string>(n), meter = new Array<string>(n), ts = new Array<string>(n);
  const val = new Array<string>(n), props = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const { row, json } = accepted[i];
    ids[i] = arrayText(row.eventId); cust[i] = row.customerId; meter[i] = row.meterId; ts[i] = row.timestamp.toISOString();
    val[i] = row.value ?? 'NULL'; props[i] = json;
  }
  const list = (xs: string[]) => `{${xs.join(',')}}`;
  const idList = list(ids);
  const at = now.toISOString();
  // Text parameters cast in SQL, so both drivers (postgres.js, PGlite) send them as they are.
  const res = await executePrepared(db, sql`
    with ins as (
      insert into usage_events (tenant_id, event_id, customer_id, meter_id, "timestamp", value, properties, received_at)
      select ${tenantId}::uuid, u.e, u.c, u.m, u.t, u.v, u.p, ${at}::timestamptz
      from rows from (
        unnest(${idList}::text::text[], ${list(cust)}::text::uuid[], ${list(meter)}::text::uuid[],
               ${list(ts)}::text::timestamptz[], ${list(val)}::text::numeric[]),
        jsonb_array_elements(${`[${props.join(',')}]`}::text::jsonb)
      ) as u(e, c, m, t, v, p)
      on conflict (tenant_id, event_id) do nothing
      returning event_id
    ), closed as (
      update metering_errors me set status = 'resolved', resolved_at = ${at}::timestamptz
      from ins where me.tenant_id = ${tenantId}::uuid and me.status = 'open' and me.event_id = ins.event_id
        -- a one-time filter: with no open errors (the usual case) the join is never run
        and exists (select 1 from metering_errors o where o.tenant_id = ${tenantId}::uuid and o.status = 'open')
    ), n as (select count(*)::int as n from ins)
    select n.n,
           -- only when something was not inserted (a sub-select in CASE runs only when reached)
           case when n.n < ${n}::int then (select array_agg(x.e) from unnest(${idList}::text::text[]) as x(e)
                                            where not exists (select 1 from ins where ins.event_id = x.e)) end as dup
    from n`);
  // One row back (not one per event): how many went in, and the ids that were already stored.
  const [row] = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { n: number; dup: string[] | null }[];
  return { inserted: row.n, duplicates: new Set(row.dup ?? []) };
}

/**
 * Ingests a batch: validates in memory against the tenant's meters and customers (cached per
 * tenant for a few seconds, see cache.ts), and writes the accepted events with one statement
 * (the client's event id is the key, so a retry is a duplicate and is never counted twice).
 * Events that cannot be accepted go to metering_errors with their reason and raw payload, in
 * the same transaction as the accepted ones, with one audit row for the batch.
 */
export async function ingestEvents({ ctx, events }: { ctx: Ctx; events: unknown[] }) {
  assertPermission(ctx, 'billing:write');
  const now = ctx.now();
  const refs = new Set<string>();
  const codes = new Set<string>();
  for (const e of events) {
    if (!e || typeof e !== 'object') continue;
    const { customer, meter } = e as { customer?: unknown; meter?: unknown };
    // A ref PostgreSQL cannot hold (a NUL) would fail the lookup query; checkEvent refuses the event.
    if (typeof customer === 'string' && !unstorableText(customer)) refs.add(customer.trim());
    if (typeof meter === 'string' && !unstorableText(meter)) codes.add(meter.trim());
  }
  const found = await ingestLookups(q(ctx), ctx.tenantId, refs, codes, !ctx.tx);
  const lookup = { customer: (r: string) => found.customers.get(r), meter: (c: string) => found.meters.get(c) };

  const results: EventResult[] = new Array(events.length);
  const seen = new Set<string>();
  const accepted: Accepted[] = [];
  const rejected: { index: number; raw: unknown; check: Extract<Checked, { ok: false }> }[] = [];
  let duplicates = 0;
  for (let index = 0; index < events.length; index++) {
    const raw = events[index];
    const check = checkEvent(raw, lookup, now);
    const id = check.ok ? check.row.eventId : check.eventId;
    // The same id twice in one batch: the first one counts, later ones are duplicates.
    if (id !== null && seen.has(id)) { results[index] = { index, id, status: 'duplicate' }; duplicates++; continue; }
    if (id !== null) seen.add(id);
    if (check.ok) accepted.push({ index, row: check.row, json: check.json });
    else rejected.push({ index, raw, check });
  }

  const store = async (db: DbOrTx) => {
    if (!accepted.length) return 0;
    const stored = await insertEvents(db, ctx.tenantId, accepted, now);
    for (const { index, row } of accepted) {
      const dup = stored.duplicates.has(row.eventId);
      if (dup) duplicates++;
      results[index] = { index, id: row.eventId, status: dup ? 'duplicate' : 'accepted' };
    }
    return stored.inserted;
  };

  let acceptedCount: number;
  if (!rejected.length) {
    // The common case: one statement, no transaction, no audit row. Usage events are data, not
    // configuration: each row is its own record (received_at, the client's id), so an audit
    // row per request would only double the writes of clients that send one event at a time.
    acceptedCount = await store(q(ctx));
  } else {
    acceptedCount = await withTransaction(ctx, async (tx, tctx) => {
      const n = await store(tx);
      const rows = await tx.insert(meteringErrors).values(rejected.map(({ raw, check }) => ({
        tenantId: ctx.tenantId, eventId: check.eventId, customerRef: check.customerRef, meterCode: check.meterCode,
        // A null event is kept as JSON null: drizzle would send a bare null as SQL NULL.
        reason: check.reason, message: check.message, payload: raw === null || raw === undefined ? sql`'null'::jsonb` : storablePayload(raw) as object,
        rawPayload: rawPayloadText(raw), status: 'open',
        firstReceivedAt: now, lastReceivedAt: now,
      }))).onConflictDoUpdate({
        // A retried bad event updates its row (and counts the retry) instead of piling up rows.
        target: [meteringErrors.tenantId, meteringErrors.eventId],
        set: {
          reason: sql`excluded.reason`, message: sql`excluded.message`, payload: sql`excluded.payload`, rawPayload: sql`excluded.raw_payload`,
          customerRef: sql`excluded.customer_ref`, meterCode: sql`excluded.meter_code`, status: 'open', resolvedAt: null,
          occurrences: sql`${meteringErrors.occurrences} + 1`, lastReceivedAt: sql`excluded.last_received_at`,
        },
      }).returning({ id: meteringErrors.id });
      rejected.forEach(({ index, check }, i) => {
        results[index] = { index, id: check.eventId, status: 'rejected', reason: check.reason, message: check.message, errorId: rows[i]?.id };
      });
      // A batch with rejections leaves one audit row (who sent what was refused, and how much was accepted with it).
      await recordAudit(tx, tctx, {
        action: 'usage.ingest', entityType: 'usage_events', entityId: null,
        after: { accepted: n, duplicates, rejected: rejected.length },
      });
      return n;
    });
  }
  if (acceptedCount) await publishChange(q(ctx), ctx.tenantId, 'usage'); // the dashboard's "today" counters
  return { accepted: acceptedCount, duplicates, rejected: rejected.length, results };
}
