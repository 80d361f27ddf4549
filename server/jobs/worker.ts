/**
 * The job worker: polls the jobs table and runs each job with the handler its kind registered
 * (registry.ts). Runs in-process at server start (`startWorker(db)`) or as its own process
 * (`tsx server/jobs/worker-main.ts`); any number of workers may run side by side, SKIP LOCKED
 * keeps them off each other's jobs and the lease heartbeat keeps a running job theirs.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { claim, complete, DEFAULT_LEASE_MS, fail, hasRunning, holdLease, LeaseLostError, renewLease, type Job, type JobFilter } from './queue';

export { LeaseLostError } from './queue';
import { jobKind } from './registry';
import { tickSchedules } from './schedules';

export interface WorkerOptions {
  /** Poll interval when the queue is empty. */
  pollMs?: number;
  workerId?: string;
  /** Clock for the rows the handlers write (bills, invoices); leases always use the wall clock. */
  now?: () => Date;
  log?: (msg: string) => void;
  /** Jobs run side by side in this process (default 1). */
  concurrency?: number;
  filter?: JobFilter;
  leaseMs?: number;
  /** Turn due schedules into jobs at most this often (default 30 s; 0: this worker does not tick). */
  scheduleEveryMs?: number;
}

/**
 * Runs one claimed job to completion (or schedules its retry). While the handler runs, the lease
 * is renewed every third of its length, by the worker rather than by handlers that remember to:
 * a handler that forgets is never taken over while alive. A renewal that finds the job taken
 * over (or that cannot reach the database before the lease ends) aborts `signal`, and nothing
 * about the job is written afterwards: another worker owns it now.
 */
export async function runJob(db: Db, job: Job, workerId: string, now: () => Date, leaseMs = DEFAULT_LEASE_MS) {
  const def = jobKind(job.kind);
  const abort = new AbortController();
  let heldUntil = job.lockedUntil?.getTime() ?? Date.now() + leaseMs;
  let renewing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (renewing || abort.signal.aborted) return;
    renewing = renewLease(db, job, workerId, leaseMs).then(
      (held) => { if (held) heldUntil = Date.now() + leaseMs; else abort.abort(new LeaseLostError(job)); },
      () => { if (Date.now() >= heldUntil) abort.abort(new LeaseLostError(job)); },
    ).finally(() => { renewing = null; });
  }, Math.max(50, Math.floor(leaseMs / 3)));
  try {
    if (!def) throw new Error(`no handler for job kind "${job.kind}"`);
    await def.run(job, { db, workerId, now, signal: abort.signal, holdLease: (tx) => holdLease(tx, job, workerId) });
    abort.signal.throwIfAborted();
  } catch (err) {
    clearInterval(timer);
    await renewing;
    if (abort.signal.aborted) throw abort.signal.reason;
    const outcome = await fail(db, job, workerId, err);
    if (outcome === 'failed' && def?.onFinalFailure) await def.onFinalFailure(db, job, err);
    throw err;
  }
  clearInterval(timer);
  await renewing;
  if (!(await complete(db, job, workerId))) throw new LeaseLostError(job);
}

/**
 * Workers per process (`WORKER_CONCURRENCY`, default 1). On PostgreSQL a second loop overlaps one
 * job's database round trips with another job's rating; PGlite has one connection, so keep it at 1 there.
 */
export const DEFAULT_CONCURRENCY = Math.max(1, Number(process.env.WORKER_CONCURRENCY ?? 1));

export interface DrainOptions {
  now?: () => Date;
  workerId?: string;
  max?: number;
  concurrency?: number;
  filter?: JobFilter;
  leaseMs?: number;
  /**
   * Also wait for running jobs held by other workers (live, or dead until their lease passes and
   * this drain takes them over) instead of stopping at the first empty claim: "until the queue is empty".
   */
  waitForLeased?: { pollMs: number };
  /** After a job is claimed (its lease held), before it runs. */
  onClaim?: (job: Job) => void | Promise<void>;
  onJob?: (job: Job) => void | Promise<void>;
  /**
   * A job that failed (its failure already recorded: retried later or failed for good). Without it
   * the drain stops and rethrows the first error (tests look at it); with it, the drain reports the
   * error and goes on with the next job (the idle-exit worker: one failing webhook must not stop
   * the rest or make the process exit 1).
   */
  onError?: (job: Job, err: unknown) => void | Promise<void>;
}

/** Processes ready jobs until none is left (tests, seeds, synchronous bill runs). Returns how many ran. */
export async function drainJobs(db: Db, opts: DrainOptions = {}): Promise<number> {
  const workerId = opts.workerId ?? `inline-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  let n = 0;
  const loop = async (id: string) => {
    for (;;) {
      if (opts.max !== undefined && n >= opts.max) return;
      const job = await claim(db, id, { leaseMs: opts.leaseMs, filter: opts.filter });
      if (!job) {
        if (!opts.waitForLeased || !(await hasRunning(db, opts.filter))) return;
        await new Promise((r) => setTimeout(r, opts.waitForLeased!.pollMs));
        continue;
      }
      n++;
      if (opts.onClaim) await opts.onClaim(job);
      try {
        await runJob(db, job, id, now, opts.leaseMs);
      } catch (err) {
        if (!opts.onError) throw err;
        await opts.onError(job, err);
        continue;
      }
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
  const scheduleEvery = opts.scheduleEveryMs ?? 30_000;
  let lastTick = 0;
  let stopped = false;
  const wakers = new Set<() => void>();
  const loops = Array.from({ length: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY) }, (_, i) => (async () => {
    const id = i === 0 ? workerId : `${workerId}-${i}`;
    while (!stopped) {
      let job: Job | null = null;
      try {
        // Wall clock, like leases: a frozen test clock must not stall the schedules.
        if (i === 0 && scheduleEvery > 0 && Date.now() - lastTick >= scheduleEvery) {
          lastTick = Date.now();
          await tickSchedules(db, new Date()).catch((err) => log(`[jobs] ${id}: schedule tick failed: ${err instanceof Error ? err.message : String(err)}`));
        }
        job = await claim(db, id, { leaseMs: opts.leaseMs, filter: opts.filter });
        if (job) await runJob(db, job, id, now, opts.leaseMs);
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
