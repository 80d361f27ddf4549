/**
 * npm run bench:churn — churn scoring throughput: BENCH_CUSTOMERS (default 100,000) subscribers
 * with a main subscription, 0–3 add-ons, contracts on a third, and three months of bills, invoices
 * (some paid late, some open) and payments (some failed), written set-based in SQL; then, as the
 * nightly job does it, the feature SQL (server/churn/features.ts), batched onnxruntime-node
 * inference with per-customer drivers (server/churn/score.ts) with the committed demo model, and
 * the stored scores (COPY on PostgreSQL, multi-row INSERT on PGlite). End to end is what the nightly
 * job runs, `scoreCustomers` with store (features, then each scored batch streamed to the store
 * while the next is scored), timed on a first run of the date and on a re-run. Reports customers/s
 * for each step, end to end, and for the plain JavaScript walk of the same trees (the reference,
 * without onnxruntime), and the share of the time spent in the feature SQL. Goal (issue 14):
 * 100,000 customers in under 10 s end to end.
 *
 * With DATABASE_URL (a PostgreSQL server) it creates and drops a scratch database; without it, it
 * runs on an embedded PGlite in a temporary folder (slower, single-threaded). On a shared machine
 * run it small: BENCH_CUSTOMERS=2000 npm run bench:churn.
 */
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDb } from '../../server/db/client';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { registerModel } from '../../server/churn/models';
import { featureRows } from '../../server/churn/features';
import { imputed, scoreCustomers, scoreRows, storeScores, walkTrees } from '../../server/churn/score';
import { specFromFeatures } from '../../server/churn/models';
import { backendCpu, cpuDelta, processCpuMs } from './support/cpu';

const N = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const AS_OF = '2025-06-01';
const url = process.env.DATABASE_URL;
const secs = (t: number) => (performance.now() - t) / 1000;
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} customers/s`;

let dropDb: (() => Promise<void>) | null = null;
let dataDir: string | null = null;
let dbUrl: string | undefined;
const reuse = process.env.BENCH_DB; // the name of a database BENCH_KEEP kept: time the steps again without writing the data again
if (url && reuse) {
  const u = new URL(url);
  u.pathname = `/${reuse}`;
  dbUrl = u.toString();
} else if (url) {
  const name = `bw_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  dbUrl = u.toString();
  // BENCH_KEEP=1 keeps the scratch database (to EXPLAIN the feature query on it), and says its name.
  dropDb = async () => {
    if (process.env.BENCH_KEEP) console.log(`kept database ${name}`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
} else {
  dataDir = mkdtempSync(join(tmpdir(), 'bw-bench-churn-'));
}
const h = await createDb({ databaseUrl: dbUrl, dataDir: dataDir ?? undefined });
// CPU seconds per step (this process + the PostgreSQL backends of the scratch database, from /proc), which
// do not depend on how busy the shared machine is; wall time does.
const probe = dbUrl ? postgres(dbUrl, { max: 1, onnotice: () => {} }) : null;
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: string }> {
  const pgBefore = probe ? await backendCpu(probe, 'others') : null;
  const node = processCpuMs();
  const t = performance.now();
  const value = await fn();
  const wall = secs(t);
  const nodeMs = processCpuMs(node.mark).ms;
  const pgMs = probe ? cpuDelta(pgBefore, await backendCpu(probe, 'others')) : null;
  return { value, wall, cpu: `CPU ${(nodeMs / 1000).toFixed(2)} s node${pgMs === null ? '' : ` + ${(pgMs / 1000).toFixed(2)} s PostgreSQL`}` };
}
try {
  await h.migrate();
  const boot = systemCtx(h.db, '', PERMISSION_CODES, () => new Date(`${AS_OF}T12:00:00Z`));
  const existing = reuse ? ((await h.db.execute(sql`select id from tenants where code = 'bench-churn'`)) as unknown as Array<{ id: string }>)[0] : undefined;
  const tenantId = existing?.id ?? (await onboardTenant({ ctx: boot, input: { code: 'bench-churn', name: 'Bench churn', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up',
    admin: { email: 'bench@churn.test', name: 'Bench', password: 'bench-password-1' } }, options: {} })).tenant.id;
  const ctx = systemCtx(h.db, tenantId, PERMISSION_CODES, () => new Date(`${AS_OF}T12:00:00Z`));

  // ---- data: customers, subscriptions (main + 0-3 add-ons, some cancelled), three monthly bills each
  let t0 = performance.now();
  if (!existing) await writeData();
  // (skipped with BENCH_DB: the data is there)
  async function writeData() {
    await h.db.execute(sql`insert into customers (tenant_id, external_id, type, name, country, timezone, currency, attributes)
      select ${tenantId}, 'c' || i, 'individual', 'Customer ' || i, 'US', 'UTC', 'USD', jsonb_build_object('e_invoice', i % 2 = 0)
      from generate_series(1, ${N}) i`);
    await h.db.execute(sql`insert into subscriptions (tenant_id, customer_id, plan_code, status, start_date, end_date, add_on)
      select c.tenant_id, c.id, case when k = 0 then 'main' else 'addon-' || k end, 'active',
        date '2025-06-01' - (30 + (hashtext(c.external_id) & 1023))::int, case when k = 0 and hashtext(c.external_id) % 9 = 0 then date '2025-06-20' end, k > 0
      from customers c, generate_series(0, 3) k where c.tenant_id = ${tenantId} and k <= (hashtext(c.external_id) & 3)`);
    await h.db.execute(sql`insert into bills (tenant_id, subscription_id, customer_id, bill_to, period_start, period_end, cycle_index, currency, segments, lines, subtotal, discount_total)
      select s.tenant_id, s.id, s.customer_id, s.customer_id, (date '2025-03-01' + make_interval(months => m))::date, (date '2025-04-01' + make_interval(months => m))::date,
        m + 1, 'USD', '[]', '[]', 20 + (hashtext(s.id::text) & 63), case when s.add_on then 0 else 2 end
      from subscriptions s, generate_series(0, 2) m where s.tenant_id = ${tenantId}`);
    await h.db.execute(sql`insert into contracts (tenant_id, customer_id, code, term_start, term_end, currency, status)
      select c.tenant_id, c.id, 'K-' || c.external_id, date '2024-09-01', date '2025-09-01', 'USD', 'active'
      from customers c where c.tenant_id = ${tenantId} and hashtext(c.external_id) % 3 = 0`);
    // One invoice per customer and month (issued at the period end, due 14 days later): most paid on time, some late, the last month's some still open.
    await h.db.execute(sql`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines,
        subtotal, discount_total, tax_total, total, amount_due, amount_paid, finalized_at, paid_at)
      select c.tenant_id, c.id, c.id, ps, (ps + interval '1 month')::date, 'USD', case when paid is null then 'finalized' else 'paid' end,
        'B-' || c.external_id || '-' || m, (ps + interval '1 month')::date, (ps + interval '1 month')::date + 14, '[]', 50, 0, 0, 50, 50, case when paid is null then 0 else 50 end,
        (ps + interval '1 month')::timestamptz, paid
      from customers c, generate_series(0, 2) m,
        lateral (select (date '2025-03-01' + make_interval(months => m))::date as ps) p,
        lateral (select case when m = 2 and hashtext(c.external_id) % 7 = 0 then null
          else ((ps + interval '1 month')::date + (hashtext(c.external_id || m) & 31))::timestamptz end as paid) q
      where c.tenant_id = ${tenantId}`);
    await h.db.execute(sql`insert into payments (tenant_id, bill_to, method, amount, currency, received_on, provider, provider_ref, status)
      select i.tenant_id, i.bill_to, 'card', i.total, 'USD', i.paid_at::date, 'manual', 'b-' || i.number, 'succeeded' from invoices i
      where i.tenant_id = ${tenantId} and i.paid_at is not null
      union all
      select i.tenant_id, i.bill_to, 'card', i.total, 'USD', i.issue_date, 'manual', 'f-' || i.number, 'failed' from invoices i
      where i.tenant_id = ${tenantId} and hashtext(i.number) % 5 = 0`);
    await h.db.execute(sql`analyze`);
  }
  console.log(`data: ${N.toLocaleString('en-US')} customers written in ${secs(t0).toFixed(1)} s (${url ? 'PostgreSQL' : 'PGlite'}; load ${loadavg()[0].toFixed(1)})`);

  // ---- the committed demo model
  const dir = fileURLToPath(new URL('../../server/churn/models/telco/', import.meta.url));
  const card = JSON.parse(readFileSync(dir + 'model-card.json', 'utf8'));
  const model = await registerModel(ctx, { onnx: readFileSync(dir + 'churn.onnx'), segmentsOnnx: readFileSync(dir + 'segments.onnx'),
    trees: JSON.parse(readFileSync(dir + 'trees.json', 'utf8')), card, activate: true });
  const spec = specFromFeatures(model.card.features);

  // End to end, as the nightly job runs it: scoreCustomers reads the features (a whole tenant on PostgreSQL: two
  // halves on two connections at once), scores in batches with onnxruntime and streams each batch to the store
  // while the next is scored. A first run of the date (the job's case: the date has no scores yet), then a re-run,
  // which replaces the date's rows. Then each stage alone, for the breakdown.
  await h.db.execute(sql`delete from churn_scores where tenant_id = ${tenantId}`);
  const e2e = await timed(() => scoreCustomers(h.db, tenantId, model, AS_OF, { store: true }));
  const rerun = await timed(() => scoreCustomers(h.db, tenantId, model, AS_OF, { store: true }));
  const fr = await timed(() => featureRows(h.db, tenantId, AS_OF, spec));
  const rows = fr.value;
  const sc = await timed(() => scoreRows(model, rows));
  const scores = sc.value;
  await h.db.execute(sql`delete from churn_scores where tenant_id = ${tenantId}`);
  const st = await timed(() => storeScores(h.db, tenantId, model, AS_OF, scores, new Date()));
  const [tFeatures, tScore, tStore] = [fr.wall, sc.wall, st.wall];
  // The reference: the same trees walked in plain JavaScript (margin → Platt → probability), no onnxruntime.
  t0 = performance.now();
  const walkCpu = processCpuMs();
  const medians = (model.card.imputation as { values?: Record<string, number> } | undefined)?.values ?? {};
  let maxDiff = 0;
  rows.forEach((r, i) => {
    const { margin } = walkTrees(model.trees, imputed(r.values, model.card.features, medians));
    const p = 1 / (1 + Math.exp(-(model.trees.platt.a * margin + model.trees.platt.b)));
    maxDiff = Math.max(maxDiff, Math.abs(p - scores[i].probability));
  });
  const tWalk = secs(t0);
  const walkCpuS = processCpuMs(walkCpu.mark).ms / 1000;
  const total = e2e.wall;
  const load = loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`scored ${scores.length.toLocaleString('en-US')} subscribers as of ${AS_OF} (${model.card.features.length} features; load average ${load}):`);
  console.log(`  feature SQL              ${tFeatures.toFixed(2)} s  ${rate(rows.length, tFeatures)}  (${fr.cpu})`);
  console.log(`  onnxruntime+drivers      ${tScore.toFixed(2)} s  ${rate(rows.length, tScore)}  (${sc.cpu})`);
  console.log(`  store scores (${url ? 'COPY' : 'INSERT'})     ${tStore.toFixed(2)} s  ${rate(rows.length, tStore)}  (${st.cpu}; a first run of the date)`);
  console.log(`  end to end               ${total.toFixed(2)} s  ${rate(rows.length, total)}  (${e2e.cpu}; scoreCustomers with store, a first run of the date; feature SQL alone is ${Math.round((tFeatures / total) * 100)}% of it)`);
  console.log(`  end to end, a re-run     ${rerun.wall.toFixed(2)} s  ${rate(rows.length, rerun.wall)}  (${rerun.cpu}; replaces the date's rows)`);
  console.log(`  JS tree walk (ref.)      ${tWalk.toFixed(2)} s  ${rate(rows.length, tWalk)}  (max |p − onnx| ${maxDiff.toExponential(1)}; CPU ${walkCpuS.toFixed(2)} s; end to end ÷ walk ${(total / tWalk).toFixed(1)}×)`);
  console.log(`  goal: 100,000 in < 10 s end to end → ${total * (100_000 / Math.max(rows.length, 1)) < 10 ? 'met' : 'not met'} at this rate (extrapolated ×${(100_000 / Math.max(rows.length, 1)).toFixed(1)})`);
} finally {
  await probe?.end();
  await h.close();
  await dropDb?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
