/**
 * Money arriving at the same instant: two payments for one invoice never allocate more than it
 * owes, and concurrent wallet debits never take a balance below zero. On PGlite transactions
 * already run one at a time; the test bites on PostgreSQL (TEST_DATABASE_URL), where without
 * the row locks (allocate.ts, wallets/ledger.ts) both requests read the same balance and both pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const invoiceOf: Record<string, any> = {};
const clock = () => new Date('2025-04-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('paycc');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices')).body.data) {
    invoiceOf[i.customerId] = (await call('POST', `/invoices/${i.id}/finalize`)).body;
  }
}, 120_000);
afterAll(async () => { await t?.close(); });

const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();

describe('concurrent payments and debits', () => {
  it('two payments of the whole invoice at the same instant: one is allocated, the other is refused at the amount', async () => {
    const inv = invoiceOf[c[0]];
    expect(inv.total).toBe('34.10');
    const body = { billTo: c[0], method: 'bank_transfer', amount: '34.10', currency: 'USD', allocations: [{ invoiceId: inv.id, amount: '34.10' }] };
    const rs = await Promise.all([call('POST', '/payments', body), call('POST', '/payments', body)]);
    expect(statuses(rs)).toEqual([201, 422]);
    // The second waited for the first's lock and then found the invoice paid.
    expect(rs.find((r) => r.status === 422)!.body.issues).toMatchObject([{ path: 'allocations[0].invoiceId', message: 'is paid; payments go to finalized, partially_paid or payment_failed invoices' }]);
    expect((await call('GET', `/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amountPaid: '34.10', amountDue: '0.00' });
    expect((await call('GET', `/payments?billTo=${c[0]}`)).body.total).toBe(1);
  });

  it('two automatic payments at once: the invoice gets exactly what it owes, the rest of both lands in the wallet', async () => {
    const inv = invoiceOf[c[1]];
    expect(inv.total).toBe('17.60');
    const body = { billTo: c[1], method: 'card', amount: '20.00', currency: 'USD' };
    const rs = await Promise.all([call('POST', '/payments', body), call('POST', '/payments', body)]);
    expect(statuses(rs)).toEqual([201, 201]);
    expect((await call('GET', `/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amountPaid: '17.60' });
    expect(rs.map((r) => r.body.allocatedAmount).sort()).toEqual(['0.00', '17.60']);
    const [w] = (await call('GET', `/payers/${c[1]}/wallets`)).body.data;
    expect(w.balance).toBe('22.40'); // 2.40 + 20.00
  });

  it('three debits of 10 against 22.40 at once: two pass, one is refused, the balance never goes below zero', async () => {
    const [w] = (await call('GET', `/payers/${c[1]}/wallets`)).body.data;
    const debit = () => call('POST', `/wallets/${w.id}/adjustments`, { amount: '-10', reason: 'concurrent debit' });
    const rs = await Promise.all([debit(), debit(), debit()]);
    expect(statuses(rs)).toEqual([201, 201, 422]);
    const ledger = (await call('GET', `/wallets/${w.id}/entries`)).body;
    expect(ledger.wallet.balance).toBe('2.40');
    // Every entry's balanceAfter follows from the one before it: no two debits read the same balance.
    const entries = [...ledger.data].reverse();
    let running = 0;
    for (const e of entries) {
      running = Math.round((running + Number(e.amount)) * 100) / 100; // test arithmetic on cents only
      expect(Number(e.balanceAfter)).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
  });

  it('two refunds of everything refundable at once: one passes, the other finds the payment refunded', async () => {
    const p = (await call('GET', `/payments?billTo=${c[0]}`)).body.data[0];
    const refund = () => call('POST', `/payments/${p.id}/refunds`, { amount: '34.10', reason: 'double click' });
    expect(statuses(await Promise.all([refund(), refund()]))).toEqual([201, 409]);
    expect((await call('GET', `/payments/${p.id}`)).body).toMatchObject({ status: 'refunded', refundedAmount: '34.10' });
  });
});
