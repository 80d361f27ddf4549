import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it (postgres.js or PGlite). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs the committed migrations (server/db/migrations). Safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** LISTEN on `channel` (its own connection on PostgreSQL); resolves to an unlisten function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: the whole data directory as a tarball, for `loadDataDir` (tests' migrated template). */
  dumpDataDir?(): Promise<Blob>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface DbOptions {
  /** postgres://... ; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Folder for PGlite's files; `memory://` (or undefined with inMemory) keeps it in memory. */
  dataDir?: string;
  inMemory?: boolean;
  /**
   * PGlite only: start from this data directory (a `dumpDataDir()` tarball) instead of an empty
   * cluster. Tests load a migrated template this way: much cheaper than initdb plus migrations.
   */
  loadDataDir?: Blob;
}

/** One place that decides the driver: a real PostgreSQL server when a URL is given, PGlite otherwise. */
export async function createDb(opts: DbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // jit off: PostgreSQL compiles a query with LLVM once its estimated cost passes jit_above_cost,
    // which every analytics query over a million invoices does; the compiling took 4.1 s of the
    // promotion report's 8.0 s at the benchmark's size (EXPLAIN ANALYZE, README of analytics),
    // far more than it saved. Set per connection, so the server's own setting is left alone.
    const client = postgres(opts.databaseUrl, { max: 10, onnotice: () => {}, connection: { jit: 'off' } });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      migrate: () => migrate(db as never, { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
      listen: async (channel, onPayload) => {
        const l = await client.listen(channel, onPayload);
        return () => l.unlisten();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let dir: string | undefined;
  if (!opts.inMemory && opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    dir = opts.dataDir;
  }
  const release = dir ? await lockDataDir(dir) : () => {};
  const pgOpts = opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {};
  const client = dir ? new PGlite(dir, pgOpts) : new PGlite(pgOpts);
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: () => migrate(db as never, { migrationsFolder }),
    dumpDataDir: () => client.dumpDataDir('none'),
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * PGlite is an embedded, single-process database: two processes opening the same folder would
 * corrupt it. A pid file makes the second one (e.g. `npm run seed` while the server runs) stop
 * with a clear message; a file left by a process that no longer exists is taken over.
 */
async function lockDataDir(dir: string, waitMs = 5000): Promise<() => void> {
  const file = join(dir, '.billwise.pid');
  // A holder that is shutting down (or was just killed) gets a few seconds to go away.
  for (const deadline = Date.now() + waitMs; ;) {
    let holder = 0;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!holder || holder === process.pid || !processAlive(holder)) break;
    if (Date.now() > deadline) {
      throw new Error(`DATA_DIR ${dir} is in use by process ${holder} (the embedded database allows one process); stop it first`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

/** A cheap readiness probe used by GET /health. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** True while `pid` runs; a killed process not yet reaped (a zombie, state Z) counts as gone. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}
