/**
 * The bill-run chunk as a job kind (server/jobs/README.md): the worker runs one chunk of payers,
 * the run is marked failed after the chunk's last attempt failed. Also the synchronous bill run.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { billRuns } from '../db/schema';
import type { Ctx } from '../lib/context';
import { registerJobKind, type Job, type JobKind, type JobRunEnv } from '../jobs/registry';
import { drainJobs } from '../jobs/worker';
import { BILL_RUN_JOB, createBillRun, type BillRunInput } from './bill-run-create';
import { getBillRun } from './bill-run-queries';
import { processPayers } from './bill-run-write';

/** One chunk of payers; marks the run running (the chunk with its last payer completes it). */
async function handleBillRunJob(job: Job, env: JobRunEnv) {
  const { db } = env;
  const { billRunId, billTo } = job.payload as { billRunId: string; billTo: string[] };
  const [run] = await db.select().from(billRuns).where(eq(billRuns.id, billRunId));
  if (!run) return;
  if (run.status === 'queued') await db.update(billRuns).set({ status: 'running', startedAt: env.now() }).where(and(eq(billRuns.id, run.id), eq(billRuns.status, 'queued')));
  await processPayers(db, run, billTo, { now: env.now, signal: env.signal, holdLease: env.holdLease });
}

async function failBillRun(db: Db, job: Job, err: unknown) {
  const { billRunId } = job.payload as { billRunId: string };
  await db.update(billRuns).set({ status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() }).where(eq(billRuns.id, billRunId));
}

const billRunChunkJob: JobKind = { kind: BILL_RUN_JOB, run: handleBillRunJob, onFinalFailure: failBillRun };

/** Registers billing's job kinds; called where a process starts (server/job-kinds.ts). */
export function registerBillingJobs() {
  registerJobKind(billRunChunkJob);
}

/**
 * Synchronous bill run (seeds, tests, small tenants): creates the run and processes its jobs
 * in-process right away instead of waiting for a worker.
 */
export async function runBillRunNow({ ctx, input }: { ctx: Ctx; input: BillRunInput }) {
  // Seeds and scripts call this without a process start-up that registered the kinds.
  registerBillingJobs();
  const created = await createBillRun({ ctx, input });
  await drainJobs(ctx.db, { workerId: `inline-${created.id.slice(0, 8)}`, now: ctx.now, filter: { kinds: [BILL_RUN_JOB], tenantId: ctx.tenantId, dedupeKeyPrefix: `billrun:${created.id}:` } });
  return getBillRun({ ctx, id: created.id });
}
