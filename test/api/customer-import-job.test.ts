/**
 * Customer CSV imports as jobs (server/customers/import-job.ts): validated whole before any write,
 * applied in chunks that let other requests through, resumable after a worker dies mid-apply
 * without counting a row twice, capped in rows, audited once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, like } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { auditLog, customerImports, customers, jobs } from '../../server/db/schema';
import { drainJobs } from '../../server/jobs/worker';
import { claim, complete, holdLease } from '../../server/jobs/queue';
import { jobKind } from '../../server/jobs/registry';
import { IMPORT_JOB } from '../../server/customers/import-job';
import { MAX_IMPORT_ROWS, SYNC_IMPORT_ROWS } from '../../server/customers/imports';

// Small chunks keep the files small: what matters is that a file spans several chunks.
const CHUNK = 40;
process.env.IMPORT_CHUNK_ROWS = String(CHUNK);

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const key = DEMO_KEY;
const rowsCsv = (prefix: string, n: number, from = 0) =>
  ['externalId,type,name,email', ...Array.from({ length: n }, (_, i) => `${prefix}-${from + i},individual,고객 ${from + i},c${from + i}@${prefix.toLowerCase()}.test`)].join('\n') + '\n';

async function post(csv: string, query: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(`/api/v1/customers/import?${query}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv', ...headers }, body: csv,
  });
  return { status: res.status, body: await res.json() as any, location: res.headers.get('location') };
}
const status = async (id: string) => (await t.call('GET', `/api/v1/customers/imports/${id}`, { key })).body;
const stored = async (prefix: string) => Number((await t.handle.db.select({ n: count() }).from(customers)
  .where(and(eq(customers.tenantId, t.demoTenantId), like(customers.externalId, `${prefix}-%`))))[0].n);
/**
 * Between polls: in-process requests on an in-memory PGlite resolve through microtasks only, so a
 * loop of them without a timer would starve the job's setImmediate yields (real sockets do not).
 */
const tick = () => new Promise((r) => setTimeout(r, 5));
const drain = () => drainJobs(t.handle.db, { filter: { kinds: [IMPORT_JOB] } });
const importAudits = async (id: string) => t.handle.db.select().from(auditLog)
  .where(and(eq(auditLog.tenantId, t.demoTenantId), eq(auditLog.action, 'customer.import'), eq(auditLog.entityId, id)));

describe('customer import jobs', () => {
  it('answers 202 with a Location by default for a file over the synchronous size', async () => {
    const r = await post(rowsCsv('SYNC', SYNC_IMPORT_ROWS + 1), 'dryRun=true');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', dryRun: true, rows: SYNC_IMPORT_ROWS + 1 });
    expect(r.location).toBe(`/api/v1/customers/imports/${r.body.id}`);
    const small = await post(rowsCsv('SYNC', SYNC_IMPORT_ROWS), 'dryRun=true');
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ status: 'done', dryRun: true, rows: SYNC_IMPORT_ROWS, created: SYNC_IMPORT_ROWS, errors: [] });
    await drain();
    expect(await status(r.body.id)).toMatchObject({ status: 'done', created: SYNC_IMPORT_ROWS + 1, errors: [] });
    expect(await stored('SYNC')).toBe(0);
  });

  it('imports every row of a file through the job, reporting progress', async () => {
    const n = 4 * CHUNK + 7;
    const r = await post(rowsCsv('BIG', n), 'dryRun=false&wait=false');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', rows: n, processed: 0, created: 0 });
    expect(r.location).toBe(`/api/v1/customers/imports/${r.body.id}`);
    expect(await stored('BIG')).toBe(0);

    // Run the job as a worker would, reading the import's progress at the start of each chunk's
    // write transaction (holdLease is the first thing each chunk does): deterministic, unlike polls.
    const job = (await claim(t.handle.db, 'stepper', { filter: { kinds: [IMPORT_JOB] } }))!;
    const seen: number[] = [];
    await jobKind(IMPORT_JOB)!.run(job, {
      db: t.handle.db, workerId: 'stepper', now: () => new Date(), signal: new AbortController().signal,
      holdLease: async (tx) => {
        await holdLease(tx, job, 'stepper');
        const [row] = await tx.select({ processed: customerImports.processed, status: customerImports.status }).from(customerImports).where(eq(customerImports.id, r.body.id));
        seen.push(row.status === 'applying' ? row.processed : -1);
      },
    });
    await complete(t.handle.db, job, 'stepper');
    const end = await status(r.body.id);
    expect(end).toMatchObject({ status: 'done', rows: n, processed: n, created: n, updated: 0, errors: [], error: null });
    expect(await stored('BIG')).toBe(n);
    // Progress moved in steps: each chunk saw the rows of the chunks before it applied.
    const applying = seen.filter((x) => x >= 0);
    expect(applying.length).toBeGreaterThanOrEqual(4);
    expect(applying.slice(0, 5)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK].slice(0, Math.min(5, applying.length)));
    // One audit entry for the whole import, with its counts.
    const audits = await importAudits(r.body.id);
    expect(audits).toHaveLength(1);
    expect(audits[0].after).toMatchObject({ rows: n, created: n, updated: 0 });
  });

  it('stores nothing for a file with bad rows and reports every problem, also from the job', async () => {
    const good = rowsCsv('BAD', 2 * CHUNK).trimEnd().split('\n');
    // Bad rows in the first and in the last chunk: the first chunk must not be written before the last is checked.
    good[3] = 'BAD-x1,individual,,not-an-email';
    good.push('BAD-x2,alien,이름,');
    const r = await post(good.join('\n'), 'dryRun=false&wait=false');
    expect(r.status).toBe(202);
    await drain();
    const s = await status(r.body.id);
    expect(s.status).toBe('invalid');
    expect(s.errors.map((e: any) => `${e.line}:${e.field}`).sort()).toEqual(['4:email', '4:name', `${good.length}:type`].sort());
    expect(s.created + s.updated).toBe(0);
    expect(await stored('BAD')).toBe(0);
    expect(await importAudits(r.body.id)).toHaveLength(0);

    // The synchronous answer for a small file is the 422 of before, with every problem.
    const small = await post(['externalId,type,name,email', 'BAD-s1,individual,좋음,', 'BAD-s2,individual,,x'].join('\n'), 'dryRun=false');
    expect(small.status).toBe(422);
    expect(small.body.issues.map((i: any) => i.path).sort()).toEqual(['csv[3].email', 'csv[3].name']);
    expect(await stored('BAD')).toBe(0);
  });

  it(`refuses a file of more than ${MAX_IMPORT_ROWS} rows at csv, before staging it`, async () => {
    const [{ before }] = await t.handle.db.select({ before: count() }).from(jobs);
    const r = await post(rowsCsv('CAP', MAX_IMPORT_ROWS + 1), 'dryRun=true');
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'csv' })]);
    expect(r.body.issues[0].message).toContain(String(MAX_IMPORT_ROWS));
    const [{ after }] = await t.handle.db.select({ after: count() }).from(jobs);
    expect(after).toBe(before);
  });

  it('serves other requests while an import runs', async () => {
    // Thirty chunks: on a warm process and PostgreSQL, six finished before two requests had answered.
    const n = 30 * CHUNK;
    const r = await post(rowsCsv('LIVE', n), 'dryRun=false&wait=false');
    expect(r.status).toBe(202);
    let finished = false;
    const run = drain().finally(() => { finished = true; });
    while ((await status(r.body.id)).status === 'queued') await tick();
    const list = await t.call('GET', '/api/v1/customers?limit=20', { key });
    const health = await t.app.request('/health');
    // Both answered while the import was still running, not after it (read at once: on PostgreSQL
    // the rest of the import may finish before another status query returns).
    const answeredWhileRunning = !finished;
    expect(list.status).toBe(200);
    expect(health.status).toBe(200);
    expect(answeredWhileRunning).toBe(true);
    await run;
    expect((await status(r.body.id)).status).toBe('done');
    expect(await stored('LIVE')).toBe(n);
  });

  it('resumes a job whose worker died mid-apply without counting or writing a row twice', async () => {
    const n = 5 * CHUNK;
    // Half of the rows exist already, so the import both creates and updates.
    const pre = await post(rowsCsv('KILL', n / 2), 'dryRun=false&wait=true');
    expect(pre.body).toMatchObject({ status: 'done', created: n / 2 });
    const r = await post(rowsCsv('KILL', n).replace(/고객/g, '손님'), 'dryRun=false&wait=false');

    // A worker takes the job with a short lease and dies (stops renewing, writes nothing more) after its first chunks.
    const job = (await claim(t.handle.db, 'doomed', { leaseMs: 300, filter: { kinds: [IMPORT_JOB] } }))!;
    expect(job.payload).toEqual({ importId: r.body.id });
    // It dies as its third chunk starts: holdLease, the first thing each chunk's transaction does, throws.
    let chunks = 0;
    const dying = jobKind(IMPORT_JOB)!.run(job, {
      db: t.handle.db, workerId: 'doomed', now: () => new Date(), signal: new AbortController().signal,
      holdLease: async (tx) => {
        if (++chunks === 3) throw new Error('worker died');
        await holdLease(tx, job, 'doomed');
      },
    }).catch((e) => e);
    expect(await dying).toBeInstanceOf(Error);
    const mid = await status(r.body.id);
    expect(mid.status).toBe('applying');
    expect(mid.processed).toBeGreaterThan(0);
    expect(mid.processed).toBeLessThan(n);

    // Another worker takes the job over once the lease has passed and finishes it.
    await new Promise((res) => setTimeout(res, 350));
    expect(await drain()).toBe(1);
    const end = await status(r.body.id);
    expect(end).toMatchObject({ status: 'done', rows: n, processed: n, created: n / 2, updated: n / 2 });
    expect(await stored('KILL')).toBe(n);
    const renamed = await t.handle.db.select({ n: count() }).from(customers)
      .where(and(eq(customers.tenantId, t.demoTenantId), like(customers.name, '손님 %')));
    expect(Number(renamed[0].n)).toBe(n);
    expect(await importAudits(r.body.id)).toHaveLength(1);
    // The job is done: draining again runs nothing and changes no count.
    expect(await drain()).toBe(0);
    expect(await status(r.body.id)).toMatchObject({ created: n / 2, updated: n / 2 });
  });

  it('imports a file once when the request is retried with the same Idempotency-Key', async () => {
    const csv = rowsCsv('IDEM', 30);
    const first = await post(csv, 'dryRun=false', { 'idempotency-key': 'import-idem-1' });
    // With the key the request runs in one transaction, which the job can only see after it commits.
    expect(first.status).toBe(202);
    const again = await post(csv, 'dryRun=false', { 'idempotency-key': 'import-idem-1' });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(await drain()).toBe(1);
    expect(await status(first.body.id)).toMatchObject({ status: 'done', created: 30 });
    expect(await stored('IDEM')).toBe(30);
  });

  it('keeps imports of one tenant out of another tenant\'s reach', async () => {
    const r = await post(rowsCsv('ISO', 3), 'dryRun=true');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'done', dryRun: true, created: 3 });
    const other = await t.otherTenant('imports');
    expect((await t.call('GET', `/api/v1/customers/imports/${r.body.id}`, { key: other.key })).status).toBe(404);
  });
});
