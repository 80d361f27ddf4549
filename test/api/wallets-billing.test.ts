/**
 * Bill runs draw prepaid balance and points down (rating.md §4 step 5) exactly as the preview
 * shows for the same balances and the tenant's points policy; a re-run posts nothing twice; a
 * paid invoice credits the points its rule earned (expiring); a voided invoice gives its prepaid
 * and points back. Frozen clock.
 * Hand-worked (USD, VAT 10%): fx-basic 31.00 + 3.10 = 34.10. Policy: a point is worth 0.50, at most
 * 10 points per invoice. c0 has 20.00 prepaid and 15 points: prepaid 20.00, then points
 * min(10 × 0.50, 14.10) = 5.00 for 10 points, due 9.10; the rule earns 10% of 34.10 − 5.00 = 2.91.
 * c1 (fx-seats, 2 seats: 10 + 6 + 1.60 = 17.60) has nothing: pays 17.60 and earns 1.76 points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';
import { importDocuments } from '../../server/catalog/versions';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const clock = () => new Date('2025-04-02T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const walletsOf = async (billTo: string) => Object.fromEntries(((await call('GET', `/payers/${billTo}/wallets`)).body.data as any[]).map((w) => [w.kind, w]));
const entries = async (walletId: string) => (await call('GET', `/wallets/${walletId}/entries`)).body.data as any[];
const invoiceOf = async (customerId: string, periodStart: string) =>
  ((await call('GET', `/invoices?billTo=${customerId}&periodStart=${periodStart}`)).body.data as any[])[0];
const billRun = async (periodStart: string) => {
  expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
};

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('wal');
  const world = await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' });
  c = world.customerIds;
  await importDocuments({ ctx: world.ctx, plans: [], effectiveFrom: '2025-01-01', rules: [{
    id: 'fx-points', name: 'Points 10%', kind: 'points', priority: 5, conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] },
    event: { type: 'points', params: { earnPercent: '10', expiresInDays: 30 } },
  }] });
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('points policy', () => {
  it('is set per currency, checked field by field', async () => {
    const bad = await call('PUT', '/points-policies/USD', { pointValue: '0', maxPointsPerInvoice: '-1' });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['maxPointsPerInvoice', 'pointValue']);
    const ok = await call('PUT', '/points-policies/USD', { pointValue: '0.5', maxPointsPerInvoice: '10' });
    expect(ok.body).toEqual({ currency: 'USD', pointValue: '0.5', maxPointsPerInvoice: '10.00' });
    expect((await call('GET', '/points-policies')).body.data).toEqual([ok.body]);
  });
});

describe('a bill run draws prepaid and points as the preview shows', () => {
  let preview: any;
  it('grants credit and points (422 at each bad field)', async () => {
    const bad = await call('POST', `/payers/${c[0]}/wallets/points/grants`, { currency: 'EUR', amount: '-1', reason: 'x', expiresOn: '2025-04-01' });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['amount', 'currency', 'expiresOn']);
    expect((await call('POST', `/payers/${c[0]}/wallets/prepaid/grants`, { currency: 'USD', amount: '20.00', reason: 'welcome credit' })).status).toBe(201);
    const pts = await call('POST', `/payers/${c[0]}/wallets/points/grants`, { currency: 'USD', amount: '15', reason: 'sign-up points', expiresOn: '2025-12-31' });
    expect(pts.body.entry).toMatchObject({ type: 'top_up_granted', amount: '15.00', expiresAt: '2025-12-31T00:00:00.000Z' });
  });

  it('the preview with those balances and the tenant policy', async () => {
    const r = await call('POST', '/rating/preview', {
      currency: 'USD', period: { start: '2025-03-01', end: '2025-04-01' }, subscriptions: [{ planCode: 'fx-basic' }], prepaidBalance: '20.00', pointsBalance: '15',
    });
    expect(r.status).toBe(200);
    preview = r.body;
    expect(preview).toMatchObject({ total: '34.10', prepaidApplied: '20.00', pointsApplied: '5.00', pointsSpent: '10.00', amountDue: '9.10' });
    expect(preview.pointsEarned).toEqual([{ rule: 'fx-points', points: '2.91', expiresInDays: 30 }]);
  });

  it('the March bill run stores the same amounts and posts consumption keyed by the invoice', async () => {
    await billRun('2025-03-01');
    const inv = await invoiceOf(c[0], '2025-03-01');
    for (const k of ['total', 'prepaidApplied', 'pointsApplied', 'invoicedAmountDue'] as const) expect(inv[k]).toBe(preview[k === 'invoicedAmountDue' ? 'amountDue' : k]);
    const w = await walletsOf(c[0]);
    expect(w.prepaid.balance).toBe('0.00');
    expect(w.points.balance).toBe('5.00');
    expect((await entries(w.points.id))[0]).toMatchObject({ type: 'consumption', amount: '-10.00', invoiceId: inv.id });
    expect((await entries(w.prepaid.id))[0]).toMatchObject({ type: 'consumption', amount: '-20.00', invoiceId: inv.id });
  });

  it('a re-run of the period posts nothing twice', async () => {
    await billRun('2025-03-01');
    const w = await walletsOf(c[0]);
    expect((await entries(w.prepaid.id)).length).toBe(2);
    expect((await entries(w.points.id)).length).toBe(2);
    expect(w.prepaid.balance).toBe('0.00');
  });

  it('a voided invoice gives its prepaid balance and points back (once)', async () => {
    const inv = await invoiceOf(c[0], '2025-03-01');
    expect((await call('POST', `/invoices/${inv.id}/void`)).status).toBe(200);
    const w = await walletsOf(c[0]);
    expect(w.prepaid.balance).toBe('20.00');
    expect(w.points.balance).toBe('15.00');
    expect((await entries(w.points.id))[0]).toMatchObject({ type: 'reversal', amount: '10.00', invoiceId: inv.id });
    expect((await call('POST', `/invoices/${inv.id}/void`)).status).toBe(409);
    expect((await walletsOf(c[0])).points.balance).toBe('15.00');
  });
});

describe('points earned when paid', () => {
  it('a payment that settles the invoice credits its points, expiring after the rule’s days; a second payment earns nothing more', async () => {
    const inv = await invoiceOf(c[1], '2025-03-01');
    expect(inv).toMatchObject({ total: '17.60', prepaidApplied: '0.00', pointsApplied: '0.00' });
    expect((await call('POST', `/invoices/${inv.id}/finalize`)).status).toBe(200);
    expect((await walletsOf(c[1])).points).toBeUndefined();
    expect((await call('POST', '/payments', { billTo: c[1], method: 'card', amount: '17.60', currency: 'USD' })).status).toBe(201);
    const w = await walletsOf(c[1]);
    expect(w.points.balance).toBe('1.76');
    // Paid on 2025-04-02 (Seoul... the tenant is New York: still 2025-04-01 there) + 30 days.
    expect((await entries(w.points.id))[0]).toMatchObject({ type: 'top_up_granted', amount: '1.76', invoiceId: inv.id, expiresAt: '2025-05-01T00:00:00.000Z' });
    expect((await call('POST', '/payments', { billTo: c[1], method: 'card', amount: '5.00', currency: 'USD' })).status).toBe(201);
    expect((await walletsOf(c[1])).points.balance).toBe('1.76');
  });
});
