/**
 * POST /payments/batch: many payments recorded all or none, each allocated as POST /payments
 * allocates (oldest due date first, in input order, the rest to prepaid), audited per payment and
 * per invoice; a bad field anywhere is a 422 at payments[k].<field> and nothing is stored; a
 * reference used twice in the batch, or already recorded, is refused the same way.
 * Hand-worked amounts (USD, VAT 10%): fx-basic 31.00 + 3.10 = 34.10 a month; fx-seats with 2
 * seats 10.00 + 6.00 + 1.60 = 17.60.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { auditLog, paymentAllocations, payments } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const inv: Record<string, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => t.call(method, `/api/v1${path}`, { key: one.key, body, headers });
const invoice = async (id: string) => (await call('GET', `/invoices/${id}`)).body;
const stored = async () => ({
  payments: (await t.handle.db.select({ n: count() }).from(payments).where(eq(payments.tenantId, one.tenantId)))[0].n,
  allocations: (await t.handle.db.select({ n: count() }).from(paymentAllocations).where(eq(paymentAllocations.tenantId, one.tenantId)))[0].n,
});

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('batch');
  c = (await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-03-01' })).customerIds;
  for (const periodStart of ['2025-03-01', '2025-04-01']) expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  // Finalized oldest period first: both get today's due date, so their numbers decide the order.
  const all = ((await call('GET', '/invoices?limit=50')).body.data as any[]).sort((a, b) => a.periodStart.localeCompare(b.periodStart));
  for (const i of all) {
    inv[`${c.indexOf(i.customerId)}-${i.periodStart.slice(5, 7)}`] = i;
    expect((await call('POST', `/invoices/${i.id}/finalize`)).status).toBe(200);
  }
  expect(Object.keys(inv).sort()).toEqual(['0-03', '0-04', '1-03', '1-04', '2-03', '2-04']);
  expect(inv['0-03'].total).toBe('34.10');
  expect(inv['1-03'].total).toBe('17.60');
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('POST /payments/batch', () => {
  it('refuses the whole batch, naming payments[k].<field> of every bad payment, and stores nothing', async () => {
    const before = await stored();
    const r = await call('POST', '/payments/batch', { payments: [
      { billTo: c[0], method: 'bank_transfer', amount: '10.00', currency: 'USD' },
      { billTo: c[1], method: 'bank_transfer', amount: '-1', currency: 'USD' },
      { billTo: c[1], method: 'bank_transfer', amount: '1.001', currency: 'KRW' },
      { billTo: c[2], method: 'cash', amount: '5.00', currency: 'USD', receivedOn: '2030-01-01' },
    ] });
    expect(r.status).toBe(422);
    const paths = r.body.issues.map((i: any) => i.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['payments[1].amount', 'payments[2].currency', 'payments[2].amount', 'payments[3].receivedOn']));
    expect(paths.some((p: string) => p.startsWith('payments[0]'))).toBe(false);
    expect(await stored()).toEqual(before);
  });

  it('refuses a reference given twice in the batch, or one already recorded, and stores nothing', async () => {
    const before = await stored();
    const twice = await call('POST', '/payments/batch', { payments: [
      { billTo: c[0], method: 'bank_transfer', amount: '1.00', currency: 'USD', providerRef: 'CMS-1' },
      { billTo: c[1], method: 'bank_transfer', amount: '1.00', currency: 'USD', providerRef: 'CMS-1' },
    ] });
    expect(twice.status).toBe(422);
    expect(twice.body.issues).toEqual([expect.objectContaining({ path: 'payments[1].providerRef', message: expect.stringContaining('payments[0]') })]);
    expect((await call('POST', '/payments', { billTo: c[2], method: 'bank_transfer', amount: '1.00', currency: 'USD', providerRef: 'CMS-9' })).status).toBe(201);
    const again = await call('POST', '/payments/batch', { payments: [
      { billTo: c[0], method: 'bank_transfer', amount: '1.00', currency: 'USD', providerRef: 'CMS-8' },
      { billTo: c[1], method: 'bank_transfer', amount: '1.00', currency: 'USD', providerRef: 'CMS-9' },
    ] });
    expect(again.status).toBe(409);
    expect(again.body.issues).toEqual([{ path: 'payments[1].providerRef', message: 'already in use' }]);
    const after = await stored();
    expect(after.payments).toBe(before.payments + 1); // the single CMS-9 only
  });

  it('allocates each payment in order, oldest due first, the rest to prepaid, as POST /payments does', async () => {
    const owed2 = (await invoice(inv['2-03'].id)).amountDue; // 34.10 − 1.00 paid by CMS-9 above
    expect(owed2).toBe('33.10');
    const auditsBefore = (await t.handle.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'invoice.payment'))))[0].n;
    const r = await call('POST', '/payments/batch', { payments: [
      // c0: March in full, then 5.00 of April.
      { billTo: c[0], method: 'bank_transfer', amount: '39.10', currency: 'USD', providerRef: 'CMS-10' },
      // c0 again: the 29.10 April still owes after the first, then 0.90 to prepaid.
      { billTo: c[0], method: 'bank_transfer', amount: '30.00', currency: 'USD', providerRef: 'CMS-11' },
      // c1: part of March only.
      { billTo: c[1], method: 'card', amount: '7.60', currency: 'USD' },
      // c2: what March still owes, exactly.
      { billTo: c[2], method: 'cash', amount: owed2, currency: 'USD' },
      // pending: stored, not allocated.
      { billTo: c[1], method: 'card', amount: '3.00', currency: 'USD', status: 'pending' },
    ] });
    expect(r.status).toBe(201);
    expect(r.body.data.map((p: any) => [p.amount, p.allocatedAmount, p.walletCredited, p.status])).toEqual([
      ['39.10', '39.10', '0.00', 'succeeded'], ['30.00', '29.10', '0.90', 'succeeded'], ['7.60', '7.60', '0.00', 'succeeded'],
      ['33.10', '33.10', '0.00', 'succeeded'], ['3.00', '0.00', '0.00', 'pending'],
    ]);
    expect(await invoice(inv['0-03'].id)).toMatchObject({ status: 'paid', amountPaid: '34.10', amountDue: '0.00' });
    expect(await invoice(inv['0-04'].id)).toMatchObject({ status: 'paid', amountPaid: '34.10', amountDue: '0.00' });
    expect(await invoice(inv['1-03'].id)).toMatchObject({ status: 'partially_paid', amountPaid: '7.60', amountDue: '10.00' });
    expect(await invoice(inv['1-04'].id)).toMatchObject({ status: 'finalized', amountPaid: '0.00' });
    expect(await invoice(inv['2-03'].id)).toMatchObject({ status: 'paid', amountPaid: '34.10', amountDue: '0.00' });
    // The second c0 payment's detail: April's 29.10, from what the first one left.
    const second = (await call('GET', `/payments/${r.body.data[1].id}`)).body;
    expect(second.allocations).toMatchObject([{ invoiceId: inv['0-04'].id, amount: '29.10' }]);
    const prepaid = ((await call('GET', `/payers/${c[0]}/wallets`)).body.data as any[]).find((w) => w.kind === 'prepaid');
    expect(prepaid.balance).toBe('0.90');
    // One audit row per allocation (c0 ×3, c1, c2) and one per payment.
    const audits = (await t.handle.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'invoice.payment'))))[0].n;
    expect(audits - auditsBefore).toBe(5);
    const recorded = await t.handle.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'payment.record')));
    expect(recorded[0].n).toBeGreaterThanOrEqual(6);
  });

  it('is retried safely with an Idempotency-Key: the same answer, nothing recorded twice', async () => {
    const body = { payments: [{ billTo: c[1], method: 'bank_transfer', amount: '2.00', currency: 'USD' }] };
    const headers = { 'Idempotency-Key': 'batch-retry-1' };
    const first = await call('POST', '/payments/batch', body, headers);
    expect(first.status).toBe(201);
    const before = await stored();
    const again = await call('POST', '/payments/batch', body, headers);
    expect(again.status).toBe(201);
    expect(again.body.data[0].id).toBe(first.body.data[0].id);
    expect(await stored()).toEqual(before);
    expect(await invoice(inv['1-03'].id)).toMatchObject({ amountPaid: '9.60', amountDue: '8.00' });
  });

  it('takes at most 1,000 payments', async () => {
    const p = { billTo: c[1], method: 'bank_transfer', amount: '0.01', currency: 'USD' };
    const r = await call('POST', '/payments/batch', { payments: Array.from({ length: 1001 }, () => p) });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('payments');
  });
});
