/**
 * The import's writes (import-job.ts decides what to write; this file only writes it), each chunk
 * as ONE JSON parameter: building a 10,000-parameter statement with the query builder took as long
 * as the database took to write the rows (the bill run's bulkInsert does the same for the same
 * reason). The statement shape hardly matters to the database: json_populate_recordset,
 * json_to_recordset, jsonb_to_recordset and COPY (direct or into a staging table) all cost within
 * ±15 % of each other per row on both PGlite and PostgreSQL (README.md, "Where the time goes");
 * what a chunk costs beyond its rows is round trips and JavaScript, so a planned chunk is written
 * by one statement that also checks its rows and moves the progress counters.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import { customers } from '../db/schema';
import type { Tx } from '../db/client';
import { rowsOf } from '../db/bulk';

const TABLE = getTableColumns(customers);
type Key = keyof typeof TABLE;
/** Every column the import writes (the id is the database's for a new customer). */
const KEYS = (Object.keys(TABLE) as Key[]).filter((k) => k !== 'id');
const name = (k: Key) => TABLE[k].name;
/** On a known customer: everything the file describes; id, tenant and createdAt stay (contacts are another table). */
const UPDATED = KEYS.filter((k) => k !== 'tenantId' && k !== 'externalId' && k !== 'createdAt');
const COLS = sql.raw(KEYS.map((k) => `"${name(k)}"`).join(', '));
/** The record type of json_to_recordset, from the table's own column types (one definition). */
const RECORD = sql.raw(KEYS.map((k) => `"${name(k)}" ${TABLE[k].getSQLType()}`).join(', '));

type Values = typeof customers.$inferInsert;

/** A chunk's rows as JSON with the columns' SQL names; `extra` adds per-row fields (the check). */
function rowsJson(values: Values[], extra?: (i: number) => Record<string, unknown>): string {
  return JSON.stringify(values.map((v, i) => {
    const o: Record<string, unknown> = extra ? extra(i) : {};
    for (const k of KEYS) {
      const x = v[k];
      o[name(k)] = x instanceof Date ? x.toISOString() : x ?? null;
    }
    return o;
  }));
}


/**
 * INSERT ... ON CONFLICT (tenant, externalId) DO UPDATE: rows planned against the customers as
 * they are inside this transaction (re-planned or resumed rows). `xmax = 0` tells a new row from
 * an updated one.
 */
export async function upsertCustomers(tx: Tx, values: Values[]): Promise<{ created: number; updated: number }> {
  const res = rowsOf<{ inserted: boolean }>(await tx.execute(sql`insert into customers (${COLS})
    select ${COLS} from json_to_recordset(${rowsJson(values)}::text::json) as r(${RECORD})
    on conflict (tenant_id, external_id) do update set ${sql.raw(UPDATED.map((k) => `"${name(k)}" = excluded."${name(k)}"`).join(', '))}
    returning (xmax = 0) as inserted`));
  const created = res.filter((r) => r.inserted).length;
  return { created, updated: res.length - created };
}

/** What validation saw of a row's customer: absent (a new customer) or this id as of this updatedAt. */
export interface Expected { id: string; updatedAt: Date }

/**
 * Writes rows planned during validation, in one statement, only where the customer is still as
 * validation saw it: a new row is inserted unless its external id exists by now (DO NOTHING); a
 * known one is updated by id only while its updatedAt is unchanged (compared to the millisecond,
 * which is what validation read). `counters` is the import's progress move for the chunk, guarded
 * by `processed = from` in the same statement, so a chunk that another attempt already counted
 * moves nothing (`moved` false) and its caller rolls back. Returns the indexes of the rows that
 * were NOT written (changed since validation: their caller plans them again).
 */
export async function writePlanned(tx: Tx, tenantId: string, values: Values[], expected: Array<Expected | null>,
  counters: { importId: string; from: number; to: number }): Promise<{ moved: boolean; created: number; updated: number; skipped: number[] }> {
  const json = rowsJson(values, (i) => ({ _i: i, _id: expected[i]?.id ?? null, _at: expected[i]?.updatedAt.toISOString() ?? null }));
  const set = sql.raw(UPDATED.map((k) => `"${name(k)}" = s."${name(k)}"`).join(', '));
  const [r] = rowsOf<{ moved: number | string; created: number | string; updated: number | string; written: number[] | null }>(await tx.execute(sql`
    with src as (select * from json_to_recordset(${json}::text::json) as r(_i int, _id uuid, _at timestamptz, ${RECORD})),
    ins as (insert into customers (${COLS}) select ${COLS} from src where _id is null
      on conflict (tenant_id, external_id) do nothing returning external_id),
    upd as (update customers c set ${set} from src s
      where c.tenant_id = ${tenantId} and c.id = s._id and date_trunc('milliseconds', c.updated_at) = s._at returning s._i),
    prog as (update customer_imports set processed = ${counters.to},
        created = created + (select count(*) from ins), updated = updated + (select count(*) from upd)
      where id = ${counters.importId} and tenant_id = ${tenantId} and processed = ${counters.from} returning 1)
    select (select count(*) from prog) as moved, (select count(*) from ins) as created, (select count(*) from upd) as updated,
      (select json_agg(_i) from (select s._i from src s join ins on ins.external_id = s.external_id union all select _i from upd) w) as written`));
  const written = new Set(r.written ?? []);
  const skipped = values.map((_, i) => i).filter((i) => !written.has(i));
  return { moved: Number(r.moved) > 0, created: Number(r.created), updated: Number(r.updated), skipped };
}
