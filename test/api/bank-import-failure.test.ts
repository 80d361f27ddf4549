/**
 * A bank-statement import that fails for good part-way (server/payments/deposits/import-job.ts,
 * point 4): the chunks it committed stay, each payment audited with its allocation; the import is
 * `failed` with how many lines were applied, audited `bank_import.failed`; importing the file again
 * applies only the rest and pays nothing twice. 60 lines: the first chunk is 50.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { billingWorld } from '../scenarios/fixture';
import { drainJobs } from '../../server/jobs/worker';
import { auditLog, jobs } from '../../server/db/schema';
import { bankImportDedupeKey, importHooks } from '../../server/payments/deposits/import-job';

let t: TestApp;
let one: { tenantId: string; key: string };
const inv: any[] = [];
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const bankPayments = async () => ((await call('GET', '/payments?limit=100')).body.data as any[]).filter((p) => p.provider === 'bank');
const audits = async (action: string) => t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, action)));

/** Line 2 pays the first invoice by its number (chunk 1); line 55 the second (chunk 2); the rest match nobody. */
const csv = () => ['date,memo,in,name', ...Array.from({ length: 60 }, (_, k) => {
  if (k === 0) return `2025-05-01,${inv[0].number},${inv[0].total},A`;
  if (k === 53) return `2025-05-02,${inv[1].number},${inv[1].total},B`;
  return `2025-05-01,transfer ${k},1.${String(k).padStart(2, '0')},Nobody ${k}`;
})].join('\n') + '\n';
const mapping = { date: 'date', amount: 'in', memo: 'memo', depositorName: 'name' };

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('bankfail');
  await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-04-01' });
  expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv.push((await call('POST', `/invoices/${i.id}/finalize`)).body);
  expect(inv).toHaveLength(2);
}, 120_000);
afterEach(() => { delete importHooks.beforeChunk; });
afterAll(async () => { await t?.close(); });

describe('an import that fails part-way', () => {
  let failedId: string;
  it('keeps the chunk it committed, audited line by line, and is failed and audited with what it applied', async () => {
    importHooks.beforeChunk = (from) => { if (from >= 50) throw new Error('connection lost'); };
    const r = await call('POST', '/payments/bank-imports', { csv: csv(), currency: 'USD', fileName: 'may.csv', mapping });
    expect(r.status).toBe(202);
    failedId = r.body.id;
    // Its last attempt now: the failure is final.
    await t.handle.db.update(jobs).set({ maxAttempts: 1 }).where(eq(jobs.dedupeKey, bankImportDedupeKey(failedId)));
    await expect(drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.bank_import'] } })).rejects.toThrow('connection lost');
    const imp = (await call('GET', `/payments/bank-imports/${failedId}`)).body;
    expect(imp).toMatchObject({ status: 'failed', rows: 60, processed: 50, matched: 1, unmatched: 49 });
    const pays = await bankPayments();
    expect(pays.map((p) => [p.amount, p.billTo])).toEqual([[inv[0].total, inv[0].billTo ?? inv[0].customerId]]);
    expect((await call('GET', `/invoices/${inv[0].id}`)).body.status).toBe('paid');
    expect((await call('GET', `/invoices/${inv[1].id}`)).body.status).toBe('finalized'); // its line was in the chunk that failed
    // The applied line is in the audit log (the payment and its allocation); the import's failure too.
    expect((await audits('payment.record')).map((a) => a.entityId)).toEqual([pays[0].id]);
    expect((await audits('invoice.payment')).map((a) => a.entityId)).toEqual([inv[0].id]);
    const [failed] = await audits('bank_import.failed');
    expect(failed).toMatchObject({ entityId: failedId, after: { status: 'failed', error: 'connection lost', rows: 60, applied: 50, matched: 1, unmatched: 49 } });
    expect(await audits('bank_import.apply')).toHaveLength(0);
  });

  it('imported again, applies only the lines that were not: nothing is paid twice', async () => {
    const r = await call('POST', '/payments/bank-imports', { csv: csv(), currency: 'USD', fileName: 'may.csv', mapping });
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.bank_import'] } });
    expect((await call('GET', `/payments/bank-imports/${r.body.id}`)).body).toMatchObject({ status: 'done', rows: 60, duplicates: 50, matched: 1, unmatched: 9 });
    const pays = await bankPayments();
    expect(pays.map((p) => p.amount).sort()).toEqual([inv[0].total, inv[1].total].sort());
    expect((await call('GET', `/invoices/${inv[1].id}`)).body.status).toBe('paid');
    const recorded = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), inArray(auditLog.entityId, pays.map((p) => p.id)), eq(auditLog.action, 'payment.record')));
    expect(recorded).toHaveLength(2);
  });
});
