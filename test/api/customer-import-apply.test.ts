/**
 * The import's set-based write (server/customers/import-write.ts): each chunk of planned rows is
 * one statement that writes a row only where its customer is still as validation saw it. These
 * cases prove the check: a customer changed or created between validation and the write is merged
 * over as it is then (never reverted to what validation read), and counted once; and a file that
 * repeats an external id inside one chunk is refused whole, as it always was (neither row wins).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { customers } from '../../server/db/schema';
import { drainJobs } from '../../server/jobs/worker';
import { claim, complete, holdLease } from '../../server/jobs/queue';
import { jobKind } from '../../server/jobs/registry';
import type { DbOrTx } from '../../server/db/client';
import { IMPORT_JOB } from '../../server/customers/import-job';

const CHUNK = 10;
process.env.IMPORT_CHUNK_ROWS = String(CHUNK);

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const key = DEMO_KEY;
const csvOf = (lines: string[]) => ['externalId,type,name,email', ...lines].join('\n') + '\n';
const rows = (prefix: string, n: number, name = '고객') => Array.from({ length: n }, (_, i) => `${prefix}-${i},individual,${name} ${i},c${i}@${prefix.toLowerCase()}.test`);
async function post(csv: string, query: string) {
  const res = await t.app.request(`/api/v1/customers/import?${query}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: csv,
  });
  return { status: res.status, body: await res.json() as any };
}
const status = async (id: string) => (await t.call('GET', `/api/v1/customers/imports/${id}`, { key })).body;
const byPrefix = async (prefix: string) => t.handle.db.select().from(customers)
  .where(and(eq(customers.tenantId, t.demoTenantId), like(customers.externalId, `${prefix}-%`)));

const VALIDATED_AT = new Date('2026-03-01T00:00:00.000Z');
const APPLIED_AT = new Date('2026-03-02T00:00:00.000Z');

/**
 * Runs the import's job, calling `between` inside the first transaction after validation (the
 * switch to applying). The job's clock reads VALIDATED_AT until then and APPLIED_AT after, so a
 * row's updatedAt tells whether it was written as validation planned it or planned again.
 */
async function runWith(between: (tx: DbOrTx) => Promise<void>) {
  const job = (await claim(t.handle.db, 'stepper', { filter: { kinds: [IMPORT_JOB] } }))!;
  let calls = 0;
  await jobKind(IMPORT_JOB)!.run(job, {
    db: t.handle.db, workerId: 'stepper', now: () => (calls ? APPLIED_AT : VALIDATED_AT), signal: new AbortController().signal,
    holdLease: async (tx) => {
      await holdLease(tx, job, 'stepper');
      if (++calls === 1) await between(tx);
    },
  });
  await complete(t.handle.db, job, 'stepper');
}

describe('customer import: the one-statement write checks each row against validation', () => {
  it('merges over a customer changed or created after validation, and counts each row once', async () => {
    const pre = await post(csvOf(rows('CHG', 2 * CHUNK)), 'dryRun=false&wait=true');
    expect(pre.body).toMatchObject({ status: 'done', created: 2 * CHUNK });
    // The file renames the 20 known customers and adds 10 new ones.
    const r = await post(csvOf(rows('CHG', 3 * CHUNK, '손님')), 'dryRun=false&wait=false');
    expect(r.status).toBe(202);
    await runWith(async (tx) => {
      // After validation planned every row: a known customer (second chunk) gets a segment, and one
      // of the new ones (third chunk) is created by someone else, with a segment too.
      await tx.update(customers).set({ segment: 'vip', updatedAt: new Date() })
        .where(and(eq(customers.tenantId, t.demoTenantId), eq(customers.externalId, 'CHG-13')));
      await tx.insert(customers).values({ tenantId: t.demoTenantId, externalId: 'CHG-25', type: 'individual', name: '먼저', country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW', segment: 'vip' });
    });
    const s = await status(r.body.id);
    expect(s).toMatchObject({ status: 'done', rows: 3 * CHUNK, processed: 3 * CHUNK, created: CHUNK - 1, updated: 2 * CHUNK + 1, errors: [] });
    const all = new Map((await byPrefix('CHG')).map((c) => [c.externalId, c]));
    expect(all.size).toBe(3 * CHUNK);
    for (const c of all.values()) expect(c.name).toBe(`손님 ${c.externalId.slice(4)}`);
    // Written as validation planned them, these would have lost the segment set meanwhile.
    expect(all.get('CHG-13')!.segment).toBe('vip');
    expect(all.get('CHG-25')!.segment).toBe('vip');
    expect(all.get('CHG-25')!.email).toBe('c25@chg.test');
    expect(all.get('CHG-12')!.segment).toBeNull();
    // Only those two were planned again; every other row went in as validation planned it.
    const replanned = [...all.values()].filter((c) => c.updatedAt.getTime() === APPLIED_AT.getTime()).map((c) => c.externalId);
    expect(replanned.sort()).toEqual(['CHG-13', 'CHG-25']);
    expect([...all.values()].filter((c) => c.updatedAt.getTime() === VALIDATED_AT.getTime())).toHaveLength(3 * CHUNK - 2);
  });

  it('refuses a file that repeats an external id inside one chunk, storing neither row', async () => {
    const lines = rows('DUP', 5);
    lines.splice(3, 0, 'DUP-1,individual,둘째,second@dup.test');
    const r = await post(csvOf(lines), 'dryRun=false&wait=false');
    expect(r.status).toBe(202);
    await drainJobs(t.handle.db, { filter: { kinds: [IMPORT_JOB] } });
    const s = await status(r.body.id);
    expect(s.status).toBe('invalid');
    // Line 1 is the header: DUP-1 is first on line 3 and repeated on line 5.
    expect(s.errors).toEqual([{ line: 5, field: 'externalId', message: 'repeats the external id of line 3' }]);
    expect(await byPrefix('DUP')).toHaveLength(0);
  });
});
