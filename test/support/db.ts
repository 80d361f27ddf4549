import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { createDb, type DbHandle } from '../../server/db/client';
import { registerJobKinds } from '../../server/job-kinds';
import { pgliteTemplateData, postgresTemplate } from './template-db';

// Every test that opens a database may run jobs (drainJobs), as the server and worker can.
registerJobKinds();

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or a new
 * database on the PostgreSQL server named by TEST_DATABASE_URL (CI runs the suite both ways).
 * Each is its own copy of a template migrated once per set of migrations (./template-db.ts).
 */
export async function freshDb(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const h = await createDb({ inMemory: true, loadDataDir: await pgliteTemplateData() });
    await h.migrate();
    return h;
  }
  const template = await postgresTemplate(url);
  const name = `bw_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const h = await createDb({ databaseUrl: u.toString() });
  await h.migrate();
  return {
    ...h,
    kind: 'postgres',
    async close() {
      await h.close();
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
