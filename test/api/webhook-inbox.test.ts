/**
 * The inbound-webhook inbox (server/payments/webhooks/inbox.ts, apply-inbox.ts): concurrent
 * deliveries of the same events are stored once and answered `duplicate` without a write; the
 * inbox job applies each event exactly once, also when it dies before its chunk commits; an event
 * that throws is rolled back alone and tried again. Payments are sandbox payments left `pending`
 * (a charge whose answer was lost), settled by `payment.succeeded` webhooks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, inArray } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { billingWorld } from '../scenarios/fixture';
import { drainJobs } from '../../server/jobs/worker';
import { jobs, paymentAllocations, payments, webhookReceipts } from '../../server/db/schema';
import { signSandbox } from '../../server/payments/gateways/sandbox-webhooks';
import { WEBHOOK_INBOX_KIND, inboxWriteHooks } from '../../server/payments/webhooks/inbox';
import { inboxHooks } from '../../server/payments/webhooks/apply-inbox';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const applyInbox = () => drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_INBOX_KIND] } });
const invoices: any[] = [];
const pending: { id: string; ref: string; amount: string }[] = [];

async function send(event: unknown) {
  const body = JSON.stringify(event);
  const res = await t.app.request(`/api/v1/webhooks/payments/sandbox?tenant=${one.tenantId}`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'billwise-sandbox-signature': signSandbox(one.tenantId, body) } });
  return { status: res.status, body: await res.json() as { outcome: string } };
}
const succeeded = (i: number) => ({ id: `evt_ok_${i}`, type: 'payment.succeeded', data: { id: pending[i].ref, orderId: pending[i].id, status: 'succeeded' } });
const receiptsOf = (ids: string[]) => t.handle.db.select().from(webhookReceipts).where(and(eq(webhookReceipts.tenantId, one.tenantId), inArray(webhookReceipts.eventId, ids)));
const paymentStatus = async (i: number) => (await call('GET', `/payments/${pending[i].id}`)).body.status;

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('inbox');
  const { customerIds } = await billingWorld(t.handle.db, one.tenantId, 6, { now: clock, start: '2025-04-01' });
  expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const inv of (await call('GET', '/invoices?limit=50')).body.data as any[]) {
    expect((await call('POST', `/invoices/${inv.id}/finalize`)).status).toBe(200);
    invoices.push(inv);
  }
  expect(invoices).toHaveLength(customerIds.length);
  // A charge each whose answer never came: pending, as auto-collection leaves it (collection/README.md).
  for (const [k, inv] of invoices.entries()) {
    const [p] = await t.handle.db.insert(payments).values({ tenantId: one.tenantId, billTo: inv.billTo ?? inv.customerId, customerId: inv.customerId, method: 'card',
      amount: inv.total, currency: inv.currency, receivedOn: '2025-05-02', provider: 'sandbox', providerRef: `sbx_pay_inbox_${k}`, status: 'pending' }).returning();
    pending.push({ id: p.id, ref: p.providerRef!, amount: p.amount });
  }
}, 120_000);
afterEach(() => { delete inboxHooks.beforeEvent; delete inboxHooks.afterChunk; delete inboxWriteHooks.beforeWrite; });
afterAll(async () => { await t?.close(); });

describe('receiving', () => {
  it('three concurrent deliveries of each of three events: one receipt and one job per batch, every other delivery a duplicate that writes nothing', async () => {
    const [jobsBefore] = await t.handle.db.select({ n: count() }).from(jobs).where(eq(jobs.kind, WEBHOOK_INBOX_KIND));
    const answers = await Promise.all([0, 1, 2, 0, 1, 2, 0, 1, 2].map((i) => send(succeeded(i))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.map((a) => a.body.outcome).sort()).toEqual([...Array(6).fill('duplicate'), ...Array(3).fill('queued')]);
    const stored = await receiptsOf(['evt_ok_0', 'evt_ok_1', 'evt_ok_2']);
    expect(stored.map((r) => [r.eventId, r.outcome]).sort()).toEqual([['evt_ok_0', 'queued'], ['evt_ok_1', 'queued'], ['evt_ok_2', 'queued']]);
    const [jobsAfter] = await t.handle.db.select({ n: count() }).from(jobs).where(eq(jobs.kind, WEBHOOK_INBOX_KIND));
    expect(jobsAfter.n - jobsBefore.n).toBeGreaterThanOrEqual(1); // stored with the job that applies it
    expect(jobsAfter.n - jobsBefore.n).toBeLessThanOrEqual(3); // one per batch, not per delivery
    expect(await paymentStatus(0)).toBe('pending'); // the answer came before the work
  });

  it('concurrent deliveries share one statement; a batch that cannot be stored fails only its own requests, with a 503, and stores nothing; delivered again they are queued', async () => {
    const batches: string[][] = [];
    inboxWriteHooks.beforeWrite = (entries) => {
      batches.push(entries.map((e) => e.event.id));
      if (entries.some((e) => e.event.id === 'evt_batch_fail')) throw new Error('connection reset');
    };
    const events = [0, 1, 2].map((i) => ({ id: `evt_batch_${i}`, type: 'payment.pending', data: { id: `sbx_nobody_${i}`, status: 'pending' } }));
    const ok = await Promise.all(events.map((e) => send(e)));
    expect(ok.map((a) => a.body.outcome)).toEqual(['queued', 'queued', 'queued']);
    expect(batches).toEqual([['evt_batch_0', 'evt_batch_1', 'evt_batch_2']]); // read in one tick, written together
    const failing = [{ id: 'evt_batch_fail', type: 'payment.pending', data: { id: 'sbx_nobody_f', status: 'pending' } },
      { id: 'evt_batch_3', type: 'payment.pending', data: { id: 'sbx_nobody_3', status: 'pending' } }];
    const failed = await Promise.all(failing.map((e) => send(e)));
    expect(failed.map((a) => a.status)).toEqual([503, 503]);
    expect((failed[0].body as any).code).toBe('WEBHOOK_NOT_STORED');
    expect(await receiptsOf(['evt_batch_fail', 'evt_batch_3'])).toEqual([]);
    delete inboxWriteHooks.beforeWrite;
    expect((await Promise.all(failing.map((e) => send(e)))).map((a) => a.body.outcome)).toEqual(['queued', 'queued']);
    expect((await receiptsOf(['evt_batch_fail', 'evt_batch_3'])).map((r) => r.outcome)).toEqual(['queued', 'queued']);
  });

  it('a signed body PostgreSQL cannot store (a NUL) is a 422 naming the field, stored nowhere, and does not fail the deliveries batched with it', async () => {
    const bad = { id: 'evt_nul', type: 'payment.pending', data: { id: 'sbx_x\u0000y', status: 'pending' } };
    const good = { id: 'evt_beside_nul', type: 'payment.pending', data: { id: 'sbx_nobody_n', status: 'pending' } };
    const [b, g] = await Promise.all([send(bad), send(good)]);
    expect(b.status).toBe(422);
    expect((b.body as any).issues).toMatchObject([{ path: 'data.id' }]);
    expect(g.body.outcome).toBe('queued');
    expect(await receiptsOf(['evt_nul'])).toEqual([]);
  });

  it('the job applies each event once: paid, allocated once; a redelivery afterwards is still a duplicate', async () => {
    await applyInbox();
    for (const i of [0, 1, 2]) {
      expect(await paymentStatus(i)).toBe('succeeded');
      const allocs = await t.handle.db.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, pending[i].id));
      expect(allocs.map((a) => [a.invoiceId, a.amount])).toEqual([[invoices[i].id, expect.stringMatching(new RegExp(`^${invoices[i].total.replace('.', '\\.')}0*$`))]]);
      expect((await call('GET', `/invoices/${invoices[i].id}`)).body.status).toBe('paid');
    }
    expect((await receiptsOf(['evt_ok_0', 'evt_ok_1', 'evt_ok_2'])).map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect((await send(succeeded(0))).body.outcome).toBe('duplicate');
    expect(await applyInbox()).toBe(0);
  });
});

describe('applying', () => {
  it('a job that dies before its chunk commits applies nothing; the next run applies every event once', async () => {
    for (const i of [3, 4]) expect((await send(succeeded(i))).body.outcome).toBe('queued');
    inboxHooks.afterChunk = () => { throw new Error('worker killed'); };
    await expect(applyInbox()).rejects.toThrow('worker killed'); // the job fails and will be retried
    expect([await paymentStatus(3), await paymentStatus(4)]).toEqual(['pending', 'pending']);
    expect((await receiptsOf(['evt_ok_3', 'evt_ok_4'])).map((r) => r.outcome)).toEqual(['queued', 'queued']);
    delete inboxHooks.afterChunk;
    // The failed job is retried after its back-off; bring that moment forward.
    await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(and(eq(jobs.kind, WEBHOOK_INBOX_KIND), eq(jobs.status, 'queued')));
    await applyInbox();
    expect([await paymentStatus(3), await paymentStatus(4)]).toEqual(['succeeded', 'succeeded']);
    const allocs = await t.handle.db.select().from(paymentAllocations).where(inArray(paymentAllocations.paymentId, [pending[3].id, pending[4].id]));
    expect(allocs).toHaveLength(2);
  });

  it('an event that throws is rolled back alone and tried again later; the others of its chunk are applied', async () => {
    const late = { id: 'evt_late_3', type: 'payment.failed', data: { id: pending[3].ref, orderId: pending[3].id, status: 'failed', declineCode: 'card_declined' } };
    expect((await send(succeeded(5))).body.outcome).toBe('queued');
    expect((await send(late)).body.outcome).toBe('queued');
    inboxHooks.beforeEvent = (id) => { if (id === 'evt_ok_5') throw new Error('database hiccup'); };
    await applyInbox();
    const [failed] = await receiptsOf(['evt_ok_5']);
    expect(failed).toMatchObject({ outcome: 'queued', attempts: 1, detail: expect.stringContaining('database hiccup') });
    expect(failed.applyAfter!.getTime()).toBeGreaterThan(Date.now());
    expect(await paymentStatus(5)).toBe('pending');
    // The late "failed" for an already succeeded payment is ignored, in the same chunk.
    expect((await receiptsOf(['evt_late_3']))[0]).toMatchObject({ outcome: 'ignored', paymentId: pending[3].id });
    expect(await paymentStatus(3)).toBe('succeeded');
    delete inboxHooks.beforeEvent;
    await t.handle.db.update(webhookReceipts).set({ applyAfter: new Date(0) }).where(eq(webhookReceipts.id, failed.id));
    await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(and(eq(jobs.kind, WEBHOOK_INBOX_KIND), eq(jobs.status, 'queued')));
    await applyInbox();
    expect((await receiptsOf(['evt_ok_5']))[0]).toMatchObject({ outcome: 'applied', attempts: 1 });
    expect(await paymentStatus(5)).toBe('succeeded');
  });
});
