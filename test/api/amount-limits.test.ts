/**
 * Entered amounts are limited to less than 10^18 (server/lib/money.ts MAX_AMOUNT): money columns
 * are numeric(40,15), and a 64-digit amount used to pass the check and overflow the column (a
 * 500). Every amount a payment, allocation, refund, credit note or wallet write takes is a 422 at
 * its field naming the limit, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';
import { AMOUNT_TOO_LARGE } from '../../server/lib/money';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const clock = () => new Date('2025-04-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const HUGE = ['1'.repeat(64), '9'.repeat(26), '1000000000000000000', '1000000000000000000.00'];

function expectTooLarge(r: { status: number; body: any }, path: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: AMOUNT_TOO_LARGE })]));
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('amounts');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('amounts of 10^18 and more', () => {
  it('payments and their allocations: 422 at amount / allocations[0].amount, nothing recorded', async () => {
    const inv = (await call('GET', `/invoices?billTo=${c[0]}`)).body.data[0];
    expect((await call('POST', `/invoices/${inv.id}/finalize`)).status).toBe(200);
    for (const amount of HUGE) {
      expectTooLarge(await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount, currency: 'USD' }), 'amount');
      expectTooLarge(await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount: '1.00', currency: 'USD', allocations: [{ invoiceId: inv.id, amount }] }), 'allocations[0].amount');
    }
    expect((await call('GET', `/payments?billTo=${c[0]}`)).body.data).toHaveLength(0);
  });

  it('refunds and credit notes: 422 at the amount', async () => {
    const inv = (await call('GET', `/invoices?billTo=${c[0]}`)).body.data[0];
    const p = await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount: '1.00', currency: 'USD' });
    expect(p.status).toBe(201);
    for (const amount of HUGE) {
      expectTooLarge(await call('POST', `/payments/${p.body.id}/refunds`, { amount, reason: 'x', destination: 'prepaid' }), 'amount');
      expectTooLarge(await call('POST', `/invoices/${inv.id}/credit-notes`, { reason: 'x', lines: [{ description: 'x', amount }] }), 'lines[0].amount');
    }
    expect((await call('GET', `/invoices/${inv.id}`)).body.creditNotes ?? []).toHaveLength(0);
  });

  it('wallet top-ups, grants and adjustments (either sign): 422 at amount; a Korean caller reads the limit too', async () => {
    for (const amount of HUGE) {
      expectTooLarge(await call('POST', `/payers/${c[1]}/wallets/prepaid/top-ups`, { method: 'bank_transfer', amount, currency: 'USD' }), 'amount');
      expectTooLarge(await call('POST', `/payers/${c[1]}/wallets/prepaid/grants`, { currency: 'USD', amount, reason: 'x' }), 'amount');
    }
    const g = await call('POST', `/payers/${c[1]}/wallets/prepaid/grants`, { currency: 'USD', amount: '5.00', reason: 'x' });
    expect(g.status).toBe(201);
    for (const amount of [`-${'9'.repeat(60)}`, '9'.repeat(60)]) expectTooLarge(await call('POST', `/wallets/${g.body.wallet.id}/adjustments`, { amount, reason: 'x' }), 'amount');
    const ko = await t.call('POST', `/api/v1/wallets/${g.body.wallet.id}/adjustments`, { key: one.key, body: { amount: '9'.repeat(30), reason: 'x' }, headers: { 'accept-language': 'ko' } });
    expect(ko.body.issues[0].message).toContain('10^18');
    expect(ko.body.issues[0].message).toMatch(/[\uac00-\ud7a3]/);
  });
});
