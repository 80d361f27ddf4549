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
  /** Jobs run side by side in this process (default 1). */
  concurrency?: number;
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

/**
 * Workers per process (`WORKER_CONCURRENCY`, default 1). On PostgreSQL a second loop overlaps one
 * job's database round trips with another job's rating; PGlite has one connection, so keep it at 1 there.
 */
export const DEFAULT_CONCURRENCY = Math.max(1, Number(process.env.WORKER_CONCURRENCY ?? 1));

/** Processes ready jobs until none is left (tests, seeds, synchronous bill runs). Returns how many ran. */
export async function drainJobs(db: Db, opts: { now?: () => Date; workerId?: string; max?: number; concurrency?: number; onJob?: (job: Job) => void | Promise<void> } = {}): Promise<number> {
  const workerId = opts.workerId ?? `inline-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  let n = 0;
  const loop = async (id: string) => {
    for (;;) {
      if (opts.max !== undefined && n >= opts.max) return;
      const job = await claim(db, id);
      if (!job) return;
      n++;
      await runJob(db, job, id, now);
      if (opts.onJob) await opts.onJob(job);
    }
  };
  const k = Math.max(1, opts.concurrency ?? 1);
  await Promise.all(Array.from({ length: k }, (_, i) => loop(k === 1 ? workerId : `${workerId}-${i}`)));
  return n;
}

export function startWorker(db: Db, opts: WorkerOptions = {}) {
  const workerId = opts.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((m: string) => console.log(m));
  let stopped = false;
  const wakers = new Set<() => void>();
  const loops = Array.from({ length: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY) }, (_, i) => (async () => {
    const id = i === 0 ? workerId : `${workerId}-${i}`;
    while (!stopped) {
      let job: Job | null = null;
      try {
        job = await claim(db, id);
        if (job) await runJob(db, job, id, now);
      } catch (err) {
        log(`[jobs] ${id}: job ${job?.id ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!job && !stopped) {
        await new Promise<void>((r) => { const w = () => { wakers.delete(w); r(); }; wakers.add(w); setTimeout(w, opts.pollMs ?? 1000); });
      }
    }
  })());
  return {
    workerId,
    async stop() { stopped = true; for (const w of [...wakers]) w(); await Promise.all(loops); },
  };
}
