/**
 * npm run bench:payments — on PostgreSQL when DATABASE_URL is set (a scratch database is created
 * and dropped), else on an embedded PGlite in a temporary folder. BENCH_PAYMENTS (default 100,000
 * on PostgreSQL, 2,000 on PGlite) customers with one open invoice each (34.10 USD, inserted raw:
 * setup, not measured). Then, each next to a reference measured in the same run (the machine is
 * shared and noisy, so ratios travel better than absolute numbers):
 *   1. allocation, 100,000 payments against the 100,000 open invoices in all (one each):
 *      recordPayment (POST /payments: validate, insert, lock and allocate oldest due first,
 *      audit) for BENCH_ALLOCATE (default 2,000) invoices, payments/s, vs a plain single-row
 *      UPDATE loop over the same invoices; then recordPayments (POST /payments/batch, the same
 *      checks, allocation and audit per payment with the statements per batch of 1,000) for every
 *      invoice that phases 2 and 3 do not pay; the rest are paid by phase 2's charges and phase 3's
 *      settling webhooks, and the summary counts the invoices paid;
 *   2. auto-collection: one attempt per invoice for BENCH_COLLECT (default 200) of the second half
 *      against the sandbox gateway (the payments.auto_collect job: attempt row, pending payment,
 *      sandbox charge, settle and allocate), attempts/s;
 *   3. webhook ingestion: the sandbox's own signed webhooks for those charges, POSTed over real
 *      HTTP (the app served by @hono/node-server on loopback, keep-alive) to
 *      /api/v1/webhooks/payments/sandbox by BENCH_WEBHOOK_PARALLEL (default 48) concurrent
 *      senders in this process, as a gateway delivers a burst: webhooks/s until each has its answer
 *      (verified and stored in the inbox: server/payments/webhooks/inbox.ts); then the inbox job
 *      applying them (they are late news: the charges' own answers settled the payments), receipts/s;
 *      then every webhook again, which must be answered `duplicate` without any write (receipts
 *      and payments counted before and after).
 * Every phase also prints its CPU seconds (this process, senders included, and this database's
 * PostgreSQL backends from /proc) and the load average, and a summary table at the end: on a
 * shared machine the wall-clock rate says more about the neighbours than about the code.
 */
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { runTsWorker } from './support/worker';
import type { SenderJob, SenderResult } from './support/webhook-sender';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { and, count, eq, sql } from 'drizzle-orm';
import { createDb } from '../../server/db/client';
import { createApp } from '../../server/app';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { registerJobKinds } from '../../server/job-kinds';
import { jobs, payments, webhookReceipts } from '../../server/db/schema';
import { recordPayment, recordPayments } from '../../server/payments/record-payment';
import { PaymentIn } from '../../server/payments/schemas';
import { addPaymentMethod } from '../../server/payments/methods/add-payment-method';
import { PaymentMethodIn } from '../../server/payments/methods/schemas';
import { AUTO_COLLECT_KIND, scheduleCollection } from '../../server/payments/collection/schedule';
import { SANDBOX_WEBHOOK_KIND } from '../../server/payments/gateways/sandbox-webhooks';
import { drainJobs } from '../../server/jobs/worker';
import { WEBHOOK_INBOX_KIND } from '../../server/payments/webhooks/inbox';

registerJobKinds();
const url = process.env.DATABASE_URL;
const N = Number(process.env.BENCH_PAYMENTS ?? (url ? 100_000 : 2_000));
const half = Math.floor(N / 2);
// One payment per request (recordPayment, an auto-collection attempt, a settling webhook) is measured
// on a sample: at about 100 payments/s on this machine the whole 100,000 would take a quarter of an
// hour. The batch path pays every other invoice.
const ALLOC = Math.min(half, Number(process.env.BENCH_ALLOCATE ?? 2_000));
const BATCH = 1_000;
const COLLECT = Math.min(N - half, Number(process.env.BENCH_COLLECT ?? 200));
const SETTLE = Math.min(N - half - COLLECT, Number(process.env.BENCH_SETTLE ?? 2_000));
const secs = (t: number) => (performance.now() - t) / 1000;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
const rows = <T>(r: unknown) => ((r as { rows?: T[] }).rows ?? (r as T[]));

/**
 * CPU seconds of this process and of the database's backends (PostgreSQL on this machine: their
 * /proc/<pid>/stat, utime + stime at 100 ticks/s), so a figure taken at load 25 can be read
 * against one taken at load 2.
 */
let backendPids: () => Promise<number[]> = async () => [];
function procTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch { return 0; }
}
async function cpuMark() {
  const pids = await backendPids();
  return { proc: process.cpuUsage(), db: new Map(pids.map((p) => [p, procTicks(p)])) };
}
async function cpuSince(m: Awaited<ReturnType<typeof cpuMark>>) {
  const u = process.cpuUsage(m.proc);
  let ticks = 0;
  for (const pid of await backendPids()) ticks += procTicks(pid) - (m.db.get(pid) ?? 0);
  return { node: (u.user + u.system) / 1e6, db: ticks / 100 };
}
const fmtCpu = (c: { node: number; db: number }) => `CPU node ${c.node.toFixed(1)} s + PostgreSQL backends ${c.db.toFixed(1)} s`;
const table: string[][] = [];

const name = `bw_bench_${randomBytes(4).toString('hex')}`;
const admin = url ? postgres(url, { max: 1, onnotice: () => {} }) : null;
let dataDir: string | null = null;
let dbUrl: string | undefined;
if (admin && url) {
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  dbUrl = u.toString();
} else {
  dataDir = mkdtempSync(join(tmpdir(), 'bw-bench-pay-'));
}
const h = await createDb({ databaseUrl: dbUrl, dataDir: dataDir ?? undefined });
if (admin) backendPids = async () => (await admin.unsafe(`select pid from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`)).map((r) => Number(r.pid));
// PGlite has one connection: parallel callers would only queue.
const PARALLEL = url ? 4 : 1;
// A gateway delivers a burst of webhooks over many connections at once; each waits for its answer.
const HOOK_PARALLEL = Number(process.env.BENCH_WEBHOOK_PARALLEL ?? 48);
async function inParallel<T>(items: T[], fn: (x: T) => Promise<unknown>, width = PARALLEL) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await fn(items[next++]); }));
}

try {
  await h.migrate();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code: 'pay', name: 'pay', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'a@pay.test', name: 'a', password: 'bench-pass-1' } } });
  const tenantId = r.tenant.id;
  const ctx = systemCtx(h.db, tenantId, PERMISSION_CODES, () => new Date('2025-04-10T12:00:00Z'));
  const app = createApp({ db: h.db, dbKind: h.kind, now: ctx.now });
  console.log(`bench:payments on ${url ? 'PostgreSQL' : 'PGlite'}, ${N.toLocaleString('en-US')} open invoices, ${PARALLEL} parallel caller(s); samples: ${ALLOC} recorded payments, ${COLLECT} auto-collections, ${SETTLE} settling webhooks of ${N}; load ${loadavg()[0].toFixed(1)}`);

  let t0 = performance.now();
  await h.db.execute(sql`insert into customers (tenant_id, external_id, type, name, email, country, timezone, currency)
    select ${tenantId}, 'c-' || g, 'corporate', 'Customer ' || g, 'c' || g || '@bench.test', 'US', 'UTC', 'USD' from generate_series(1, ${N}) g`);
  await h.db.execute(sql`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines, subtotal, discount_total, tax_total, total, amount_due)
    select ${tenantId}, c.id, c.id, '2025-03-01', '2025-04-01', 'USD', 'finalized', 'INV-P-' || c.external_id, '2025-04-01', '2025-04-15',
      '[{"kind":"charge","description":"Plan","amount":"34.10"}]'::jsonb, 34.10, 0, 0, 34.10, 34.10
    from customers c where c.tenant_id = ${tenantId}`);
  const open = rows<{ id: string; bill_to: string }>(await h.db.execute(sql`select id, bill_to from invoices where tenant_id = ${tenantId} order by number`));
  const manual = open.slice(0, ALLOC);
  const auto = open.slice(half, half + COLLECT);
  const settling = open.slice(half + COLLECT, half + COLLECT + SETTLE);
  const batched = [...open.slice(ALLOC, half), ...open.slice(half + COLLECT + SETTLE)];
  console.log(`setup: ${N} customers and invoices (raw INSERT) in ${secs(t0).toFixed(1)} s`);

  // 1. Allocation, next to a bare single-row UPDATE of the same invoices.
  let cpu = await cpuMark();
  t0 = performance.now();
  await inParallel(manual, (i) => h.db.execute(sql`update invoices set amount_paid = amount_paid where id = ${i.id}`));
  const updateS = secs(t0);
  const updateCpu = await cpuSince(cpu);
  cpu = await cpuMark();
  t0 = performance.now();
  await inParallel(manual, (i) => recordPayment({ ctx, input: PaymentIn.parse({ billTo: i.bill_to, method: 'bank_transfer', amount: '34.10', currency: 'USD', receivedOn: '2025-04-10' }) }));
  const allocS = secs(t0);
  const allocCpu = await cpuSince(cpu);
  const [paid] = await h.db.execute(sql`select count(*)::int as n from invoices where tenant_id = ${tenantId} and status = 'paid'`).then((x) => rows<{ n: number }>(x));
  console.log(`allocation: ${manual.length} payments in ${allocS.toFixed(2)} s = ${rate(manual.length, allocS)} payments/s (invoices paid: ${paid.n}); single-row UPDATE loop ${rate(manual.length, updateS)} rows/s; payment ÷ UPDATE time ${(allocS / updateS).toFixed(1)}×; ${fmtCpu(allocCpu)} (UPDATE loop: ${fmtCpu(updateCpu)})`);
  const perSec = (n: number, s: number) => rate(n, s);
  table.push(['single-row UPDATE loop (reference)', `${manual.length}`, `${updateS.toFixed(1)}`, `${perSec(manual.length, updateS)}/s`, `${updateCpu.node.toFixed(1)}`, `${updateCpu.db.toFixed(1)}`, '1']);
  table.push(['payments (recordPayment)', `${manual.length}`, `${allocS.toFixed(1)}`, `${perSec(manual.length, allocS)}/s`, `${allocCpu.node.toFixed(1)}`, `${allocCpu.db.toFixed(1)}`, `${(updateS / allocS * (manual.length / manual.length)).toFixed(2)}`]);
  const vsUpdate = (n: number, s: number) => ((n / s) / (manual.length / updateS)).toFixed(2);
  const pages: (typeof batched)[] = [];
  for (let k = 0; k < batched.length; k += BATCH) pages.push(batched.slice(k, k + BATCH));
  cpu = await cpuMark();
  t0 = performance.now();
  await inParallel(pages, (page) => recordPayments({ ctx, inputs: page.map((i) => PaymentIn.parse({ billTo: i.bill_to, method: 'bank_transfer', amount: '34.10', currency: 'USD', receivedOn: '2025-04-10' })) }));
  const batchS = secs(t0);
  const batchCpu = await cpuSince(cpu);
  const [paidBatch] = await h.db.execute(sql`select count(*)::int as n from invoices where tenant_id = ${tenantId} and status = 'paid'`).then((x) => rows<{ n: number }>(x));
  console.log(`allocation in batches: ${batched.length} payments in ${pages.length} batches of ${BATCH} in ${batchS.toFixed(2)} s = ${rate(batched.length, batchS)} payments/s (invoices paid now: ${paidBatch.n}); ${fmtCpu(batchCpu)}`);
  table.push([`payments (recordPayments, batches of ${BATCH})`, `${batched.length}`, `${batchS.toFixed(1)}`, `${perSec(batched.length, batchS)}/s`, `${batchCpu.node.toFixed(1)}`, `${batchCpu.db.toFixed(1)}`, vsUpdate(batched.length, batchS)]);

  // 2. Auto-collection attempts against the sandbox (methods saved first: setup).
  t0 = performance.now();
  await inParallel(auto, (i) => addPaymentMethod({ ctx, billTo: i.bill_to, input: PaymentMethodIn.parse({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 }, autoCollect: true }) }));
  for (const i of auto) await scheduleCollection(h.db, tenantId, i.id);
  console.log(`setup: ${auto.length} sandbox cards and collection jobs in ${secs(t0).toFixed(1)} s`);
  t0 = performance.now();
  const attempts = await drainJobs(h.db, { now: ctx.now, filter: { kinds: [AUTO_COLLECT_KIND], tenantId } });
  const collectS = secs(t0);
  const [collected] = rows<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from invoices where tenant_id = ${tenantId} and status = 'paid'`));
  console.log(`auto-collection: ${attempts} attempts in ${collectS.toFixed(2)} s = ${rate(attempts, collectS)} attempts/s (invoices paid now ${collected.n} of ${N}); attempt ÷ UPDATE time ${((collectS / attempts) / (updateS / manual.length)).toFixed(1)}×`);

  // 3. Signed sandbox webhooks, one per customer (N): the sandbox's own for the charges above, a
  // `payment.succeeded` that settles a pending sandbox payment for SETTLE more (allocated by the
  // inbox job), and late news of an already succeeded sandbox payment for the rest. The payments
  // are inserted raw (setup, not measured).
  t0 = performance.now();
  const queued = await h.db.select({ payload: jobs.payload }).from(jobs).where(and(eq(jobs.kind, SANDBOX_WEBHOOK_KIND), eq(jobs.tenantId, tenantId)));
  const pendingIds = new Set(settling.map((i) => i.id));
  const collectedIds = new Set(auto.map((i) => i.id));
  const made = rows<{ id: string; ref: string; status: string }>(await h.db.execute(sql`insert into payments (tenant_id, bill_to, customer_id, method, amount, currency, received_on, provider, provider_ref, status)
    select ${tenantId}, i.bill_to, i.customer_id, 'card', 34.10, 'USD', '2025-04-10', 'sandbox', 'sbx_bench_' || i.number,
      case when i.id = any(${`{${[...pendingIds].join(',')}}`}::uuid[]) then 'pending' else 'succeeded' end
    from invoices i where i.tenant_id = ${tenantId} and not (i.id = any(${`{${[...collectedIds].join(',')}}`}::uuid[]))
    returning id, provider_ref as ref, status`));
  const bodies = [...queued.map((j) => (j.payload as { body: string }).body),
    ...made.map((p) => JSON.stringify({ id: `evt_bench_${p.ref}`, type: 'payment.succeeded', data: { id: p.ref, orderId: p.id, status: 'succeeded' } }))];
  console.log(`setup: ${made.length} sandbox payments (${SETTLE} pending) for the webhooks (raw INSERT) in ${secs(t0).toFixed(1)} s`);
  // Over real HTTP, as a gateway delivers: the app served by @hono/node-server on loopback, a
  // keep-alive connection per concurrent sender.
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  const port = (server.address() as AddressInfo).port;
  // The senders (the gateway) run in a worker thread: they are not the server's work.
  const senderModule = new URL('./support/webhook-sender.ts', import.meta.url);
  const outcomes: Record<string, number> = {};
  const send = async () => {
    const r = await runTsWorker<SenderResult>(senderModule, { port, tenantId, bodies, parallel: HOOK_PARALLEL } satisfies SenderJob);
    for (const [k, n] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
  };
  const countReceipts = async () => (await h.db.select({ n: count() }).from(webhookReceipts).where(eq(webhookReceipts.tenantId, tenantId)))[0].n;
  cpu = await cpuMark();
  t0 = performance.now();
  await send();
  const hookS = secs(t0);
  const hookCpu = await cpuSince(cpu);
  table.push([`webhooks over HTTP (${HOOK_PARALLEL} in flight)`, `${bodies.length}`, `${hookS.toFixed(1)}`, `${rate(bodies.length, hookS)}/s`, `${hookCpu.node.toFixed(1)}`, `${hookCpu.db.toFixed(1)}`, vsUpdate(bodies.length, hookS)]);
  console.log(`webhooks: ${bodies.length} in ${hookS.toFixed(2)} s = ${rate(bodies.length, hookS)} webhooks/s (${HOOK_PARALLEL} concurrent senders); outcomes ${JSON.stringify(outcomes)}; webhook ÷ UPDATE time ${((hookS / bodies.length) / (updateS / manual.length)).toFixed(2)}×; ${fmtCpu(hookCpu)} (senders in a worker thread of this process, included)`);
  cpu = await cpuMark();
  t0 = performance.now();
  const inboxJobs = await drainJobs(h.db, { now: ctx.now, filter: { kinds: [WEBHOOK_INBOX_KIND], tenantId } });
  const applyS = secs(t0);
  const applyCpu = await cpuSince(cpu);
  table.push(['inbox job applying them', `${bodies.length}`, `${applyS.toFixed(1)}`, `${rate(bodies.length, applyS)}/s`, `${applyCpu.node.toFixed(1)}`, `${applyCpu.db.toFixed(1)}`, vsUpdate(bodies.length, applyS)]);
  const applied = rows<{ outcome: string; n: number }>(await h.db.execute(sql`select outcome, count(*)::int as n from webhook_receipts where tenant_id = ${tenantId} group by outcome order by outcome`));
  console.log(`inbox applied by ${inboxJobs} job(s) in ${applyS.toFixed(2)} s = ${rate(bodies.length, applyS)} receipts/s (${fmtCpu(applyCpu)}); receipts ${JSON.stringify(Object.fromEntries(applied.map((a) => [a.outcome, a.n])))}`);
  const [before] = await h.db.select({ n: count() }).from(payments).where(eq(payments.tenantId, tenantId));
  const receiptsBefore = await countReceipts();
  for (const k of Object.keys(outcomes)) delete outcomes[k];
  cpu = await cpuMark();
  t0 = performance.now();
  await send();
  const dupS = secs(t0);
  const dupCpu = await cpuSince(cpu);
  table.push(['duplicate deliveries over HTTP', `${bodies.length}`, `${dupS.toFixed(1)}`, `${rate(bodies.length, dupS)}/s`, `${dupCpu.node.toFixed(1)}`, `${dupCpu.db.toFixed(1)}`, vsUpdate(bodies.length, dupS)]);
  const [after] = await h.db.select({ n: count() }).from(payments).where(eq(payments.tenantId, tenantId));
  const [queuedJobs] = await h.db.select({ n: count() }).from(jobs).where(and(eq(jobs.kind, WEBHOOK_INBOX_KIND), eq(jobs.tenantId, tenantId), eq(jobs.status, 'queued')));
  console.log(`the same webhooks again: ${rate(bodies.length, dupS)} webhooks/s; outcomes ${JSON.stringify(outcomes)} (all must be duplicate); payments ${before.n} → ${after.n}, receipts ${receiptsBefore} → ${await countReceipts()}, inbox jobs queued ${queuedJobs.n} (none may change); load ${loadavg()[0].toFixed(1)}`);
  server.close();
  const [paidAll] = rows<{ n: number; payments: number }>(await h.db.execute(sql`select (select count(*)::int from invoices where tenant_id = ${tenantId} and status = 'paid') as n,
    (select count(distinct payment_id)::int from payment_allocations where tenant_id = ${tenantId}) as payments`));
  console.log(`allocated in all: ${paidAll.payments.toLocaleString('en-US')} payments, ${paidAll.n.toLocaleString('en-US')} of ${N.toLocaleString('en-US')} invoices paid`);
  const head = ['phase', 'rows', 'wall s', 'rate', 'CPU node s', 'CPU PG s', '× UPDATE rate'];
  const w = head.map((x, k) => Math.max(x.length, ...table.map((r) => r[k].length)));
  console.log(`\nsummary (load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; CPU = user+system seconds; PG = this database's backends)`);
  for (const r of [head, ...table]) console.log(r.map((x, k) => (k ? x.padStart(w[k]) : x.padEnd(w[k]))).join('  '));
} finally {
  await h.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
