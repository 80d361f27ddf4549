import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

/**
 * A subscription completed after its payer's invoice for the period exists is billed on a
 * supplementary invoice (sequence 2), not dropped, and a re-run still creates nothing twice.
 */
let t: TestApp;
let tenant: { tenantId: string; key: string };
let customerId: string;
const clock = () => new Date('2025-04-02T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenant = await t.otherTenant('supp');
  customerId = (await billingWorld(t.handle.db, tenant.tenantId, 1, { now: clock, start: '2025-03-01' })).customerIds[0];
}, 60_000);
afterAll(async () => { await t?.close(); });

async function runMarch() {
  const r = await t.call('POST', '/api/v1/bill-runs', { key: tenant.key, body: { periodStart: '2025-03-01' } });
  expect(r.status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key: tenant.key })).body;
}
const marchInvoices = async () => (await t.call('GET', '/api/v1/invoices?periodStart=2025-03-01', { key: tenant.key })).body.data
  .sort((a: any, b: any) => a.sequence - b.sequence);

describe('supplementary invoices', () => {
  it('bills a subscription added after the period was invoiced on invoice #2 of the period', async () => {
    const first = await runMarch();
    expect(first.invoicesCreated).toBe(1);
    const [inv1] = await marchInvoices();
    expect(inv1).toMatchObject({ sequence: 1, subtotal: '31.00', total: '34.10' }); // fx-basic 31.00 + 10% VAT

    // An add-on order completed afterwards, billed from March 16 (16 of 31 days of the 31.00 plan).
    const o = await t.call('POST', '/api/v1/orders', { key: tenant.key, body: { customerId, items: [{ planCode: 'fx-basic', addOn: true }] } });
    expect(o.status).toBe(201);
    const done = await t.call('POST', `/api/v1/orders/${o.body.id}/status`, { key: tenant.key, body: { status: 'completed', billingStartDate: '2025-03-16' } });
    expect(done.status).toBe(200);

    const second = await runMarch();
    expect(second).toMatchObject({ invoicesCreated: 1, billsCreated: 1 });
    expect(second.payers[0].error).toContain('supplementary invoice #2');
    const [a, b] = await marchInvoices();
    expect(a.id).toBe(inv1.id);
    expect(a.total).toBe('34.10'); // the first invoice is untouched
    expect(b).toMatchObject({ sequence: 2, subtotal: '16.00', taxTotal: '1.60', total: '17.60' }); // 31.00 × 16/31
  });

  it('creates nothing more when the run is repeated', async () => {
    const third = await runMarch();
    expect(third).toMatchObject({ invoicesCreated: 0, billsCreated: 0 });
    expect(await marchInvoices()).toHaveLength(2);
  });
});
