/**
 * npm run bench:billing — needs DATABASE_URL (a real PostgreSQL server; a scratch database is
 * created and dropped). 1) ingest BENCH_EVENTS (default 1,000,000) usage events over HTTP in
 * batches of 1,000 through the real server on a loopback port, next to a raw COPY of the same
 * rows into the same table; 2) bill runs over BENCH_SUBS (default 10,000 then 100,000)
 * subscriptions, in-process worker, reporting subscriptions/s and how time grows.
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

const url = process.env.DATABASE_URL;
if (!url) {
  console.log('bench:billing skipped: set DATABASE_URL to a PostgreSQL server (the bench creates and drops its own database)');
  process.exit(0);
}
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SUB_SIZES = (process.env.BENCH_SUBS ?? '10000,100000').split(',').map(Number);
const BATCH = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

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
  // ------------------------------------------------------------------ ingest over HTTP vs COPY
  const ing = await tenant('bench-ingest');
  const nCustomers = 1000;
  await addCustomers(ing.tenantId, nCustomers, false);
  const key = (await withTransaction(ing.ctx, (tx, c) => insertApiKey(tx, c, { name: 'bench' }))).key;
  const app = createApp({ db: h.db, dbKind: 'postgres' });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const ev = (i: number, prefix: string) => ({ id: `${prefix}${i}`, customer: `c${i % nCustomers}`, meter: 'calls', timestamp: new Date(Date.UTC(2025, 2, 1) + (i % 2_600_000) * 1000).toISOString() });
  let next = 0;
  let accepted = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const start = next; next += BATCH;
      if (start >= EVENTS) return;
      const events = Array.from({ length: Math.min(BATCH, EVENTS - start) }, (_, k) => ev(start + k, 'h'));
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
      if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { accepted?: number; results?: { status: string }[] };
      accepted += body.accepted ?? body.results?.filter((r) => r.status === 'accepted').length ?? 0;
    }
  }));
  const httpSecs = secs(t0);
  server.close();
  // COPY the same rows (other event ids) into the same table.
  const cust = await raw`select id, external_id from customers where tenant_id = ${ing.tenantId}`;
  const byExt = new Map(cust.map((c) => [c.external_id as string, c.id as string]));
  const t1 = performance.now();
  const stream = await raw`copy usage_events (tenant_id, event_id, customer_id, meter_id, timestamp, properties, received_at) from stdin`.writable();
  const now = new Date().toISOString();
  for (let i = 0; i < EVENTS; i += 10_000) {
    let chunk = '';
    for (let k = i; k < Math.min(EVENTS, i + 10_000); k++) {
      const e = ev(k, 'c');
      chunk += `${ing.tenantId}\t${e.id}\t${byExt.get(e.customer)}\t${ing.meterId}\t${e.timestamp}\t{}\t${now}\n`;
    }
    if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
  }
  await new Promise<void>((res, rej) => { stream.end(); stream.once('finish', res); stream.once('error', rej); });
  const copySecs = secs(t1);
  console.log(`ingest ${EVENTS.toLocaleString()} events: HTTP (batches of ${BATCH}, ${CONCURRENCY} in flight) ${httpSecs.toFixed(1)} s = ${Math.round(EVENTS / httpSecs).toLocaleString()} events/s (accepted ${accepted.toLocaleString()}); ` +
    `COPY ${copySecs.toFixed(1)} s = ${Math.round(EVENTS / copySecs).toLocaleString()} events/s; HTTP/COPY = ${(httpSecs / copySecs).toFixed(1)}× slower`);

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
    const run = await createBillRun({ ctx: b.ctx, input: { periodStart: '2025-03-01', chunkSize: 500 } });
    await drainJobs(h.db, { now: () => new Date('2025-04-02T00:00:00Z') });
    const s = secs(t);
    const done = await getBillRun({ ctx: b.ctx, id: run.id });
    results.push({ n, s });
    console.log(`bill run ${n.toLocaleString()} subscriptions: ${s.toFixed(1)} s = ${Math.round(n / s).toLocaleString()} subscriptions/s (status ${done.status}, invoices ${done.invoicesCreated}, total ${JSON.stringify(done.totals)})`);
  }
  if (results.length > 1) {
    const [a, z] = [results[0], results.at(-1)!];
    console.log(`growth: ${z.n / a.n}× subscriptions → ${(z.s / a.s).toFixed(2)}× time`);
  }
  void sql;
} finally {
  await raw.end();
  await h.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
