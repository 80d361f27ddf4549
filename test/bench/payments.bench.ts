/**
 * npm run bench:payments — on PostgreSQL when DATABASE_URL is set (a scratch database is created
 * and dropped), else on an embedded PGlite in a temporary folder. BENCH_PAYMENTS (default 100,000
 * on PostgreSQL, 2,000 on PGlite) customers with one open invoice each (34.10 USD, inserted raw:
 * setup, not measured). Then, each next to a reference measured in the same run (the machine is
 * shared and noisy, so ratios travel better than absolute numbers):
 *   1. allocation: recordPayment (the product's path: validate, insert, lock and allocate oldest
 *      due first, audit) for the first half, payments/s, vs a plain single-row UPDATE loop over
 *      the same invoices;
 *   2. auto-collection: one attempt per invoice of the second half against the sandbox gateway
 *      (the payments.auto_collect job: attempt row, pending payment, sandbox charge, settle and
 *      allocate), attempts/s;
 *   3. webhook ingestion: the sandbox's own signed webhooks for those charges, POSTed to
 *      /api/v1/webhooks/payments/sandbox in-process, webhooks/s; then every one again, which must
 *      be answered `duplicate` without a second write (receipts counted, payments unchanged).
 */
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq, sql } from 'drizzle-orm';
import { createDb } from '../../server/db/client';
import { createApp } from '../../server/app';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { registerJobKinds } from '../../server/job-kinds';
import { jobs, payments, webhookReceipts } from '../../server/db/schema';
import { recordPayment } from '../../server/payments/record-payment';
import { PaymentIn } from '../../server/payments/schemas';
import { addPaymentMethod } from '../../server/payments/methods/add-payment-method';
import { PaymentMethodIn } from '../../server/payments/methods/schemas';
import { AUTO_COLLECT_KIND, scheduleCollection } from '../../server/payments/collection/schedule';
import { SANDBOX_WEBHOOK_KIND, signSandbox } from '../../server/payments/gateways/sandbox-webhooks';
import { drainJobs } from '../../server/jobs/worker';

registerJobKinds();
const url = process.env.DATABASE_URL;
const N = Number(process.env.BENCH_PAYMENTS ?? (url ? 100_000 : 2_000));
const half = Math.floor(N / 2);
const secs = (t: number) => (performance.now() - t) / 1000;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
const rows = <T>(r: unknown) => ((r as { rows?: T[] }).rows ?? (r as T[]));

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
// PGlite has one connection: parallel callers would only queue.
const PARALLEL = url ? 4 : 1;
async function inParallel<T>(items: T[], fn: (x: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => { while (next < items.length) await fn(items[next++]); }));
}

try {
  await h.migrate();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code: 'pay', name: 'pay', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'a@pay.test', name: 'a', password: 'bench-pass-1' } } });
  const tenantId = r.tenant.id;
  const ctx = systemCtx(h.db, tenantId, PERMISSION_CODES, () => new Date('2025-04-10T12:00:00Z'));
  const app = createApp({ db: h.db, dbKind: h.kind, now: ctx.now });
  console.log(`bench:payments on ${url ? 'PostgreSQL' : 'PGlite'}, ${N.toLocaleString('en-US')} open invoices, ${PARALLEL} parallel caller(s); load ${loadavg()[0].toFixed(1)}`);

  let t0 = performance.now();
  await h.db.execute(sql`insert into customers (tenant_id, external_id, type, name, email, country, timezone, currency)
    select ${tenantId}, 'c-' || g, 'corporate', 'Customer ' || g, 'c' || g || '@bench.test', 'US', 'UTC', 'USD' from generate_series(1, ${N}) g`);
  await h.db.execute(sql`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines, subtotal, discount_total, tax_total, total, amount_due)
    select ${tenantId}, c.id, c.id, '2025-03-01', '2025-04-01', 'USD', 'finalized', 'INV-P-' || c.external_id, '2025-04-01', '2025-04-15',
      '[{"kind":"charge","description":"Plan","amount":"34.10"}]'::jsonb, 34.10, 0, 0, 34.10, 34.10
    from customers c where c.tenant_id = ${tenantId}`);
  const open = rows<{ id: string; bill_to: string }>(await h.db.execute(sql`select id, bill_to from invoices where tenant_id = ${tenantId} order by number`));
  const manual = open.slice(0, half);
  const auto = open.slice(half);
  console.log(`setup: ${N} customers and invoices (raw INSERT) in ${secs(t0).toFixed(1)} s`);

  // 1. Allocation, next to a bare single-row UPDATE of the same invoices.
  t0 = performance.now();
  await inParallel(manual, (i) => h.db.execute(sql`update invoices set amount_paid = amount_paid where id = ${i.id}`));
  const updateS = secs(t0);
  t0 = performance.now();
  await inParallel(manual, (i) => recordPayment({ ctx, input: PaymentIn.parse({ billTo: i.bill_to, method: 'bank_transfer', amount: '34.10', currency: 'USD', receivedOn: '2025-04-10' }) }));
  const allocS = secs(t0);
  const [paid] = await h.db.execute(sql`select count(*)::int as n from invoices where tenant_id = ${tenantId} and status = 'paid'`).then((x) => rows<{ n: number }>(x));
  console.log(`allocation: ${manual.length} payments in ${allocS.toFixed(2)} s = ${rate(manual.length, allocS)} payments/s (invoices paid: ${paid.n}); single-row UPDATE loop ${rate(manual.length, updateS)} rows/s; payment ÷ UPDATE time ${(allocS / updateS).toFixed(1)}×`);

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

  // 3. The sandbox's signed webhooks for those charges, received twice.
  const queued = await h.db.select({ payload: jobs.payload }).from(jobs).where(and(eq(jobs.kind, SANDBOX_WEBHOOK_KIND), eq(jobs.tenantId, tenantId)));
  const bodies = queued.map((j) => (j.payload as { body: string }).body);
  const post = (body: string) => app.request(`/api/v1/webhooks/payments/sandbox?tenant=${tenantId}`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'billwise-sandbox-signature': signSandbox(tenantId, body) } });
  const outcomes: Record<string, number> = {};
  const ingest = async (body: string) => {
    const res = await post(body);
    const o = res.status === 200 ? ((await res.json()) as { outcome: string }).outcome : `http ${res.status}`;
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  };
  t0 = performance.now();
  await inParallel(bodies, ingest);
  const hookS = secs(t0);
  console.log(`webhooks: ${bodies.length} in ${hookS.toFixed(2)} s = ${rate(bodies.length, hookS)} webhooks/s; outcomes ${JSON.stringify(outcomes)}; webhook ÷ UPDATE time ${((hookS / bodies.length) / (updateS / manual.length)).toFixed(1)}×`);
  const [before] = await h.db.select({ n: count() }).from(payments).where(eq(payments.tenantId, tenantId));
  for (const k of Object.keys(outcomes)) delete outcomes[k];
  t0 = performance.now();
  await inParallel(bodies, ingest);
  const dupS = secs(t0);
  const [after] = await h.db.select({ n: count() }).from(payments).where(eq(payments.tenantId, tenantId));
  const [receipts] = await h.db.select({ n: count() }).from(webhookReceipts).where(eq(webhookReceipts.tenantId, tenantId));
  console.log(`the same webhooks again: ${rate(bodies.length, dupS)} webhooks/s; outcomes ${JSON.stringify(outcomes)} (all must be duplicate); payments ${before.n} → ${after.n} (must not change); receipts stored ${receipts.n}; load ${loadavg()[0].toFixed(1)}`);
} finally {
  await h.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
