import { count, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client';

/** `?limit=&offset=` of a list endpoint (each route sets its own default and maximum). */
export interface PageQuery { limit: number; offset: number }
/** What every list endpoint answers: one page and the number of rows matching the filter. */
export interface Page<T> { data: T[]; total: number }

/**
 * The one list query: a page of `from` rows matching `where` in `orderBy` order (give a unique
 * last key, e.g. the id, so pages never overlap), and the count under the same `where`, so a
 * filter can never apply to the page and not to the total. `map` serializes the page's rows.
 */
export async function paginate<T extends PgTable, U>({ db, from, where, orderBy, page, map }: {
  db: DbOrTx; from: T; where: SQL | undefined; orderBy: (SQL | PgColumn)[]; page: PageQuery;
  map: (rows: T['$inferSelect'][]) => U[] | Promise<U[]>;
}): Promise<Page<U>> {
  const table = from as PgTable;
  const rows = await db.select().from(table).where(where).orderBy(...orderBy).limit(page.limit).offset(page.offset);
  const [{ n }] = await db.select({ n: count() }).from(table).where(where);
  return { data: await map(rows as T['$inferSelect'][]), total: Number(n) };
}
