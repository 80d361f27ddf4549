/**
 * A bill-run chunk is written only by the worker that holds its lease: a worker that lost the job
 * to another one (it stalled past its lease) writes no invoice, bill or counter and leaves the job
 * as the other worker has it; the other worker then bills the chunk once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshDb } from '../support/db';
import type { DbHandle } from '../../server/db/client';
import { bills, invoices, jobs } from '../../server/db/schema';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { BILL_RUN_JOB, createBillRun, getBillRun } from '../../server/billing/bill-runs';
import { claim } from '../../server/jobs/queue';
import { LeaseLostError, runJob } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let h: DbHandle;
let ctx: Ctx;
let tenantId: string;

beforeAll(async () => {
  h = await freshDb();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code: 'lease', name: 'Lease Inc.', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'admin@lease.test', name: 'A', password: 'lease-pass-1' } } });
  tenantId = r.tenant.id;
  ({ ctx } = await billingWorld(h.db, tenantId, 3, { start: '2025-03-01' }));
});
afterAll(() => h.close());

const counts = async () => {
  const [{ i }] = await h.db.select({ i: sql<number>`count(*)::int` }).from(invoices).where(eq(invoices.tenantId, tenantId));
  const [{ b }] = await h.db.select({ b: sql<number>`count(*)::int` }).from(bills).where(eq(bills.tenantId, tenantId));
  return [Number(i), Number(b)];
};

describe('a bill-run chunk whose lease was lost', () => {
  it('is not written by the loser, and is written once by the worker that took it over', async () => {
    const run = await createBillRun({ ctx, input: { periodStart: '2025-03-01', allowOpenPeriod: true } }); // the fixture's clock: March is open
    const job = (await claim(h.db, 'w-stalled', { filter: { kinds: [BILL_RUN_JOB], tenantId } }))!;
    expect(job).not.toBeNull();
    // w-stalled's lease ran out and w-other claimed the job meanwhile.
    await h.db.update(jobs).set({ lockedBy: 'w-other', lockedUntil: new Date(Date.now() + 60_000) }).where(eq(jobs.id, job.id));

    await expect(runJob(h.db, job, 'w-stalled', ctx.now)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await counts()).toEqual([0, 0]);
    expect((await h.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]).toMatchObject({ status: 'running', lockedBy: 'w-other', lastError: null });
    expect((await getBillRun({ ctx, id: run.id })).progress.processedPayers).toBe(0);

    await runJob(h.db, job, 'w-other', ctx.now);
    expect(await counts()).toEqual([3, 3]);
    expect(await getBillRun({ ctx, id: run.id })).toMatchObject({ status: 'completed', invoicesCreated: 3, progress: { processedPayers: 3 } });
  });
});
