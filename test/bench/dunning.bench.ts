/**
 * npm run bench:dunning — needs DATABASE_URL (a PostgreSQL server; a scratch database is created
 * and dropped). BENCH_INVOICES (default 100,000) overdue invoices, one customer each, 1..60 days
 * overdue, under a 10-rule policy; one daily run (retries through the gateway seam, fees,
 * suspensions, reminders written to the outbox) while a second worker process
 * (`tsx server/jobs/worker-main.ts`, WORKER_TICK_MS=0) runs the `dunning.outbox` jobs its chunks
 * enqueue and e-mails the reminders to a local SMTP sink in this process, as a deployment with a
 * worker of its own for reminders would. Each day is reported with wall time (the run, and until
 * the last e-mail is accepted), CPU seconds (this process, the worker and the PostgreSQL backends)
 * and load, next to a bare SELECT of the same rows; then the same day again (must act on and send
 * nothing); then the next day (each invoice a day further on). BENCH_MAIL=off: no SMTP (reminders
 * fail fast as "not configured"), and no second worker.
 */
import postgres from 'postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { createDb } from '../../server/db/client';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createMailer } from '../../server/mail';
import { runDunning } from '../../server/dunning/run';
import { sendOutbox } from '../../server/dunning/outbox-send';
import { backendCpu, cpuDelta, processCpuMs } from './support/cpu';
import { registerJobKinds } from '../../server/job-kinds';

registerJobKinds();
const url = process.env.DATABASE_URL;
if (!url) {
  console.log('bench:dunning skipped: set DATABASE_URL to a PostgreSQL server (the bench creates and drops its own database)');
  process.exit(0);
}
const N = Number(process.env.BENCH_INVOICES ?? 100_000);
const MAIL = process.env.BENCH_MAIL !== 'off';
const TODAY = '2025-06-01';
const name = `bw_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(url, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const u = new URL(url);
u.pathname = `/${name}`;
const h = await createDb({ databaseUrl: u.toString() });
const raw = postgres(u.toString(), { max: 2, onnotice: () => {} });
const secs = (t: number) => (performance.now() - t) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let mails = 0;
const smtp = new SMTPServer({ secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
  onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => { mails++; cb(); }); } });
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
const smtpPort = (smtp.server.address() as AddressInfo).port;
const mailer = createMailer({ host: '127.0.0.1', port: smtpPort, secure: false, from: 'bench@billwise.test' });
/** The reminders' worker: its own process, polling every 50 ms, never turning schedules into jobs (the bench's dates are not today). */
let worker = null as ChildProcess | null;
const startWorker = () => {
  worker = spawn('npx', ['tsx', 'server/jobs/worker-main.ts'], {
    env: { ...process.env, DATABASE_URL: u.toString(), SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), MAIL_FROM: 'bench@billwise.test', WORKER_TICK_MS: '0', WORKER_POLL_MS: '50' },
    stdio: ['ignore', 'ignore', 'inherit'], detached: true,
  });
};
const workerCpuS = () => {
  // utime + stime of the worker's process group (npx → node), in clock ticks of 1/100 s
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (worker?.pid && Number(f[2]) === worker.pid) ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return ticks / 100;
};

const od = (n: number) => ({ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: n });
const rule = (id: string, priority: number, all: unknown[], params: Record<string, unknown>) => ({ id, name: id, kind: 'dunning', priority, conditions: { all }, event: { type: 'dunning', params } });
const POLICY = [
  rule('public-only', 100, [{ fact: 'customer.type', operator: 'equal', value: 'public' }], { action: 'exclude', reason: 'budget cycle', allowActions: ['remind'] }),
  rule('vip-hold', 99, [{ fact: 'customer.tags', operator: 'contains', value: 'vip' }], { action: 'exclude', reason: 'account manager', allowActions: [] }),
  rule('remind-3', 50, [od(3)], { action: 'remind' }),
  rule('remind-14', 49, [od(14), { fact: 'payer.overdueBalance', operator: 'greaterThan', value: 10 }], { action: 'remind', template: 'second' }),
  rule('retry-5', 40, [od(5), { fact: 'payment.attempts', operator: 'lessThan', value: 2 }], { action: 'retry_payment' }),
  rule('retry-10', 39, [od(10)], { action: 'retry_payment' }),
  rule('fee-15', 30, [od(15)], { action: 'late_fee', percent: '2', cap: '50' }),
  rule('suspend-30', 20, [od(30), { fact: 'calendar.weekday', operator: 'lessThanInclusive', value: 7 }], { action: 'suspend' }),
  rule('escalate-45', 10, [od(45), { fact: 'invoice.amountDue', operator: 'greaterThan', value: 30 }], { action: 'escalate', queue: 'collections' }),
  rule('write-off-58', 5, [od(58), { fact: 'invoice.amountDue', operator: 'lessThan', value: 1 }], { action: 'write_off', reason: 'small balance' }),
];

try {
  await h.migrate();
  if (MAIL) startWorker();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code: 'dun', name: 'dun', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'a@dun.test', name: 'a', password: 'bench-pass-1' } } });
  const tenantId = r.tenant.id;
  await importDocuments({ ctx: systemCtx(h.db, tenantId, PERMISSION_CODES), rules: POLICY, effectiveFrom: '2025-01-01' });
  let t0 = performance.now();
  await raw`insert into customers (tenant_id, external_id, type, name, email, country, timezone, currency, tags)
    select ${tenantId}, 'c-' || g, case when g % 20 = 0 then 'public' else 'corporate' end, 'Customer ' || g, 'c' || g || '@bench.test', 'US', 'UTC', 'USD',
      case when g % 50 = 0 then array['vip'] else array[]::text[] end from generate_series(1, ${N}) g`;
  await raw`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines, subtotal, discount_total, tax_total, total, amount_due)
    select ${tenantId}, c.id, c.id, '2025-03-01', '2025-04-01', 'USD', 'finalized', 'INV-B-' || c.external_id, ${TODAY}::date - (1 + (row_number() over ()) % 60)::int - 14,
      ${TODAY}::date - (1 + (row_number() over ()) % 60)::int, '[{"kind":"charge","description":"Plan","amount":"34.10"}]'::jsonb, 34.10, 0, 0, 34.10, 34.10
    from customers c where c.tenant_id = ${tenantId}`;
  console.log(`setup: ${N} customers and overdue invoices in ${secs(t0).toFixed(1)} s`);
  const cpu = async () => ({ node: process.cpuUsage(), pg: await backendCpu(raw, 'others') });
  const cpuSince = async (from: Awaited<ReturnType<typeof cpu>>) => {
    const node = processCpuMs(from.node).ms / 1000;
    const pgMs = cpuDelta(from.pg, (await cpu()).pg);
    return { node, pg: pgMs === null ? null : pgMs / 1000, text: `CPU node ${node.toFixed(1)} s, PostgreSQL backends ${pgMs === null ? 'n/a' : `${(pgMs / 1000).toFixed(1)} s`}` };
  };
  const c0 = await cpu();
  t0 = performance.now();
  const rows = await raw`select * from invoices where tenant_id = ${tenantId} and status in ('finalized', 'partially_paid', 'payment_failed') and due_date < ${TODAY}`;
  const selectS = secs(t0);
  const selectCpu = await cpuSince(c0);
  console.log(`bare SELECT of the ${rows.length} overdue rows: ${selectS.toFixed(2)} s = ${Math.round(rows.length / selectS)} rows/s (${selectCpu.text})`);
  /**
   * One day end to end: the run here, the reminders e-mailed by the worker process as the run's chunks enqueue its jobs.
   * Ends when no reminder waits in the outbox and no outbox job is left.
   */
  const day = async (label: string, date: string, at: string) => {
    const now = () => new Date(`${date}T${at}Z`);
    const timings: Record<string, number> = {};
    const c = await cpu();
    const w0 = workerCpuS();
    const m0 = mails;
    const t = performance.now();
    const summary = await runDunning({ db: h.db, tenantId, now, date, timings });
    const runS = secs(t);
    if (!MAIL) await sendOutbox({ db: h.db, tenantId, now, mailer: null });
    for (;;) {
      const [{ n }] = await raw`select (select count(*) from dunning_outbox where status in ('pending', 'sending'))
        + (select count(*) from jobs where kind = 'dunning.outbox' and status in ('queued', 'running')) as n`;
      if (Number(n) === 0) break;
      await sleep(20);
    }
    const totalS = secs(t);
    const used = await cpuSince(c);
    const [box] = await raw`select count(*) filter (where status = 'sent') as sent, count(*) filter (where status = 'failed') as failed, count(*) filter (where status = 'pending') as retrying
      from dunning_outbox where run_date = ${date}`;
    const sent = { sent: Number(box.sent), failed: Number(box.failed), retrying: Number(box.retrying) };
    used.text += `, reminders' worker ${(workerCpuS() - w0).toFixed(1)} s (${mails - m0} e-mails received by the sink)`;
    console.log(`${label}: ${summary.invoices} invoices; the run done in ${runS.toFixed(1)} s = ${Math.round(summary.invoices / runS)} invoices/s (acted ${summary.acted}, failed ${summary.failed}, excluded ${summary.excluded}, reminders queued ${summary.queued}); `
      + `${sent.sent} e-mails sent (${sent.failed} failed, ${sent.retrying} waiting for a retry), the last ${(totalS - runS).toFixed(1)} s after the run; `
      + `end to end ${totalS.toFixed(1)} s = ${Math.round(summary.invoices / totalS)} invoices/s; ${used.text}; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`${label} phases (wall s, overlapping): ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ')}`);
    return { summary, totalS, runS, sent };
  };
  const first = await day('first run', TODAY, '12:00:00');
  console.log(`first run ÷ SELECT ${(first.runS / selectS).toFixed(1)}× wall; e-mails received by the sink ${mails}`);
  const now = () => new Date(`${TODAY}T12:00:00Z`);
  t0 = performance.now();
  const again = await runDunning({ db: h.db, tenantId, now: () => new Date(`${TODAY}T13:00:00Z`), date: TODAY });
  const again2 = await sendOutbox({ db: h.db, tenantId, now, mailer: MAIL ? mailer : null });
  console.log(`same day again: ${again.invoices} invoices in ${secs(t0).toFixed(1)} s, acted ${again.acted}, queued ${again.queued}, sent ${again2.sent} (all must be 0), e-mails now ${mails}`);
  // The night between two daily runs: what autovacuum does in those hours to the day's 1.4 M new rows (here at once, so it does not run during the next day)
  t0 = performance.now();
  await raw`vacuum (analyze)`;
  console.log(`the night between: VACUUM (ANALYZE) of the database in ${secs(t0).toFixed(1)} s`);
  // The next day: what a daily run does once a policy is running (each invoice a day further on; only the steps whose day came act)
  await day('next day', '2025-06-02', '12:00:00');
} finally {
  if (worker?.pid) try { process.kill(-worker.pid, 'SIGTERM'); } catch { /* gone */ }
  mailer.close();
  await new Promise<void>((res) => smtp.close(() => res()));
  await raw.end();
  await h.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
