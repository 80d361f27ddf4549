/**
 * Crash safety: a real worker process is SIGKILLed half-way through a bill run, a second worker
 * finishes it, and the result has no duplicates and the same totals as an undisturbed run (the
 * dry run of the same period, which rates exactly the same inputs without storing).
 * On PostgreSQL (TEST_DATABASE_URL) the parent keeps its connection open; on PGlite the data
 * directory is single-writer, so the parent closes its handle while a child runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { processDb, type ProcessDb } from '../support/process-db';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { bills, invoices, jobs } from '../../server/db/schema';
import { createBillRun, getBillRun, runBillRunNow } from '../../server/billing/bill-runs';
import { billingWorld } from '../scenarios/fixture';

const PG = process.env.TEST_DATABASE_URL;
const PAYERS = 40;
/** KILL_TEST_LEASE_MS=15000 measures recovery with the default lease. */
const LEASE = process.env.KILL_TEST_LEASE_MS ?? '1500';
let shared: ProcessDb | null = null;
let env: Record<string, string>;
const open = () => shared!.open();

/** Runs `tsx server/jobs/worker-main.ts`; `killAfter` jobs → SIGKILL. Resolves with the jobs it reported done. */
function worker(killAfter: number | null): Promise<{ done: number; killed: boolean; signal?: NodeJS.Signals | null; killedAt?: number; exitedAt?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/jobs/worker-main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let done = 0;
    let killed = false;
    let killedAt: number | undefined;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      // The bill run's chunk jobs only: the worker also runs the day's scheduled jobs it ticked (dunning, rollups, …).
      done += (b.toString().match(/\[jobs\] done bill_run\.chunk /g) ?? []).length;
      // npx → node: kill the whole process group, or the real worker survives its parent.
      if (killAfter !== null && done >= killAfter && !killed) { killed = true; killedAt = Date.now(); process.kill(-child.pid!, 'SIGKILL'); }
    });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    if (process.env.KILL_TEST_DEBUG) child.stdout.on('data', (b: Buffer) => process.stderr.write(`[child] ${b}`));
    child.on('exit', (code, signal) => {
      if (killed || code === 0) resolve({ done, killed, signal, killedAt, exitedAt: Date.now() });
      else reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

afterAll(async () => {
  await shared?.drop();
});

describe('a worker killed mid-run', () => {
  it('is finished by the next worker with no duplicates and the undisturbed totals', async () => {
    shared = await processDb('kill');
    env = { ...shared.env, JOB_LEASE_MS: LEASE, WORKER_EXIT_WHEN_IDLE: '1', WORKER_JOB_DELAY_MS: '150' };
    let h = await open();
    await h.migrate();
    const boot = systemCtx(h.db, '', PERMISSION_CODES);
    const r = await onboardTenant({ ctx: boot, input: { code: 'kill', name: 'Kill Inc.', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'admin@kill.test', name: 'A', password: 'kill-pass-1' } } });
    const tenantId = r.tenant.id;
    const { ctx } = await billingWorld(h.db, tenantId, PAYERS);
    const undisturbed = await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', dryRun: true } });
    const run = await createBillRun({ ctx, input: { periodStart: '2025-03-01', chunkSize: 2, allowOpenPeriod: true } }); // the fixture's clock: March is open
    const totalJobs = PAYERS / 2;
    if (!PG) await h.close();

    const first = await worker(6);
    expect(first.killed).toBe(true);
    if (!PG) h = await open();
    const mid = await getBillRun({ ctx: { ...ctx, db: h.db }, id: run.id });
    expect(mid.progress.processedPayers).toBeGreaterThan(0);
    expect(mid.progress.processedPayers).toBeLessThan(PAYERS);
    if (!PG) await h.close();

    // Started right away: the killed worker's leased job (it dies holding one: WORKER_JOB_DELAY_MS
    // runs after the claim) is taken over once the lease passes, and the worker only exits when
    // nothing is left running.
    const second = await worker(null);
    expect(second.done).toBeGreaterThan(0);
    console.log(`[kill test] lease ${env.JOB_LEASE_MS} ms: the run was complete ${second.exitedAt! - first.killedAt!} ms after the kill (incl. the second worker's start-up)`);
    expect(second.done).toBeLessThanOrEqual(totalJobs);

    if (!PG) h = await open();
    const c2 = { ...ctx, db: h.db };
    const after = await getBillRun({ ctx: c2, id: run.id });
    expect(after).toMatchObject({ status: 'completed', progress: { totalPayers: PAYERS, processedPayers: PAYERS, failedPayers: 0 }, billsCreated: PAYERS, invoicesCreated: PAYERS });
    expect(after.totals).toEqual(undisturbed.totals);
    const perPayer = (x: typeof after) => Object.fromEntries(x.payers!.map((p) => [p.billTo, p.total]));
    expect(perPayer(after)).toEqual(perPayer(undisturbed));
    const [{ n: nInv }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(invoices).where(eq(invoices.tenantId, tenantId));
    const [{ n: nBills }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(bills).where(eq(bills.tenantId, tenantId));
    expect([Number(nInv), Number(nBills)]).toEqual([PAYERS, PAYERS]);
    const open_ = await h.db.select().from(jobs).where(and(eq(jobs.tenantId, tenantId), sql`${jobs.status} <> 'done'`));
    expect(open_).toHaveLength(0);
    await h.close();
  }, 180_000);
});
