/**
 * The job worker: polls the jobs table and runs each job's handler. Runs in-process at server
 * start (`startWorker(db)`) or as its own process (`tsx server/jobs/worker-main.ts`); any number
 * of workers may run side by side, SKIP LOCKED keeps them off each other's jobs.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { claim, complete, fail, type Job } from './queue';
import { handleBillRunJob, failBillRun, BILL_RUN_JOB } from '../billing/bill-runs';

export interface WorkerOptions {
  /** Poll interval when the queue is empty. */
  pollMs?: number;
  workerId?: string;
  /** Clock for the rows the handlers write (bills, invoices); leases always use the wall clock. */
  now?: () => Date;
  log?: (msg: string) => void;
}

export type JobHandler = (db: Db, job: Job, env: { workerId: string; now: () => Date }) => Promise<void>;
const handlers: Record<string, JobHandler> = { [BILL_RUN_JOB]: handleBillRunJob };

/** Runs one claimed job to completion (or schedules its retry). */
export async function runJob(db: Db, job: Job, workerId: string, now: () => Date) {
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
    await handler(db, job, { workerId, now });
    await complete(db, job);
  } catch (err) {
    const final = await fail(db, job, err);
    if (final && job.kind === BILL_RUN_JOB) await failBillRun(db, job, err);
    throw err;
  }
}

/** Processes ready jobs until none is left (tests, seeds, synchronous bill runs). Returns how many ran. */
export async function drainJobs(db: Db, opts: { now?: () => Date; workerId?: string; max?: number; onJob?: (job: Job) => void | Promise<void> } = {}): Promise<number> {
  const workerId = opts.workerId ?? `inline-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  let n = 0;
  for (;;) {
    if (opts.max !== undefined && n >= opts.max) return n;
    const job = await claim(db, workerId);
    if (!job) return n;
    await runJob(db, job, workerId, now);
    n++;
    if (opts.onJob) await opts.onJob(job);
  }
}

export function startWorker(db: Db, opts: WorkerOptions = {}) {
  const workerId = opts.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((m: string) => console.log(m));
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let job: Job | null = null;
      try {
        job = await claim(db, workerId);
        if (job) await runJob(db, job, workerId, now);
      } catch (err) {
        log(`[jobs] ${workerId}: job ${job?.id ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!job && !stopped) await new Promise<void>((r) => { wake = r; setTimeout(r, opts.pollMs ?? 1000); });
    }
  })();
  return {
    workerId,
    async stop() { stopped = true; wake?.(); await loop; },
  };
}
