/**
 * A database that a child process (a worker run with `tsx`) can open as well as the test: its own
 * database on TEST_DATABASE_URL, or a PGlite folder. `env` is what the child needs to find it
 * (DATABASE_URL, or DATA_DIR with DATABASE_URL emptied); `open()` opens it in the test; `drop()`
 * removes it. The kill tests use it to share one database between the test and the processes
 * they kill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type DbHandle } from '../../server/db/client';

export interface ProcessDb { env: Record<string, string>; open(): Promise<DbHandle>; drop(): Promise<void> }

export async function processDb(prefix: string): Promise<ProcessDb> {
  const PG = process.env.TEST_DATABASE_URL;
  if (PG) {
    const name = `bw_${prefix}_${randomBytes(5).toString('hex')}`;
    const admin = postgres(PG, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(PG);
    u.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: u.toString() },
      open: () => createDb({ databaseUrl: u.toString() }),
      async drop() {
        const a = postgres(PG, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `bw-${prefix}-`));
  return {
    env: { DATABASE_URL: '', DATA_DIR: dir },
    open: () => createDb({ dataDir: dir }),
    async drop() { rmSync(dir, { recursive: true, force: true }); },
  };
}
