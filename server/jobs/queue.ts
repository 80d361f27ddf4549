/**
 * A small job queue in the `jobs` table (README.md in this folder): enqueue with a dedupe key
 * (ON CONFLICT DO NOTHING), claim with SELECT ... FOR UPDATE SKIP LOCKED plus a lease, finish or
 * retry with backoff. A job whose worker died is claimed again once its lease has passed, so
 * handlers must be idempotent (bill runs are: unique keys + ON CONFLICT).
 * Leases use the wall clock, never ctx.now, so frozen test clocks cannot stall the queue.
 */
import { and, asc, eq, inArray, like, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { jobs } from '../db/schema';
import { backoffDelay, DEFAULT_MAX_ATTEMPTS, jobKind, type Job } from './registry';

export type { Job } from './registry';

/**
 * Short, because the worker renews it every third of it while a handler runs (worker.ts): a dead
 * worker's job is taken over after at most this long.
 */
export const DEFAULT_LEASE_MS = Number(process.env.JOB_LEASE_MS ?? 15_000);

export interface NewJob { tenantId: string | null; kind: string; payload: unknown; dedupeKey: string; maxAttempts?: number; runAt?: Date }

/** Which jobs a worker or a drain takes; every field narrows, none means any job. */
export interface JobFilter {
  kinds?: string[];
  tenantId?: string;
  /** One batch of jobs, e.g. `billrun:<id>:` for the chunks of one bill run. */
  dedupeKeyPrefix?: string;
}

/** Inserts jobs; an existing dedupe key is left as it is. Returns how many were new. */
export async function enqueue(db: DbOrTx, list: NewJob[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < list.length; i += 500) {
    const rows = await db.insert(jobs).values(list.slice(i, i + 500).map((j) => ({
      tenantId: j.tenantId, kind: j.kind, payload: j.payload, dedupeKey: j.dedupeKey,
      maxAttempts: j.maxAttempts ?? jobKind(j.kind)?.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(j.runAt ? { runAt: j.runAt } : {}),
    }))).onConflictDoNothing({ target: jobs.dedupeKey }).returning({ id: jobs.id });
    n += rows.length;
  }
  return n;
}

function filterSql(f: JobFilter | undefined) {
  if (!f) return undefined;
  return and(
    f.kinds ? inArray(jobs.kind, f.kinds.length ? f.kinds : ['']) : undefined,
    f.tenantId ? eq(jobs.tenantId, f.tenantId) : undefined,
    // LIKE wildcards in a prefix would widen the filter to other batches.
    f.dedupeKeyPrefix !== undefined ? like(jobs.dedupeKey, `${f.dedupeKeyPrefix.replace(/[\\%_]/g, '\\$&')}%`) : undefined,
  );
}

/** Takes the next ready job (queued and due, or running with an expired lease), or null. */
export async function claim(db: Db, workerId: string, opts: { leaseMs?: number; filter?: JobFilter } = {}): Promise<Job | null> {
  const now = new Date();
  return db.transaction(async (tx) => {
    // Due by either clock: run_at defaults to the database's now() (microseconds), which can be a
    // fraction of a millisecond ahead of this process's Date for a job enqueued just before.
    const due = lte(jobs.runAt, sql`greatest(now(), ${now.toISOString()}::timestamptz)`);
    const ready = or(and(eq(jobs.status, 'queued'), due), and(eq(jobs.status, 'running'), lt(jobs.lockedUntil, now)));
    const [j] = await tx.select({ id: jobs.id }).from(jobs)
      .where(and(ready, filterSql(opts.filter)))
      .orderBy(asc(jobs.runAt), asc(jobs.createdAt)).limit(1).for('update', { skipLocked: true });
    if (!j) return null;
    const [c] = await tx.update(jobs).set({
      status: 'running', lockedBy: workerId, lockedUntil: new Date(now.getTime() + (opts.leaseMs ?? DEFAULT_LEASE_MS)),
      attempts: sql`${jobs.attempts} + 1`, updatedAt: now,
    }).where(eq(jobs.id, j.id)).returning();
    return c;
  });
}

/** Some job of the filter is running (held by a worker, or by a dead one until its lease passes). */
export async function hasRunning(db: DbOrTx, filter?: JobFilter): Promise<boolean> {
  const rows = await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.status, 'running'), filterSql(filter))).limit(1);
  return rows.length > 0;
}

/** This worker still holds the job: only then may it renew, finish or fail it. */
const heldBy = (job: Job, workerId: string) => and(eq(jobs.id, job.id), eq(jobs.status, 'running'), eq(jobs.lockedBy, workerId));

/** Extends the lease; false when another worker has taken the job over (or it is no longer running). */
export async function renewLease(db: DbOrTx, job: Job, workerId: string, leaseMs = DEFAULT_LEASE_MS): Promise<boolean> {
  const rows = await db.update(jobs).set({ lockedUntil: new Date(Date.now() + leaseMs) }).where(heldBy(job, workerId)).returning({ id: jobs.id });
  return rows.length > 0;
}

/**
 * Inside a handler's write transaction: locks the job row and throws unless this worker still
 * holds it. Another worker's claim skips the locked row, so the transaction commits only while the
 * job is ours and nobody can take it over before it does.
 */
export async function holdLease(tx: DbOrTx, job: Job, workerId: string): Promise<void> {
  const rows = await tx.select({ id: jobs.id }).from(jobs).where(heldBy(job, workerId)).for('update');
  if (!rows.length) throw new LeaseLostError(job);
}

export class LeaseLostError extends Error {
  constructor(job: Job) { super(`job ${job.id} (${job.kind}): lease lost to another worker`); }
}

/** Marks the job done; false (and nothing written) when this worker no longer holds it. */
export async function complete(db: DbOrTx, job: Job, workerId: string): Promise<boolean> {
  const rows = await db.update(jobs).set({ status: 'done', lockedUntil: null, updatedAt: new Date() }).where(heldBy(job, workerId)).returning({ id: jobs.id });
  return rows.length > 0;
}

/**
 * Schedules a retry with the kind's backoff until maxAttempts. Returns 'failed' when the job is
 * now failed for good, 'retry' when it will run again, 'lost' when this worker no longer held it.
 */
export async function fail(db: DbOrTx, job: Job, workerId: string, err: unknown): Promise<'failed' | 'retry' | 'lost'> {
  const message = err instanceof Error ? `${err.message}` : String(err);
  const final = job.attempts >= job.maxAttempts;
  const rows = await db.update(jobs).set({
    status: final ? 'failed' : 'queued', lastError: message.slice(0, 2000), lockedBy: null, lockedUntil: null,
    runAt: new Date(Date.now() + backoffDelay(job.attempts, jobKind(job.kind)?.retry?.backoff)), updatedAt: new Date(),
  }).where(heldBy(job, workerId)).returning({ id: jobs.id });
  if (!rows.length) return 'lost';
  return final ? 'failed' : 'retry';
}
