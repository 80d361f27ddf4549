/**
 * Many rows in one statement with one parameter per column: `INSERT … SELECT … FROM unnest($1::text[],
 * $2::text[], …)`, each value cast to its column's type. Building a statement of thousands of
 * parameters with the query builder costs more CPU (ours and the server's) than the work it stores,
 * and reading the rows from one JSON document (`json_populate_recordset`, which this replaced) cost
 * PostgreSQL about twice what the arrays do. Works on PostgreSQL and PGlite alike.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from './client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `column = any('{…}'::uuid[])`: a list of ids as ONE parameter, so the statement is the same
 * prepared statement whatever the list's length (an `IN` of 500 parameters is parsed and planned
 * for every length it comes with).
 */
export function anyUuid(column: SQLWrapper, ids: readonly string[]): SQL {
  return sql`${column} = any(${uuidArray(ids)})`;
}

/** A list of ids as ONE `uuid[]` parameter. */
export function uuidArray(ids: readonly string[]): SQL {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

export const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a plain identifier: ${s}`);
  return `"${s}"`;
};

export interface BulkInsert { onConflictDoNothing?: boolean; returning?: readonly string[]; batch?: number }

/** Each column's SQL type (`format_type`), read once per table and process: the casts of insertRows. */
const columnTypes = new Map<string, Promise<Map<string, string>>>();
function typesOf(tx: DbOrTx, table: string): Promise<Map<string, string>> {
  let types = columnTypes.get(table);
  if (!types) {
    types = (async () => new Map(rowsOf<{ name: string; type: string }>(await tx.execute(sql`select attname as name, format_type(atttypid, atttypmod) as type
      from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`)).map((r) => [r.name, r.type])))();
    columnTypes.set(table, types);
    types.catch(() => columnTypes.delete(table));
  }
  return types;
}

const SPECIAL = /["\\]/;
/** One element of an array literal: NULL, or the text quoted. */
const element = (s: string | null) => (s === null ? 'NULL' : SPECIAL.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`);

type Text = (v: unknown) => string | null;
/** How a value of a column type becomes its text input: JSON for json/jsonb, an array literal for arrays, ISO for dates. */
function textFor(type: string): Text {
  if (type === 'jsonb' || type === 'json') return (v) => (v === null || v === undefined ? null : JSON.stringify(v));
  if (type.endsWith('[]')) {
    const of = textFor(type.slice(0, -2));
    return (v) => {
      if (v === null || v === undefined) return null;
      if (!Array.isArray(v)) throw new Error(`not an array for a ${type} column`);
      return `{${v.map((x) => element(of(x))).join(',')}}`;
    };
  }
  return (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') throw new Error(`an object for a ${type} column`);
    return String(v);
  };
}

/**
 * Inserts `rows` (keyed by column name, snake_case) in batches of 5,000 per statement; returns the
 * `returning` columns of the rows inserted. A listed column missing from a row is NULL (not its
 * default), so list only the columns you give.
 */
export async function insertRows<T = Record<string, unknown>>(tx: DbOrTx, table: string, columns: readonly string[], rows: Record<string, unknown>[], o: BulkInsert = {}): Promise<T[]> {
  const out: T[] = [];
  if (!rows.length) return out;
  const n = o.batch ?? 5000;
  const all = await typesOf(tx, table);
  const types = columns.map((c) => {
    const t = all.get(c);
    if (!t) throw new Error(`${table} has no column ${c}`);
    return t;
  });
  const cols = sql.raw(columns.map(ident).join(', '));
  const casts = sql.raw(columns.map((c, k) => `u.${ident(c)}::${types[k]}`).join(', '));
  const texts = types.map(textFor);
  const tbl = sql.raw(ident(table));
  const ret = o.returning?.length ? sql.raw(` returning ${o.returning.map(ident).join(', ')}`) : sql.raw('');
  const conflict = sql.raw(o.onConflictDoNothing ? ' on conflict do nothing' : '');
  for (let i = 0; i < rows.length; i += n) {
    const part = rows.slice(i, i + n);
    const arrays = columns.map((c, k) => {
      const text = texts[k];
      const cells = new Array<string>(part.length);
      for (let r = 0; r < part.length; r++) cells[r] = element(text(part[r][c]));
      return sql`${`{${cells.join(',')}}`}::text[]`;
    });
    const res = await tx.execute(sql`insert into ${tbl} (${cols}) select ${casts} from unnest(${sql.join(arrays, sql`, `)}) as u(${cols})${conflict}${ret}`);
    if (o.returning?.length) out.push(...rowsOf<T>(res));
  }
  return out;
}
