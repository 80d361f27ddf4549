/**
 * Many rows in one statement with ONE parameter: `INSERT … SELECT … FROM json_populate_recordset`.
 * Building a statement of thousands of parameters with the query builder costs more CPU (ours and
 * the server's) than the work it stores; this costs one JSON.stringify and works on PostgreSQL and
 * PGlite alike. Rows are keyed by column name (snake_case); a listed column missing from a row is
 * NULL (not its default), so list only the columns you give.
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
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return sql`${column} = any(${`{${ids.join(',')}}`}::uuid[])`;
}

export const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a plain identifier: ${s}`);
  return `"${s}"`;
};

export interface JsonInsert { onConflictDoNothing?: boolean; returning?: readonly string[]; batch?: number }

/** Inserts `rows` (keyed by column name) in batches of 5,000 per statement; returns the `returning` columns of the rows inserted. */
export async function insertJsonRows<T = Record<string, unknown>>(tx: DbOrTx, table: string, columns: readonly string[], rows: Record<string, unknown>[], o: JsonInsert = {}): Promise<T[]> {
  const out: T[] = [];
  const n = o.batch ?? 5000;
  const cols = sql.raw(columns.map(ident).join(', '));
  const tbl = sql.raw(ident(table));
  const ret = o.returning?.length ? sql.raw(` returning ${o.returning.map(ident).join(', ')}`) : sql.raw('');
  const conflict = sql.raw(o.onConflictDoNothing ? ' on conflict do nothing' : '');
  for (let i = 0; i < rows.length; i += n) {
    const json = JSON.stringify(rows.slice(i, i + n));
    const res = await tx.execute(sql`insert into ${tbl} (${cols}) select ${cols} from json_populate_recordset(null::${tbl}, ${json}::json)${conflict}${ret}`);
    if (o.returning?.length) out.push(...rowsOf<T>(res));
  }
  return out;
}

/**
 * The rows of `query` as ONE JSON text parsed once (`json_agg`), optionally ordered: for a hot read
 * of thousands of rows this costs node a fraction of a driver row and an ORM mapping per record, and
 * every column arrives in one form on PostgreSQL and PGlite alike (arrays and jsonb as JSON, dates
 * as ISO text). Cast money (`numeric`) to text in `query`: a JSON number would lose digits.
 */
export async function jsonRows<T>(db: DbOrTx, query: SQL, orderBy?: SQL): Promise<T[]> {
  const [r] = rowsOf<{ j: string | null }>(await db.execute(sql`select json_agg(q${orderBy ? sql` order by ${orderBy}` : sql``})::text as j from (${query}) q`));
  return r?.j ? (JSON.parse(r.j) as T[]) : [];
}
