/**
 * A customer whose own currency is KRW subscribes to a plan priced in USD: its invoices are in USD,
 * so it pays in USD (the bill-to's currencies include what it was billed in); a currency it was
 * neither set up with nor billed in is still a 422 at `currency`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-04-10T12:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('paycur');
  await billingWorld(t.handle.db, one.tenantId, 0, { now: clock });
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('paying in the currency one was billed in', () => {
  it('a KRW customer on a USD plan pays its USD invoice; EUR is refused at currency', async () => {
    const c = await call('POST', '/customers', { externalId: 'krw-1', type: 'individual', name: '원화 고객', country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW' });
    expect([c.status, c.body.issues]).toEqual([201, undefined]);
    const o = await call('POST', '/orders', { customerId: c.body.id, items: [{ planCode: 'fx-basic' }] });
    expect(o.status).toBe(201);
    expect((await call('POST', `/orders/${o.body.id}/status`, { status: 'completed', billingStartDate: '2025-03-01' })).status).toBe(200);
    expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    const [inv] = (await call('GET', `/invoices?billTo=${c.body.id}`)).body.data;
    expect(inv).toMatchObject({ currency: 'USD', total: '34.10' });
    expect((await call('POST', `/invoices/${inv.id}/finalize`)).status).toBe(200);
    const eur = await call('POST', '/payments', { billTo: c.body.id, method: 'bank_transfer', amount: '34.10', currency: 'EUR' });
    expect([eur.status, eur.body.issues]).toEqual([422, [expect.objectContaining({ path: 'currency', message: "does not match the payer's currency (KRW, USD)" })]]);
    const usd = await call('POST', '/payments', { billTo: c.body.id, method: 'bank_transfer', amount: '34.10', currency: 'USD' });
    expect(usd.status).toBe(201);
    expect((await call('GET', `/invoices/${inv.id}`)).body.status).toBe('paid');
  });
});
