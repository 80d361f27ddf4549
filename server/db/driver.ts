/**
 * What is behind a drizzle database or transaction: the postgres.js client (a PostgreSQL server),
 * or null for another driver (PGlite). For the few paths that use what only a server gives: COPY
 * streams, and several connections at once.
 */
import type { Writable } from 'node:stream';
import type { DbOrTx } from './client';

/** The postgres.js calls those paths use. */
export interface PgJsClient { unsafe(query: string, params?: unknown[]): Promise<unknown> & { writable(): Promise<Writable> } }

export function postgresJsClient(db: DbOrTx): PgJsClient | null {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client as Partial<PgJsClient> | undefined;
  return client && typeof client.unsafe === 'function' && !('query' in client && typeof (client as { query?: unknown }).query === 'function') ? (client as PgJsClient) : null;
}
