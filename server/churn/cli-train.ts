/**
 * `npm run churn:train -- --tenant <code> [--end YYYY-MM-DD] [--snapshots 6] [--horizon 30] [--out dir]`
 *
 * 1. builds the training set from the configured database (DATABASE_URL, or PGlite in DATA_DIR)
 *    with the same feature SQL that scoring uses (training-set.ts → features.ts);
 * 2. writes it to notebooks/data/<tenant>-training.csv with its feature list;
 * 3. runs notebooks/churn.ipynb headless (nbconvert, Debian's python3; notebooks/setup.sh), which
 *    trains, compares, exports ONNX and writes the model card into `--out`
 *    (default server/churn/models/<tenant>/), the executed notebook beside it.
 * Python only reads the CSV, so the notebook works the same on PGlite and PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config';
import { createDb } from '../db/client';
import { tenants } from '../db/schema';
import { tenantToday } from '../tenants/tenant-settings';
import { systemCtx } from '../lib/context';
import { buildTrainingSet } from './training-set';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    tenant: { type: 'string' }, end: { type: 'string' }, snapshots: { type: 'string', default: '6' }, horizon: { type: 'string', default: '30' },
    out: { type: 'string' }, 'exclude-attribute': { type: 'string', multiple: true }, 'no-notebook': { type: 'boolean', default: false },
  },
});
if (!args.tenant) throw new Error('usage: npm run churn:train -- --tenant <code> [--end YYYY-MM-DD] [--snapshots 6] [--horizon 30] [--out dir]');

const cfg = loadConfig();
const h = await createDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
try {
  const [tenant] = await h.db.select().from(tenants).where(eq(tenants.code, args.tenant));
  if (!tenant) throw new Error(`no tenant ${args.tenant}`);
  const end = args.end ?? await tenantToday(h.db, systemCtx(h.db, tenant.id, [], () => new Date()));
  const t0 = Date.now();
  const set = await buildTrainingSet(h.db, tenant.id, {
    end, snapshots: Number(args.snapshots), horizonDays: Number(args.horizon), excludeAttributes: args['exclude-attribute'],
  });
  const dataDir = resolve(root, 'notebooks/data');
  mkdirSync(dataDir, { recursive: true });
  const csvPath = resolve(dataDir, `${args.tenant}-training.csv`);
  const lines = [['snapshot', 'customer_id', 'label', ...set.features].join(',')];
  for (const r of set.rows) lines.push(r.map((v) => (v === null ? '' : String(v))).join(','));
  writeFileSync(csvPath, lines.join('\n') + '\n');
  const meta = { tenant: args.tenant, end, horizonDays: Number(args.horizon), snapshots: set.snapshots, features: set.features, spec: set.spec };
  writeFileSync(resolve(dataDir, `${args.tenant}-training.json`), JSON.stringify(meta, null, 2) + '\n');
  const positives = set.rows.filter((r) => r[2] === 1).length;
  console.log(`training set: ${set.rows.length} rows (${positives} churned within ${args.horizon} days) at ${set.snapshots.join(', ')}; ${set.features.length} features; ${((Date.now() - t0) / 1000).toFixed(1)} s → ${csvPath}`);
  if (!args['no-notebook']) {
    const out = resolve(root, args.out ?? `server/churn/models/${args.tenant}`);
    mkdirSync(out, { recursive: true });
    execFileSync(process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'), ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=1800',
      '--output-dir', out, '--output', 'churn.executed.ipynb', resolve(root, 'notebooks/churn.ipynb')], {
      stdio: 'inherit', env: { ...process.env, CHURN_DATA: csvPath, CHURN_META: resolve(dataDir, `${args.tenant}-training.json`), CHURN_OUT: out },
    });
    console.log(`model, card and executed notebook in ${out}`);
  }
} finally {
  await h.close();
}
