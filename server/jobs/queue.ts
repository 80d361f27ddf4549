/**
 * A small job queue in the `jobs` table (see server/billing/README.md, "Queue"): enqueue with a
 * dedupe key (ON CONFLICT DO NOTHING), claim with SELECT ... FOR UPDATE SKIP LOCKED plus a
 * lease, finish or retry with backoff. A job whose worker died is claimed again once its lease
 * has passed, so handlers must be idempotent (bill runs are: unique keys + ON CONFLICT).
 * Leases use the wall clock, never ctx.now, so frozen test clocks cannot stall the queue.
 */
import { and, asc, eq, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { jobs } from '../db/schema';

export type Job = typeof jobs.$inferSelect;

export const DEFAULT_LEASE_MS = Number(process.env.JOB_LEASE_MS ?? 60_000);

export interface NewJob { tenantId: string | null; kind: string; payload: unknown; dedupeKey: string; maxAttempts?: number }

/** Inserts jobs; an existing dedupe key is left as it is. Returns how many were new. */
export async function enqueue(db: DbOrTx, list: NewJob[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < list.length; i += 500) {
    const rows = await db.insert(jobs).values(list.slice(i, i + 500).map((j) => ({
      tenantId: j.tenantId, kind: j.kind, payload: j.payload, dedupeKey: j.dedupeKey, maxAttempts: j.maxAttempts ?? 5,
    }))).onConflictDoNothing({ target: jobs.dedupeKey }).returning({ id: jobs.id });
    n += rows.length;
  }
  return n;
}

/** Takes the next ready job (queued and due, or running with an expired lease), or null. */
export async function claim(db: Db, workerId: string, opts: { leaseMs?: number; kinds?: string[]; where?: ReturnType<typeof sql> } = {}): Promise<Job | null> {
  const now = new Date();
  return db.transaction(async (tx) => {
    const ready = or(and(eq(jobs.status, 'queued'), lte(jobs.runAt, now)), and(eq(jobs.status, 'running'), lt(jobs.lockedUntil, now)));
    const [j] = await tx.select({ id: jobs.id }).from(jobs)
      .where(and(ready, opts.kinds ? sql`${jobs.kind} in (${sql.join(opts.kinds.map((k) => sql`${k}`), sql`, `)})` : undefined, opts.where))
      .orderBy(asc(jobs.runAt), asc(jobs.createdAt)).limit(1).for('update', { skipLocked: true });
    if (!j) return null;
    const [c] = await tx.update(jobs).set({
      status: 'running', lockedBy: workerId, lockedUntil: new Date(now.getTime() + (opts.leaseMs ?? DEFAULT_LEASE_MS)),
      attempts: sql`${jobs.attempts} + 1`, updatedAt: now,
    }).where(eq(jobs.id, j.id)).returning();
    return c;
  });
}

/** Extends the lease while a long job makes progress. */
export async function heartbeat(db: DbOrTx, job: Job, workerId: string, leaseMs = DEFAULT_LEASE_MS) {
  await db.update(jobs).set({ lockedUntil: new Date(Date.now() + leaseMs) }).where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
}

export async function complete(db: DbOrTx, job: Job) {
  await db.update(jobs).set({ status: 'done', lockedUntil: null, updatedAt: new Date() }).where(eq(jobs.id, job.id));
}

/** Retries with exponential backoff until maxAttempts; returns true when the job is now failed for good. */
export async function fail(db: DbOrTx, job: Job, err: unknown): Promise<boolean> {
  const message = err instanceof Error ? `${err.message}` : String(err);
  const final = job.attempts >= job.maxAttempts;
  await db.update(jobs).set({
    status: final ? 'failed' : 'queued', lastError: message.slice(0, 2000), lockedBy: null, lockedUntil: null,
    runAt: new Date(Date.now() + Math.min(60_000, 500 * 2 ** job.attempts)), updatedAt: new Date(),
  }).where(eq(jobs.id, job.id));
  return final;
}
