/**
 * The job queue on a real PGlite database: kinds come from the registry and drains take a filter;
 * retries back off per kind; the worker's heartbeat keeps a long job its own; a worker that lost
 * its lease stops and writes nothing; a dead worker's job is taken over one lease later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '../support/db';
import { jobs } from '../../server/db/schema';
import type { DbHandle } from '../../server/db/client';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { claim, enqueue, DEFAULT_LEASE_MS, type Job } from '../../server/jobs/queue';
import { registerJobKind, backoffDelay, type JobKind } from '../../server/jobs/registry';
import { drainJobs, LeaseLostError, runJob, startWorker } from '../../server/jobs/worker';

let h: DbHandle;
let t1: string;
let t2: string;
const ran: { kind: string; tenantId: string | null; key: string; worker: string }[] = [];
const record: JobKind['run'] = async (job, env) => { ran.push({ kind: job.kind, tenantId: job.tenantId, key: job.dedupeKey, worker: env.workerId }); };
registerJobKind({ kind: 'test.a', run: record });
registerJobKind({ kind: 'test.b', run: record });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const row = async (key: string) => (await h.db.select().from(jobs).where(eq(jobs.dedupeKey, key)))[0];

beforeAll(async () => {
  h = await freshDb();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const mk = async (code: string) => (await onboardTenant({ ctx: boot, input: { code, name: code, currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: `admin@${code}.test`, name: 'A', password: 'queue-pass-1' } } })).tenant.id;
  t1 = await mk('qone');
  t2 = await mk('qtwo');
});
afterAll(() => h.close());

describe('registry and filters', () => {
  it('runs each job with the handler its kind registered, only the kinds and tenant asked for', async () => {
    await enqueue(h.db, [
      { tenantId: t1, kind: 'test.a', payload: {}, dedupeKey: 'f:1a' },
      { tenantId: t2, kind: 'test.a', payload: {}, dedupeKey: 'f:2a' },
      { tenantId: t1, kind: 'test.b', payload: {}, dedupeKey: 'f:1b' },
    ]);
    ran.length = 0;
    expect(await drainJobs(h.db, { filter: { kinds: ['test.a'], tenantId: t1 } })).toBe(1);
    expect(ran.map((r) => r.key)).toEqual(['f:1a']);
    expect(await drainJobs(h.db, { filter: { tenantId: t2 } })).toBe(1);
    expect(await drainJobs(h.db, { filter: { dedupeKeyPrefix: 'f:1' } })).toBe(1);
    expect(ran.map((r) => r.key)).toEqual(['f:1a', 'f:2a', 'f:1b']);
    // A prefix is a prefix, not a LIKE pattern.
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.a', payload: {}, dedupeKey: 'fX9' }]);
    expect(await drainJobs(h.db, { filter: { dedupeKeyPrefix: 'f_' } })).toBe(0);
    expect(await drainJobs(h.db, { filter: { dedupeKeyPrefix: 'fX' } })).toBe(1);
  });

  it('refuses a second, different definition of one kind', () => {
    expect(() => registerJobKind({ kind: 'test.a', run: async () => {} })).toThrow(/registered twice/);
  });

  it('fails a job whose kind nobody registered, and retries it', async () => {
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.unknown', payload: {}, dedupeKey: 'u:1' }]);
    await expect(drainJobs(h.db, { filter: { kinds: ['test.unknown'] } })).rejects.toThrow(/no handler for job kind "test.unknown"/);
    expect(await row('u:1')).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('with onError, a failing job is reported and the drain goes on with the rest (the idle-exit worker)', async () => {
    const ran: string[] = [];
    registerJobKind({ kind: 'test.ok', run: async (job) => { ran.push(job.dedupeKey!); } });
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.unknown', payload: {}, dedupeKey: 'u:2' }]);
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.ok', payload: {}, dedupeKey: 'ok:1' }]);
    const errors: string[] = [];
    const n = await drainJobs(h.db, { filter: { kinds: ['test.unknown', 'test.ok'] }, onError: (job, err) => { errors.push(`${job.dedupeKey}: ${(err as Error).message}`); } });
    expect(n).toBeGreaterThanOrEqual(2);
    expect(ran).toEqual(['ok:1']);
    expect(errors).toContain('u:2: no handler for job kind "test.unknown"');
    expect(await row('u:2')).toMatchObject({ status: 'queued', attempts: 1 });
  });
});

describe('retries', () => {
  const finals: string[] = [];
  registerJobKind({
    kind: 'test.flaky', run: async () => { throw new Error('remote said 503'); },
    onFinalFailure: async (_db, job, err) => { finals.push(`${job.dedupeKey}: ${(err as Error).message}`); },
    retry: { maxAttempts: 3, backoff: { baseMs: 10 * 60_000, capMs: 15 * 60_000 } },
  });

  it('back off per kind (base, doubling, capped) and end in onFinalFailure once', async () => {
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.flaky', payload: {}, dedupeKey: 'r:1' }]);
    expect((await row('r:1')).maxAttempts).toBe(3);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = Date.now();
      await expect(drainJobs(h.db, { filter: { kinds: ['test.flaky'] } })).rejects.toThrow('remote said 503');
      const r = await row('r:1');
      expect(r.attempts).toBe(attempt);
      if (attempt < 3) {
        expect(r.status).toBe('queued');
        delays.push(Math.round((r.runAt.getTime() - before) / 60_000));
        // Not due yet: a drain takes nothing until the back-off has passed.
        expect(await drainJobs(h.db, { filter: { kinds: ['test.flaky'] } })).toBe(0);
        await h.db.update(jobs).set({ runAt: new Date() }).where(eq(jobs.dedupeKey, 'r:1'));
      } else {
        expect(r).toMatchObject({ status: 'failed', lastError: 'remote said 503' });
      }
    }
    expect(delays).toEqual([10, 15]); // 10 min, then 20 min capped at 15
    expect(finals).toEqual(['r:1: remote said 503']);
  });

  it('default back-off is 1 s doubling to at most a minute', () => {
    expect([1, 2, 3, 7, 8].map((a) => backoffDelay(a))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
  });
});

describe('leases', () => {
  it('default to 15 s unless JOB_LEASE_MS says otherwise', () => {
    expect(DEFAULT_LEASE_MS).toBe(Number(process.env.JOB_LEASE_MS ?? 15_000));
  });

  it('are renewed by the worker while a long handler runs, so no other worker runs it meanwhile', async () => {
    let runs = 0;
    registerJobKind({ kind: 'test.long', run: async () => { runs++; await sleep(1500); } });
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.long', payload: {}, dedupeKey: 'l:1' }]);
    const lease = 300;
    const first = drainJobs(h.db, { workerId: 'w-one', leaseMs: lease, filter: { kinds: ['test.long'] } });
    // A second worker keeps trying for the whole run, five leases long.
    let stolen = 0;
    const until = Date.now() + 1700;
    while (Date.now() < until) {
      if (await claim(h.db, 'w-two', { leaseMs: lease, filter: { kinds: ['test.long'] } })) stolen++;
      await sleep(40);
    }
    expect(await first).toBe(1);
    expect({ runs, stolen }).toEqual({ runs: 1, stolen: 0 });
    expect(await row('l:1')).toMatchObject({ status: 'done', lockedBy: 'w-one', attempts: 1 });
  });

  it('lost to another worker abort the handler, and the loser writes nothing about the job', async () => {
    let sawAbort: unknown = null;
    registerJobKind({
      kind: 'test.stoppable',
      run: async (_job, env) => {
        await new Promise<void>((resolve) => {
          const stop = setTimeout(resolve, 5000);
          env.signal.addEventListener('abort', () => { clearTimeout(stop); sawAbort = env.signal.reason; resolve(); });
        });
        // What a handler's write transaction does first: refused, the job is not ours any more.
        await h.db.transaction((tx) => env.holdLease(tx));
      },
    });
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.stoppable', payload: {}, dedupeKey: 's:1' }]);
    const job = (await claim(h.db, 'w-loser', { leaseMs: 300, filter: { kinds: ['test.stoppable'] } }))!;
    const running = runJob(h.db, job, 'w-loser', () => new Date(), 300);
    await sleep(50);
    // Another worker took it over (as if the loser had stalled past its lease).
    await h.db.update(jobs).set({ lockedBy: 'w-winner', lockedUntil: new Date(Date.now() + 60_000) }).where(eq(jobs.id, job.id));
    const started = Date.now();
    await expect(running).rejects.toBeInstanceOf(LeaseLostError);
    expect(Date.now() - started).toBeLessThan(1000); // the next heartbeat (every 100 ms here) notices
    expect(sawAbort).toBeInstanceOf(LeaseLostError);
    expect(await row('s:1')).toMatchObject({ status: 'running', lockedBy: 'w-winner', attempts: 1, lastError: null });
  });

  it("of a dead worker pass, and a polling worker takes its job over one lease later", async () => {
    const done: Job[] = [];
    registerJobKind({ kind: 'test.orphan', run: async (job) => { done.push(job); } });
    await enqueue(h.db, [{ tenantId: t1, kind: 'test.orphan', payload: {}, dedupeKey: 'o:1' }]);
    const lease = 1200;
    const claimedAt = Date.now();
    expect(await claim(h.db, 'w-dead', { leaseMs: lease, filter: { kinds: ['test.orphan'] } })).not.toBeNull();
    const w = startWorker(h.db, { pollMs: 100, leaseMs: lease, scheduleEveryMs: 0, filter: { kinds: ['test.orphan'] }, log: () => {} });
    try {
      while (!done.length && Date.now() - claimedAt < 10_000) await sleep(50);
    } finally {
      await w.stop();
    }
    const tookOver = Date.now() - claimedAt;
    expect(done).toHaveLength(1);
    expect(tookOver).toBeGreaterThanOrEqual(lease);
    expect(tookOver).toBeLessThan(lease + 1500);
    expect(await row('o:1')).toMatchObject({ status: 'done', lockedBy: w.workerId, attempts: 2 });
  });
});
