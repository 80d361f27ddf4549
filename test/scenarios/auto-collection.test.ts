/**
 * A month of auto-collection with a frozen, moving clock (sandbox gateway). Two customers on
 * automatic cards are billed for April on 2025-05-01: Basic 31.00 + VAT 3.10 = 34.10 and Seats
 * (2 seats) 10.00 + 6.00 + VAT 1.60 = 17.60. The Basic card pays at once; the Seats card has
 * insufficient funds, so the invoice is payment_failed and the retry waits three days. On
 * 05-03 the customer replaces the card; on 05-04 the retry charges the new one and the invoice is
 * paid that day. On 05-10 a third customer pays by a virtual-account deposit (sandbox webhook over
 * HTTP), 40.00 against 34.10 owed: the 5.90 overpayment goes to prepaid balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { jobs } from '../../server/db/schema';
import { billingWorld } from './fixture';

let now = new Date('2025-04-01T15:00:00Z');
const clock = () => now;
let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let server: ReturnType<typeof serve>;
const inv: Record<number, any> = {};
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const card = (number: string, isDefault = true) => ({ type: 'card', card: { number, expMonth: 12, expYear: 2099 }, autoCollect: true, isDefault });
/**
 * The queue runs on the wall clock: a retry scheduled "in three days" is made due once the
 * scenario's clock has moved that far past the decline (`declinedAt`).
 */
let declinedAt = now;
async function queueReaches(date: Date) {
  const due = await t.handle.db.select().from(jobs).where(and(eq(jobs.kind, 'payments.auto_collect'), eq(jobs.status, 'queued')));
  for (const j of due) {
    if (j.runAt.getTime() - j.createdAt.getTime() <= date.getTime() - declinedAt.getTime() + 60_000) await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(eq(jobs.id, j.id));
  }
}
const collect = () => drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.auto_collect'] } });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('month');
  c = (await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-04-01' })).customerIds;
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  process.env.SANDBOX_WEBHOOK_BASE = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  server?.close();
  await t?.close();
});

describe('May 2025: auto-collection of April', () => {
  it('05-01: the bill run and finalize charge both cards; one pays, one is declined', async () => {
    expect((await call('POST', `/payers/${c[0]}/payment-methods`, card('4242424242424242'))).status).toBe(201);
    expect((await call('POST', `/payers/${c[1]}/payment-methods`, card('4000000000009995'))).status).toBe(201);
    now = new Date('2025-05-01T15:00:00Z');
    expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv[c.indexOf(i.customerId)] = i;
    expect([inv[0].total, inv[1].total, inv[2].total]).toEqual(['34.10', '17.60', '34.10']);
    for (const k of [0, 1, 2]) expect((await call('POST', `/invoices/${inv[k].id}/finalize`)).status).toBe(200);
    expect(await collect()).toBe(3); // c[2] has no method: its job finds nothing to charge
    declinedAt = now;
    expect((await call('GET', `/invoices/${inv[0].id}`)).body).toMatchObject({ status: 'paid', amountPaid: '34.10', paidAt: '2025-05-01T15:00:00.000Z' });
    expect((await call('GET', `/invoices/${inv[1].id}`)).body).toMatchObject({ status: 'payment_failed', amountDue: '17.60' });
    expect((await call('GET', `/invoices/${inv[2].id}`)).body.status).toBe('finalized');
  });

  it('05-03: nothing is retried before three days have passed; the customer replaces the card', async () => {
    now = new Date('2025-05-03T21:00:00Z');
    await queueReaches(now);
    expect(await collect()).toBe(0);
    expect((await call('POST', `/payers/${c[1]}/payment-methods`, card('4242424242424242'))).body.isDefault).toBe(true);
  });

  it('05-04: the retry charges the new card and the invoice is paid that day', async () => {
    now = new Date('2025-05-04T15:00:00Z');
    await queueReaches(now);
    expect(await collect()).toBe(1);
    expect((await call('GET', `/invoices/${inv[1].id}`)).body).toMatchObject({ status: 'paid', amountPaid: '17.60', paidAt: '2025-05-04T15:00:00.000Z' });
    const pays = (await call('GET', `/payments?billTo=${c[1]}`)).body.data as any[];
    expect(pays.map((p) => [p.receivedOn, p.status, p.amount, p.declineCode]).sort()).toEqual([
      ['2025-05-01', 'failed', '17.60', 'insufficient_funds'],
      ['2025-05-04', 'succeeded', '17.60', null],
    ]);
  });

  it('05-10: a virtual-account deposit pays the third invoice; the rest is prepaid balance', async () => {
    now = new Date('2025-05-10T15:00:00Z');
    const va = await call('POST', `/payers/${c[2]}/payment-methods`, { type: 'virtual_account' });
    expect((await call('POST', `/payment-methods/${va.body.id}/sandbox-deposits`, { amount: '40.00', depositorName: '김철수' })).status).toBe(202);
    expect(await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['sandbox.webhook'] } })).toBeGreaterThanOrEqual(1);
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.webhook_inbox'] } }); // applies what the deliveries stored
    expect((await call('GET', `/invoices/${inv[2].id}`)).body).toMatchObject({ status: 'paid', paidAt: '2025-05-10T15:00:00.000Z' });
    const [w] = (await call('GET', `/payers/${c[2]}/wallets`)).body.data;
    expect(w).toMatchObject({ kind: 'prepaid', balance: '5.90' });
    const month = (await call('GET', '/payments?status=succeeded&from=2025-05-01&to=2025-06-01')).body;
    expect(month.data.map((p: any) => p.amount).sort()).toEqual(['17.60', '34.10', '40.00']);
  });
});
