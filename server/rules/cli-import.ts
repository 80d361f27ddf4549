/**
 * npm run rules:import <dir> [--tenant <code>] [--effective-from YYYY-MM-DD] [--draft]
 * Imports a rule pack folder (plans and rules as JSON files) into a tenant's catalog: new documents
 * are created, changed ones get a new version, identical ones are left alone; all are published
 * unless --draft. Uses DATABASE_URL / DATA_DIR like the server. Every problem is listed (as
 * `npm run rules:check` lists it) and then nothing is imported.
 */
import { eq } from 'drizzle-orm';
import { resolve } from 'node:path';
import { loadConfig } from '../config';
import { createDb } from '../db/client';
import { tenants } from '../db/schema';
import { systemCtx } from '../lib/context';
import { ServiceError } from '../lib/errors';
import { PERMISSION_CODES } from '../access/permissions';
import { importPack } from '../catalog/import-pack';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const dir = args.find((a, i) => !a.startsWith('--') && !['--tenant', '--effective-from'].includes(args[i - 1]));
if (!dir) {
  console.error('usage: npm run rules:import <dir> [--tenant demo] [--effective-from YYYY-MM-DD] [--draft]');
  process.exit(2);
}
const cfg = loadConfig();
const h = await createDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
try {
  await h.migrate();
  const code = opt('--tenant') ?? 'demo';
  const [t] = await h.db.select().from(tenants).where(eq(tenants.code, code));
  if (!t) throw new Error(`no tenant with code "${code}"`);
  const ctx = systemCtx(h.db, t.id, PERMISSION_CODES);
  const r = await importPack({ ctx, dir: resolve(dir), effectiveFrom: opt('--effective-from'), publish: !args.includes('--draft') });
  console.log(`${code}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged (${r.plans} plans, ${r.rules} rules)`);
} catch (e) {
  if (e instanceof ServiceError) {
    console.error(e.detail ?? e.message);
    for (const i of e.issues) console.error(`  ${i.path}: ${i.message}`);
  } else console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await h.close();
}
