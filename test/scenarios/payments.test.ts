/**
 * One invoice paid in two parts, with a moving clock (tenant in America/New_York, USD): the
 * March bill run on April 1st, finalize on April 2nd (due 14 days later, the default terms),
 * 20.00 received on April 10th (partially_paid, 14.10 left), the rest on April 20th, after the
 * due date (paid). fx-basic: 31.00 + VAT 10% 3.10 = 34.10.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from './fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let customer: string;
let clock = new Date('2025-03-01T17:00:00Z');
const now = () => clock;
const setDay = (iso: string) => { clock = new Date(`${iso}T17:00:00Z`); }; // 13:00 in New York
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

beforeAll(async () => {
  t = await makeTestApp({ now });
  one = await t.otherTenant('payscn');
  [customer] = (await billingWorld(t.handle.db, one.tenantId, 1, { now, start: '2025-03-01' })).customerIds;
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('a month collected in two payments', () => {
  let id: string;
  it('bill run, finalize, due date, partial payment, second payment, paid', async () => {
    setDay('2025-04-01');
    expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
    await drainJobs(t.handle.db, { now });
    [{ id }] = (await call('GET', '/invoices')).body.data;

    setDay('2025-04-02');
    expect((await call('POST', `/invoices/${id}/finalize`)).body).toMatchObject({ status: 'finalized', issueDate: '2025-04-02', dueDate: '2025-04-16', amountDue: '34.10' });

    setDay('2025-04-10');
    const first = await call('POST', '/payments', { billTo: customer, method: 'virtual_account', amount: '20.00', currency: 'USD' });
    expect(first.body).toMatchObject({ receivedOn: '2025-04-10', allocations: [{ invoiceId: id, amount: '20.00' }] });
    expect((await call('GET', `/invoices/${id}`)).body).toMatchObject({ status: 'partially_paid', amountPaid: '20.00', amountDue: '14.10', paidAt: null });

    setDay('2025-04-20'); // four days late
    const second = await call('POST', '/payments', { billTo: customer, method: 'bank_transfer', amount: '14.10', currency: 'USD' });
    expect(second.body).toMatchObject({ receivedOn: '2025-04-20', allocatedAmount: '14.10', walletCredited: '0.00' });
    expect((await call('GET', `/invoices/${id}`)).body).toMatchObject({ status: 'paid', amountPaid: '34.10', amountDue: '0.00', paidAt: '2025-04-20T17:00:00.000Z' });
    expect((await call('GET', `/payers/${customer}/wallets`)).body.data).toEqual([]);
  });

  it('every movement is in the audit log', async () => {
    const log = (await call('GET', `/audit-log?entityType=invoice&entityId=${id}&limit=50`)).body.data.map((e: any) => [e.action, e.after?.status]);
    expect(log.filter(([a]: string[]) => a === 'invoice.payment')).toEqual([['invoice.payment', 'paid'], ['invoice.payment', 'partially_paid']]);
    expect((await call('GET', '/audit-log?action=payment.record')).body.total).toBe(2);
  });
});
