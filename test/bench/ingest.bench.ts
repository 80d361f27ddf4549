/**
 * `npm run bench:ingest` (and the ingest half of `npm run bench:billing`): on a real PostgreSQL,
 * ingests N usage events (default 1,000,000) over HTTP through the real app in batches of 1,000
 * with a few requests in flight, then COPYs the same rows into the same table and prints both
 * rates and their ratio. Goal: ≥ 50,000 events/s over HTTP.
 *
 *   BENCH_DATABASE_URL  admin URL of the server (default postgres://postgres@127.0.0.1:55432/postgres);
 *                       a fresh database bw_bench_<random> is created there and dropped afterwards
 *   BENCH_EVENTS        events (default 1000000)     BENCH_BATCH     events per request (default 1000)
 *   BENCH_CONCURRENCY   requests in flight (default 4)   BENCH_CUSTOMERS  customers (default 1000)
 *
 * Only loopback traffic; every loop is bounded by the event count, and the first failed request
 * stops the run.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { serve } from '@hono/node-server';
import { createDb } from '../../server/db/client';
import { createApp } from '../../server/app';
import { customers, meters } from '../../server/db/schema';
import { seedDemo } from '../../seeds/demo';
import { BENCH_METERS, csvChunk, customerRef } from './support/events';
import { runTsWorker } from './support/worker';
import { backendCpu, cpuDelta } from './support/cpu';
import type { ClientJob, ClientResult } from './support/ingest-client';

export interface IngestBenchOptions {
  adminUrl?: string;
  events?: number;
  batchSize?: number;
  concurrency?: number;
  customers?: number;
  log?: (line: string) => void;
}

export interface IngestBenchResult {
  events: number;
  batchSize: number;
  concurrency: number;
  /** cpu: CPU ms per 1,000 events of this Node process (server and client thread) and of the PostgreSQL backends (null: not measurable). */
  http: { ms: number; eventsPerSec: number; cpu: { node: number; postgres: number | null } };
  copy: { ms: number; rowsPerSec: number; cpu: { node: number; postgres: number | null } };
  /** HTTP events/s ÷ COPY rows/s. */
  ratio: number;
  checks: { storedAfterHttp: number; resendAccepted: number; resendDuplicates: number; storedAfterResend: number; storedAfterCopy: number };
  load: number[];
}

/** BENCH_PROFILE=file.cpuprofile: a CPU profile of the main (server) thread during the HTTP phase. */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      return file;
    },
  };
}

const BENCH_KEY = 'bw_live_bench_ingest_key_0000000000';
const COPY_CHUNK = 5_000;

export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const adminUrl = opts.adminUrl ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres';
  const N = opts.events ?? Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const batchSize = opts.batchSize ?? Number(process.env.BENCH_BATCH ?? 1000);
  const concurrency = opts.concurrency ?? Number(process.env.BENCH_CONCURRENCY ?? 4);
  const nCustomers = opts.customers ?? Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const log = opts.log ?? ((l: string) => console.log(l));
  if (N % batchSize !== 0) throw new Error(`BENCH_EVENTS (${N}) must be a multiple of the batch size (${batchSize})`);
  const batches = N / batchSize;

  const name = `bw_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  const handle = await createDb({ databaseUrl: dbUrl });
  const raw = postgres(dbUrl, { max: 1, onnotice: () => {} });
  let server: ReturnType<typeof serve> | undefined;
  try {
    await handle.migrate();
    const { tenantId } = await seedDemo(handle.db, { apiKey: BENCH_KEY, withData: false });
    // Customers and meters straight into the tables: the bench measures ingest, not onboarding.
    const customerIds = new Map<string, string>();
    for (let from = 0; from < nCustomers; from += 1000) {
      const rows = await handle.db.insert(customers).values(Array.from({ length: Math.min(1000, nCustomers - from) }, (_, k) => ({
        tenantId, externalId: customerRef(from + k), type: 'corporate', name: `Bench customer ${from + k}`,
        country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW',
      }))).returning({ id: customers.id, externalId: customers.externalId });
      for (const r of rows) customerIds.set(r.externalId, r.id);
    }
    const meterRows = await handle.db.insert(meters).values(BENCH_METERS.map((m) => ({ tenantId, ...m })))
      .returning({ id: meters.id, code: meters.code });
    const meterIds = new Map(meterRows.map((m) => [m.code, m.id]));

    const app = createApp({ db: handle.db, dbKind: handle.kind });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
    });
    const url = `http://127.0.0.1:${port}/api/v1/events`;
    const clientModule = new URL('./support/ingest-client.ts', import.meta.url);
    const job = (j: Partial<ClientJob>): { ingestClient: ClientJob } => ({
      ingestClient: { url, key: BENCH_KEY, batches, batchSize, customers: nCustomers, concurrency, ...j },
    });
    const count = async () => Number((await raw`select count(*)::int as n from usage_events where tenant_id = ${tenantId}`)[0].n);

    log(`ingest bench: ${N.toLocaleString('en')} events, batches of ${batchSize}, ${concurrency} in flight, ${nCustomers} customers, ${BENCH_METERS.length} meters, database ${name}`);
    await raw`checkpoint`;
    const load0 = loadavg();
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
    const pg0 = await backendCpu(raw, 'others');
    const cpu0 = process.cpuUsage();
    const r = await runTsWorker<ClientResult>(clientModule, job({}));
    const cpuHttp = process.cpuUsage(cpu0);
    if (profiler) log(`  profile of the server thread during the HTTP phase: ${await profiler.stop(process.env.BENCH_PROFILE!)}`);
    const pgHttp = cpuDelta(pg0, await backendCpu(raw, 'others'));
    const perK = (ms: number | null) => (ms === null ? null : (ms / N) * 1000);
    const httpCpu = { node: perK((cpuHttp.user + cpuHttp.system) / 1000)!, postgres: perK(pgHttp) };
    if (r.failures.length) throw new Error(`HTTP ingest failed: ${r.failures.join('; ')}`);
    const httpRate = N / (r.ms / 1000);
    const fmtCpu = (c: { node: number; postgres: number | null }) =>
      `CPU per 1,000: node ${c.node.toFixed(1)} ms, postgres ${c.postgres === null ? 'n/a' : `${c.postgres.toFixed(1)} ms`}`;
    log(`  HTTP   ${N.toLocaleString('en')} events in ${(r.ms / 1000).toFixed(2)} s = ${Math.round(httpRate).toLocaleString('en')} events/s (accepted ${r.accepted}, duplicates ${r.duplicates}, rejected ${r.rejected}); ${fmtCpu(httpCpu)}`);
    if (r.accepted !== N) throw new Error(`expected ${N} accepted, got ${r.accepted}`);
    const storedAfterHttp = await count();

    // A retried batch changes nothing: all duplicates, no new rows.
    const again = await runTsWorker<ClientResult>(clientModule, job({ batches: 1, concurrency: 1, firstBatch: Math.floor(batches / 2) }));
    if (again.failures.length) throw new Error(`re-send failed: ${again.failures.join('; ')}`);
    const storedAfterResend = await count();
    log(`  check  stored ${storedAfterHttp}; re-sent batch: accepted ${again.accepted}, duplicates ${again.duplicates}; stored ${storedAfterResend}`);
    if (storedAfterHttp !== N || again.accepted !== 0 || again.duplicates !== batchSize || storedAfterResend !== N) {
      throw new Error('ingest checks failed (see the line above)');
    }

    // The same rows by COPY into the same (emptied) table, with the same indexes and constraints.
    await raw`truncate usage_events`;
    await raw`checkpoint`;
    const receivedAt = new Date().toISOString();
    const pgc0 = await backendCpu(raw, 'self');
    const cpuc0 = process.cpuUsage();
    const c0 = performance.now();
    const stream = await raw`copy usage_events (tenant_id, event_id, customer_id, meter_id, timestamp, value, properties, received_at) from stdin with (format csv)`.writable();
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      let i = 0;
      const pump = () => {
        while (i < N) {
          const to = Math.min(N, i + COPY_CHUNK);
          const ok = stream.write(csvChunk(i, to, { tenantId, customers: nCustomers, customerIds, meterIds, receivedAt }));
          i = to;
          if (!ok) { stream.once('drain', pump); return; }
        }
        stream.end();
      };
      pump();
    });
    const copyMs = performance.now() - c0;
    const cpuCopy = process.cpuUsage(cpuc0);
    const copyCpu = { node: perK((cpuCopy.user + cpuCopy.system) / 1000)!, postgres: perK(cpuDelta(pgc0, await backendCpu(raw, 'self'))) };
    const copyRate = N / (copyMs / 1000);
    const storedAfterCopy = await count();
    if (storedAfterCopy !== N) throw new Error(`COPY stored ${storedAfterCopy} rows, expected ${N}`);
    const load = loadavg();
    const ratio = httpRate / copyRate;
    log(`  COPY   ${N.toLocaleString('en')} rows in ${(copyMs / 1000).toFixed(2)} s = ${Math.round(copyRate).toLocaleString('en')} rows/s; ${fmtCpu(copyCpu)} (node: writing the CSV)`);
    log(`  ratio  HTTP / COPY = ${ratio.toFixed(2)}   (goal: HTTP ≥ 50,000 events/s)   load average ${load0.map((x) => x.toFixed(2)).join(' ')} → ${load.map((x) => x.toFixed(2)).join(' ')}`);
    return {
      events: N, batchSize, concurrency,
      http: { ms: r.ms, eventsPerSec: httpRate, cpu: httpCpu },
      copy: { ms: copyMs, rowsPerSec: copyRate, cpu: copyCpu },
      ratio,
      checks: { storedAfterHttp, resendAccepted: again.accepted, resendDuplicates: again.duplicates, storedAfterResend, storedAfterCopy },
      load,
    };
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await raw.end({ timeout: 5 });
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runIngestBench().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
