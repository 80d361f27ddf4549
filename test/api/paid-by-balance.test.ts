/**
 * An invoice that prepaid balance or points cover entirely, and an invoice of 0, end `paid` when
 * finalized (as Stripe marks a $0 invoice paid), not `finalized` with nothing due: paidAt set,
 * `invoice.paid` emitted, earned points credited, nothing queued for collection that would charge
 * 0, and one that only balances paid can still be voided (its draws go back).
 * Hand-worked (USD, VAT 10%): fx-basic 34.10; fx-seats with 2 seats 17.60. c0 has 50.00 prepaid
 * (draws 34.10, keeps 15.90); c1 has 20 points at 1 point = 1 USD (draws 17.60); c2 gets a 100%
 * discount (total 0); c3 (fx-seats, 4 seats: 24.20) has 5.00 prepaid and stays finalized, 19.20 due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { webhookEvents } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';
import { importDocuments } from '../../server/catalog/versions';
// The receiver listens on 127.0.0.1, a private target the SSRF guard refuses unless allowed (server/webhooks/url-guard.ts).
process.env.WEBHOOKS_ALLOW_PRIVATE = '1';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const inv: Record<number, any> = {};
const clock = () => new Date('2025-05-02T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const wallet = async (billTo: string, kind: string) => ((await call('GET', `/payers/${billTo}/wallets`)).body.data as any[]).find((w) => w.kind === kind);

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('balance');
  const world = await billingWorld(t.handle.db, one.tenantId, 4, { now: clock, start: '2025-04-01' });
  c = world.customerIds;
  await importDocuments({ ctx: world.ctx, plans: [], effectiveFrom: '2025-01-01', rules: [{
    id: 'free-c2', name: 'Free for fx-2', kind: 'discount', priority: 10, conditions: { all: [{ fact: 'customer.id', operator: 'equal', value: 'fx-2' }] },
    event: { type: 'discount', params: { percent: '100', target: 'invoice' } },
  }] });
  expect((await call('POST', `/payers/${c[0]}/wallets/prepaid/grants`, { currency: 'USD', amount: '50.00', reason: 'credit' })).status).toBe(201);
  expect((await call('POST', `/payers/${c[1]}/wallets/points/grants`, { currency: 'USD', amount: '20', reason: 'points' })).status).toBe(201);
  expect((await call('POST', `/payers/${c[3]}/wallets/prepaid/grants`, { currency: 'USD', amount: '5.00', reason: 'credit' })).status).toBe(201);
  expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  // Subscribed after the bill run: only what finalizing emits is counted.
  expect((await call('POST', '/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', eventTypes: ['invoice.paid'] })).status).toBe(201);
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv[c.indexOf(i.customerId)] = i;
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('finalizing an invoice with nothing left to pay', () => {
  it('drafts show what the wallets cover', async () => {
    expect(inv[0]).toMatchObject({ status: 'draft', total: '34.10', prepaidApplied: '34.10', amountDue: '0.00' });
    expect(inv[1]).toMatchObject({ status: 'draft', total: '17.60', pointsApplied: '17.60', amountDue: '0.00' });
    expect(inv[2]).toMatchObject({ status: 'draft', total: '0.00', amountDue: '0.00' });
    expect(inv[3]).toMatchObject({ status: 'draft', total: '24.20', prepaidApplied: '5.00', amountDue: '19.20' });
  });

  it('covered by prepaid balance, by points, or of 0: paid at once, with paidAt and invoice.paid', async () => {
    for (const k of [0, 1, 2]) {
      const r = await call('POST', `/invoices/${inv[k].id}/finalize`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'paid', amountDue: '0.00', amountPaid: '0.00', number: expect.stringMatching(/^INV-/), paidAt: '2025-05-02T03:00:00.000Z' });
    }
    const paid = await t.handle.db.select().from(webhookEvents).where(and(eq(webhookEvents.tenantId, one.tenantId), eq(webhookEvents.type, 'invoice.paid')));
    expect(paid.map((e) => (e.data as any).invoice.id).sort()).toEqual([inv[0].id, inv[1].id, inv[2].id].sort());
    expect((await wallet(c[0], 'prepaid')).balance).toBe('15.90');
    expect((await wallet(c[1], 'points')).balance).toBe('2.40');
  });

  it('partly covered stays finalized with the rest due', async () => {
    const r = await call('POST', `/invoices/${inv[3].id}/finalize`);
    expect(r.body).toMatchObject({ status: 'finalized', amountDue: '19.20', paidAt: null });
  });

  it('paid by balance alone can be voided, and the balance comes back', async () => {
    const r = await call('POST', `/invoices/${inv[0].id}/void`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('void');
    expect((await wallet(c[0], 'prepaid')).balance).toBe('50.00');
  });

  it('paid with money cannot be voided', async () => {
    expect((await call('POST', '/payments', { billTo: c[3], method: 'cash', amount: '19.20', currency: 'USD' })).status).toBe(201);
    expect((await call('GET', `/invoices/${inv[3].id}`)).body.status).toBe('paid');
    expect((await call('POST', `/invoices/${inv[3].id}/void`)).status).toBe(409);
  });
});
