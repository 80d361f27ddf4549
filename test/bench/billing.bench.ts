/**
 * npm run bench:billing — needs DATABASE_URL (a real PostgreSQL server; scratch databases are
 * created and dropped). 1) the ingest bench of test/bench/ingest.bench.ts (`runIngestBench`:
 * BENCH_EVENTS usage events over HTTP vs COPY; BENCH_SKIP_INGEST=1 leaves it out); 2) bill runs
 * over BENCH_SUBS (default 10,000 then 100,000) subscriptions, BENCH_WORKERS job loops side by
 * side (default 2), chunks of BENCH_CHUNK payers (default 1,000), reporting subscriptions/s,
 * how time grows, and a re-run of the same period (idempotent: creates nothing, same totals).
 */
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createDb } from '../../server/db/client';
import { createApp } from '../../server/app';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx, withTransaction } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { insertApiKey } from '../../server/access/api-keys';
import { importDocuments } from '../../server/catalog/versions';
import { customers, meters, subscriptionPhases, subscriptions } from '../../server/db/schema';
import { createBillRun, getBillRun } from '../../server/billing/bill-runs';
import { drainJobs } from '../../server/jobs/worker';
import { registerJobKinds } from '../../server/job-kinds';
import { runIngestBench } from './ingest.bench';
import { loadavg } from 'node:os';

registerJobKinds();
const url = process.env.DATABASE_URL;
if (!url) {
  console.log('bench:billing skipped: set DATABASE_URL to a PostgreSQL server (the bench creates and drops its own database)');
  process.exit(0);
}
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SUB_SIZES = (process.env.BENCH_SUBS ?? '10000,100000').split(',').map(Number);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 1000);

const name = `bw_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(url, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const u = new URL(url);
u.pathname = `/${name}`;
const h = await createDb({ databaseUrl: u.toString() });
const raw = postgres(u.toString(), { max: 2, onnotice: () => {} });
const secs = (t: number) => (performance.now() - t) / 1000;

async function tenant(code: string) {
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code, name: code, currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: `a@${code}.test`, name: 'a', password: 'bench-pass-1' } } });
  const ctx = systemCtx(h.db, r.tenant.id, PERMISSION_CODES, () => new Date('2025-04-02T00:00:00Z'));
  await importDocuments({ ctx, effectiveFrom: '2025-01-01', plans: [{ code: 'b-api', name: 'API', currency: 'USD', interval: 'month', intervalCount: 1, components: [
    { code: 'base', type: 'flat', amount: '20.00' },
    { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'graduated', tiers: [{ upTo: '10', unitAmount: '0' }, { upTo: null, unitAmount: '0.01' }] } }] }],
  rules: [{ id: 'b-vat', name: 'VAT', kind: 'tax', priority: 1, conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] }, event: { type: 'tax', params: { rate: '10', name: 'VAT' } } }] });
  const [m] = await h.db.insert(meters).values({ tenantId: r.tenant.id, code: 'calls', name: 'Calls', aggregation: 'count' }).returning();
  return { ctx, tenantId: r.tenant.id, meterId: m.id };
}

async function addCustomers(tenantId: string, n: number, withSubs: boolean) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 5000) {
    const rows = await h.db.insert(customers).values(Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({
      tenantId, externalId: `c${i + k}`, type: 'corporate', name: `C${i + k}`, country: 'US', timezone: 'UTC', currency: 'USD',
    }))).returning({ id: customers.id });
    ids.push(...rows.map((r) => r.id));
    if (withSubs) {
      const subs = await h.db.insert(subscriptions).values(rows.map((r) => ({ tenantId, customerId: r.id, planCode: 'b-api', status: 'active', startDate: '2025-02-10' }))).returning({ id: subscriptions.id });
      await h.db.insert(subscriptionPhases).values(subs.map((s) => ({ tenantId, subscriptionId: s.id, planCode: 'b-api', startDate: '2025-02-10' })));
    }
  }
  return ids;
}

try {
  await h.migrate();
  // ------------------------------------------------------------------ ingest (the metering bench)
  if (process.env.BENCH_SKIP_INGEST !== '1') await runIngestBench({ adminUrl: url, events: EVENTS });

  // ------------------------------------------------------------------ bill runs
  const results: { n: number; s: number }[] = [];
  for (const n of SUB_SIZES) {
    const b = await tenant(`bench-run-${n}`);
    await addCustomers(b.tenantId, n, true);
    // some usage: 3 events for every 10th customer
    await raw`insert into usage_events (tenant_id, event_id, customer_id, meter_id, timestamp, properties)
      select ${b.tenantId}, 'e' || c.id || g, c.id, ${b.meterId}, '2025-03-15T12:00:00Z', '{}' from customers c, generate_series(1, 30) g
      where c.tenant_id = ${b.tenantId} and (('x' || substr(md5(c.id::text), 1, 2))::bit(8)::int % 10) = 0`;
    await raw`analyze`;
    const t = performance.now();
    const run = await createBillRun({ ctx: b.ctx, input: { periodStart: '2025-03-01', chunkSize: CHUNK, allowOpenPeriod: true } });
    const tc = secs(t);
    await drainJobs(h.db, { now: () => new Date('2025-04-02T00:00:00Z'), concurrency: WORKERS });
    const s = secs(t);
    const done = await getBillRun({ ctx: b.ctx, id: run.id });
    results.push({ n, s });
    console.log(`bill run ${n.toLocaleString('en')} subscriptions: ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en')} subscriptions/s ` +
      `(create ${tc.toFixed(2)} s, ${WORKERS} workers, chunks of ${CHUNK}; status ${done.status}, invoices ${done.invoicesCreated}, bills ${done.billsCreated}, total ${JSON.stringify(done.totals)}) load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    if (process.env.BENCH_EXPLAIN === '1') {
      // The plans of the chunk queries on the filled tables (index scans expected, no Seq Scan).
      const subsIds = (await raw`select id from subscriptions where tenant_id = ${b.tenantId} order by id limit 1000`).map((r) => r.id as string);
      const custIds = (await raw`select id from customers where tenant_id = ${b.tenantId} order by id limit 1000`).map((r) => r.id as string);
      const q = {
        customersByPayer: raw`explain analyze select * from customers where tenant_id = ${b.tenantId} and payer_id = any(${custIds}::uuid[])`,
        customersById: raw`explain analyze select * from customers where tenant_id = ${b.tenantId} and payer_id is null and id = any(${custIds}::uuid[])`,
        subscriptions: raw`explain analyze select * from subscriptions where tenant_id = ${b.tenantId} and customer_id = any(${custIds}::uuid[]) and billing_group is null`,
        phases: raw`explain analyze select * from subscription_phases where tenant_id = ${b.tenantId} and subscription_id = any(${subsIds}::uuid[]) and start_date < '2025-04-01'`,
        billed: raw`explain analyze select subscription_id from bills where tenant_id = ${b.tenantId} and subscription_id = any(${subsIds}::uuid[]) and period_start = '2025-03-01'`,
        prior: raw`explain analyze select subscription_id, count(*) from bills where tenant_id = ${b.tenantId} and subscription_id = any(${subsIds}::uuid[]) and period_start < '2025-03-01' group by 1`,
        cutoffs: raw`explain analyze select customer_id, max(created_at) from bills where tenant_id = ${b.tenantId} and customer_id = any(${custIds}::uuid[]) and period_end <= '2025-03-01' group by 1`,
        invoices: raw`explain analyze select id from invoices where tenant_id = ${b.tenantId} and bill_to = any(${custIds}::uuid[]) and period_start = '2025-03-01'`,
      };
      for (const [k, v] of Object.entries(q)) console.log(`  explain ${k}:\n    ${(await v).map((r) => String(r['QUERY PLAN']).replace(/'\{[^}]*\}'/g, "'{…}'")).join('\n    ')}`);
    }
    if (process.env.BENCH_RERUN !== '0') {
      const t2 = performance.now();
      const again = await createBillRun({ ctx: b.ctx, input: { periodStart: '2025-03-01', chunkSize: CHUNK, allowOpenPeriod: true } });
      await drainJobs(h.db, { now: () => new Date('2025-04-02T00:00:00Z'), concurrency: WORKERS });
      const r2 = await getBillRun({ ctx: b.ctx, id: again.id });
      const same = JSON.stringify(r2.totals) === JSON.stringify(done.totals) && r2.billsCreated === 0 && r2.invoicesCreated === 0;
      console.log(`  re-run of the same period: ${secs(t2).toFixed(2)} s, created ${r2.invoicesCreated} invoices / ${r2.billsCreated} bills, outcomes ${JSON.stringify(r2.outcomes)}, totals ${same ? 'identical' : 'DIFFERENT'}`);
      if (!same) process.exitCode = 1;
    }
  }
  if (results.length > 1) {
    const [a, z] = [results[0], results.at(-1)!];
    console.log(`growth: ${z.n / a.n}× subscriptions → ${(z.s / a.s).toFixed(2)}× time (linear = ${z.n / a.n}×); goal ≥ 2,000 subscriptions/s`);
  }
  void sql;
} finally {
  await raw.end();
  await h.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
