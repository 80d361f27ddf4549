/**
 * `npm run bench:analytics`: the dashboard endpoints over a generated tenant, p50/p95 each, next
 * to the same figures computed by naive SQL over the raw tables in the same run; and the
 * incremental MRR (mrr_movements, rebuilt as the services keep it) must equal the naive MRR
 * computed straight from subscription_phases, month by month, exactly.
 *
 *   DATABASE_URL     admin URL of a PostgreSQL server: a fresh database bw_bench_analytics_<random>
 *                    is created and dropped afterwards; without it, PGlite in a temporary folder
 *   BENCH_CUSTOMERS  customers (default 100000: 24 months of invoices and payments each ≈ 2.4 M rows each)
 *   BENCH_RUNS       requests per endpoint (default 20)
 *   BENCH_KEEP=1     keep the database afterwards (to EXPLAIN ANALYZE by hand); its name is printed
 *
 * Plans are flat (monthly 10,000 / 30,000 KRW, yearly 240,000 KRW) so that naive SQL can price a
 * phase by itself: amount ÷ 12 for the yearly plan. Usage events are not generated (yet).
 */
import { randomBytes } from 'node:crypto';
import { tmpdir, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { createDb, type DbHandle } from '../../server/db/client';
import { createApp } from '../../server/app';
import { seedDemo } from '../../seeds/demo';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { rebuildMrrMovements } from '../../server/analytics/movements';
import { monthlyFromFacts, monthlyFromRaw } from '../../server/analytics/receivables';
import { monthRange } from '../../server/analytics/filters';

const KEY = 'bw_live_bench_analytics_key_00000000';
const N = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function open(): Promise<{ handle: DbHandle; cleanup: () => Promise<void>; name: string }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `bw_bench_analytics_${randomBytes(5).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const handle = await createDb({ databaseUrl: u.toString() });
    const keep = process.env.BENCH_KEEP === '1';
    return { handle, name: `PostgreSQL (${name})`, cleanup: async () => { await handle.close(); if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`); await admin.end({ timeout: 5 }); } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-analytics-'));
  const handle = await createDb({ dataDir: dir });
  return { handle, name: `PGlite (${dir})`, cleanup: async () => { await handle.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function generate(handle: DbHandle, tenantId: string) {
  const db = handle.db;
  const ctx = systemCtx(db, tenantId, PERMISSION_CODES);
  const flat = (code: string, amount: string, interval: string) => ({ code, name: code, currency: 'KRW', interval, intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }] });
  await importDocuments({ ctx, effectiveFrom: '2020-01-01', plans: [flat('bm', '10000', 'month'), flat('bp', '30000', 'month'), flat('by', '240000', 'year')] });
  const t = tenantId;
  await db.execute(sql`insert into customers (tenant_id, external_id, type, name, country, timezone, currency, segment)
    select ${t}, 'BA-' || i, case when i % 4 = 0 then 'individual' else 'corporate' end, 'Bench ' || i, 'KR', 'Asia/Seoul', 'KRW', (array['smb','mid','enterprise'])[1 + i % 3]
    from generate_series(1, ${N}) i`);
  // one subscription each: start spread over 24 months; a quarter upgrade to bp after 90 days; a tenth cancel after 200 days
  await db.execute(sql`insert into subscriptions (tenant_id, customer_id, plan_code, status, start_date, end_date, quantities)
    select ${t}, c.id, (array['bm','bp','by'])[1 + n % 3], 'active', current_date - 730 + (n * 37 % 720),
      case when n % 10 = 0 then current_date - 730 + (n * 37 % 720) + 200 end, '{}'::jsonb
    from (select id, substring(external_id from 4)::int as n from customers where tenant_id = ${t}) c`);
  await db.execute(sql`insert into subscription_phases (tenant_id, subscription_id, plan_code, start_date, end_date, reason)
    select s.tenant_id, s.id, s.plan_code, s.start_date,
      case when c.n % 4 = 0 then least(s.start_date + 90, coalesce(s.end_date, s.start_date + 90)) else s.end_date end, 'signup'
    from subscriptions s join (select id, substring(external_id from 4)::int as n from customers where tenant_id = ${t}) c on c.id = s.customer_id where s.tenant_id = ${t}`);
  await db.execute(sql`insert into subscription_phases (tenant_id, subscription_id, plan_code, start_date, end_date, reason)
    select s.tenant_id, s.id, 'bp', s.start_date + 90, s.end_date, 'upgrade'
    from subscriptions s join (select id, substring(external_id from 4)::int as n from customers where tenant_id = ${t}) c on c.id = s.customer_id
    where s.tenant_id = ${t} and c.n % 4 = 0 and (s.end_date is null or s.end_date > s.start_date + 90)`);
  // an invoice per customer and month since the start; most paid by one payment
  await db.execute(sql`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines, subtotal, discount_total, tax_total, total, amount_due, amount_paid)
    select ${t}, s.customer_id, s.customer_id, m::date, (m + interval '1 month')::date, 'KRW',
      case when (g.k + s.n) % 11 = 0 then 'finalized' else 'paid' end, 'B-' || s.n || '-' || g.k, m::date, m::date + 14, '[]'::jsonb, 11000, 0, 1000, 11000, 11000,
      case when (g.k + s.n) % 11 = 0 then 0 else 11000 end
    from (select s.customer_id, s.start_date, coalesce(s.end_date, current_date) as until, substring(c.external_id from 4)::int as n
          from subscriptions s join customers c on c.id = s.customer_id where s.tenant_id = ${t}) s
    cross join lateral generate_series(date_trunc('month', s.start_date), s.until, interval '1 month') with ordinality as g(m, k)`);
  await db.execute(sql`insert into payments (tenant_id, bill_to, customer_id, method, amount, currency, received_on, status, created_at)
    select i.tenant_id, i.bill_to, i.customer_id, (array['card','bank_transfer','virtual_account'])[1 + abs(hashtext(i.id::text)) % 3], 11000, 'KRW',
      least(i.issue_date + abs(hashtext(i.number)) % 30, current_date), 'succeeded', (i.issue_date + abs(hashtext(i.number)) % 30)::timestamp + make_interval(hours => abs(hashtext(i.id::text)) % 24)
    from invoices i where i.tenant_id = ${t} and i.status = 'paid'`);
  await db.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount)
    select p.tenant_id, p.id, i.id, 11000 from payments p join invoices i on i.tenant_id = p.tenant_id and i.customer_id = p.customer_id
      and i.status = 'paid' and p.received_on = least(i.issue_date + abs(hashtext(i.number)) % 30, current_date)
    where p.tenant_id = ${t}`.append(sql` on conflict do nothing`));
  // A live database has planner statistics (autovacuum; PGlite has none, so the app's bulk
  // writers ANALYZE too): without them the planner takes every fresh table for empty.
  await db.execute(sql`analyze`);
  const started = Date.now();
  const rows = await rebuildMrrMovements(db, t);
  return { movements: rows, rebuildMs: Date.now() - started };
}

/** Month-end MRR and customers straight from the phases (flat plans: amount, yearly ÷ 12). */
function naiveMrr(t: string, months: string[]) {
  return sql`select to_char(m, 'YYYY-MM') as month, sum(v)::text as mrr, count(distinct customer_id)::int as customers from (
      select m, s.customer_id, case p.plan_code when 'bm' then 10000 when 'bp' then 30000 else 20000 end as v
      from generate_series(${`${months[0]}-01`}::date, ${`${months.at(-1)}-01`}::date, interval '1 month') m
      join subscription_phases p on p.tenant_id = ${t} and p.start_date < least((m + interval '1 month')::date, current_date + 1)
        and (p.end_date is null or p.end_date >= least((m + interval '1 month')::date, current_date + 1))
      join subscriptions s on s.id = p.subscription_id) x group by 1 order by 1`;
}

async function main() {
  const { handle, cleanup, name } = await open();
  try {
    await handle.migrate();
    const { tenantId } = await seedDemo(handle.db, { apiKey: KEY, withData: false });
    const gen = await generate(handle, tenantId);
    const [{ n: invoiceCount }] = rowsOf(await handle.db.execute(sql`select count(*)::int as n from invoices`));
    console.log(`${name}: ${N} customers, ${invoiceCount} invoices; ${gen.movements} MRR movements rebuilt in ${gen.rebuildMs} ms; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const app = createApp({ db: handle.db, dbKind: handle.kind });
    const get = async (path: string) => {
      const res = await app.request(path, { headers: { authorization: `Bearer ${KEY}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const time = async (label: string, fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) { const s = performance.now(); await fn(); ms.push(performance.now() - s); }
      console.log(`${label.padEnd(44)} p50 ${pct(ms, 50).toFixed(1).padStart(8)} ms   p95 ${pct(ms, 95).toFixed(1).padStart(8)} ms`);
    };
    const mrr = await get('/api/v1/analytics/mrr?currency=KRW');
    for (const p of ['mrr', 'cohorts', 'receivables', 'payment-patterns', 'promotions', 'reporting', 'revenue-mix', 'retry-recovery']) await time(`GET /analytics/${p}`, () => get(`/api/v1/analytics/${p}`));
    await time('naive SQL: month-end MRR from phases', () => handle.db.execute(naiveMrr(tenantId, mrr.months)));
    const ctx = systemCtx(handle.db, tenantId, PERMISSION_CODES);
    const range = await monthRange(ctx, {});
    await time('naive SQL: billed/collected/outstanding raw', () => monthlyFromRaw(ctx, {}, range));
    // exactness: receivable_facts (kept by triggers) == the raw tables, every month and currency
    const [facts, raw] = [await monthlyFromFacts(ctx, {}, range), await monthlyFromRaw(ctx, {}, range)];
    let badR = facts.currencies.join() === raw.currencies.join() ? 0 : 1;
    for (const m of range.months) for (const c of raw.currencies) {
      const [a, b] = [facts.cell(m, c), raw.cell(m, c)];
      if (!a.billed.equals(b.billed) || !a.collected.equals(b.collected) || !a.outstanding.equals(b.outstanding)) { badR++; console.log(`MISMATCH receivables ${m} ${c}: facts ${a.billed}/${a.collected}/${a.outstanding}, raw ${b.billed}/${b.collected}/${b.outstanding}`); }
    }
    console.log(badR ? `receivable facts != raw in ${badR} cells` : `receivable facts == raw in all ${range.months.length} months (billed, collected, outstanding)`);
    if (badR) process.exitCode = 1;
    // exactness: incremental (movements) == naive (phases), every month
    const naive = rowsOf(await handle.db.execute(naiveMrr(tenantId, mrr.months)));
    let bad = 0;
    for (const m of mrr.mrr) {
      const n = naive.find((x) => x.month === m.month);
      if (!n || Number(n.customers) !== m.endCustomers || BigInt(String(n.mrr).split('.')[0]) !== BigInt(m.endMrr)) { bad++; console.log(`MISMATCH ${m.month}: incremental ${m.endMrr} / ${m.endCustomers}, naive ${n?.mrr} / ${n?.customers}`); }
    }
    console.log(bad ? `incremental != naive in ${bad} months` : `incremental == naive in all ${mrr.mrr.length} months (MRR and customers)`);
    if (bad) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

await main();
