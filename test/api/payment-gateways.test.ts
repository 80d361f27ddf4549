/**
 * The gateway slice through the API, with the sandbox gateway: credentials stored encrypted and
 * never shown (response, audit log, console), test cards tokenised (no card number kept), payment
 * methods with a default and auto-collection, the auto-collection job (success, decline recovered
 * on a retry with a new card, a crash between the gateway's answer and our write, a lost answer
 * and a 5xx reconciled by status query), and inbound webhooks sent by the sandbox over real HTTP
 * (signature, duplicates, out of order, virtual-account deposits). Amounts as in payments.test.ts:
 * fx-basic 34.10 a month (USD, VAT 10%), fx-seats with 2 seats 17.60.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';
import { collectionAttempts, gatewayAccounts, jobs, paymentMethods, sandboxCharges, webhookReceipts } from '../../server/db/schema';
import { collectHooks, reconcilePayment } from '../../server/payments/collection/auto-collect';
import { sandboxFaults } from '../../server/payments/gateways/sandbox';
import { signSandbox } from '../../server/payments/gateways/sandbox-webhooks';
import { decryptSecret } from '../../server/payments/gateways/secrets';
import { WEBHOOK_INBOX_KIND } from '../../server/payments/webhooks/inbox';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let server: ReturnType<typeof serve>;
const inv: Record<string, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => t.call(method, `/api/v1${path}`, { key: one.key, body, headers });
const invoice = async (id: string) => (await call('GET', `/invoices/${id}`)).body;
const collect = () => drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.auto_collect'] } });
const applyInbox = () => drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_INBOX_KIND] } });
/** The sandbox's HTTP deliveries, then the inbox job that applies what they stored; the number of deliveries. */
const deliverWebhooks = async () => { const n = await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['sandbox.webhook'] } }); await applyInbox(); return n; };
const card = (number: string) => ({ type: 'card', card: { number, expMonth: 12, expYear: 2099 }, autoCollect: true });
const chargesFor = async (key: string) => t.handle.db.select().from(sandboxCharges).where(eq(sandboxCharges.idempotencyKey, key));
const receipts = async () => t.handle.db.select().from(webhookReceipts).where(eq(webhookReceipts.tenantId, one.tenantId));
const SECRET = 'sk_test_ThisMustNeverBeShown_51abc';

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('gw');
  const world = await billingWorld(t.handle.db, one.tenantId, 5, { now: clock, start: '2025-04-01' });
  c = world.customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv[c.indexOf(i.customerId)] = i;
  expect(inv[0].total).toBe('34.10');
  // The sandbox sends its webhooks over HTTP to this server, as it would to a deployed one.
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  process.env.SANDBOX_WEBHOOK_BASE = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  server?.close();
  await t?.close();
});

describe('gateway credentials', () => {
  it('are stored encrypted and never appear in a response, the audit log or a log line', async () => {
    const logs = [vi.spyOn(console, 'log'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
    const put = await call('PUT', '/gateways/stripe', { credentials: { secretKey: SECRET, webhookSecret: 'whsec_AlsoSecret123' } });
    expect(put.status).toBe(200);
    expect(put.body.data.find((g: any) => g.provider === 'stripe')).toMatchObject({ configured: true, source: 'tenant', keyNames: ['secretKey', 'webhookSecret'] });
    const list = await call('GET', '/gateways');
    const audit = await call('GET', '/audit-log?limit=100');
    expect(audit.body.data.some((a: any) => a.action === 'gateway.credentials_set')).toBe(true);
    for (const text of [JSON.stringify(put.body), JSON.stringify(list.body), JSON.stringify(audit.body), ...logs.flatMap((s) => s.mock.calls.map((a) => JSON.stringify(a)))]) {
      expect(text).not.toContain('ThisMustNeverBeShown');
      expect(text).not.toContain('AlsoSecret123');
    }
    logs.forEach((s) => s.mockRestore());
    const [row] = await t.handle.db.select().from(gatewayAccounts).where(eq(gatewayAccounts.tenantId, one.tenantId));
    expect(row.configEncrypted).not.toContain('ThisMustNeverBeShown');
    expect(JSON.parse(decryptSecret(row.configEncrypted))).toEqual({ secretKey: SECRET, webhookSecret: 'whsec_AlsoSecret123' });
  });

  it('refuses keys a provider does not take, and credentials for the sandbox, at the field', async () => {
    const r = await call('PUT', '/gateways/toss', { credentials: { secretKey: 'x', apiUrl: 'http://evil' } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path)).toEqual(['credentials.apiUrl']);
    expect((await call('PUT', '/gateways/sandbox', { credentials: {} })).body.issues.map((i: any) => i.path)).toEqual(['provider']);
    expect((await call('DELETE', '/gateways/stripe')).status).toBe(200);
  });
});

describe('payment methods (sandbox)', () => {
  it('tokenises a test card: only token, brand, last 4 and expiry are kept; the first method is the default', async () => {
    const r = await call('POST', `/payers/${c[0]}/payment-methods`, card('4242 4242 4242 4242'));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: 'card', provider: 'sandbox', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2099, isDefault: true, autoCollect: true });
    expect(JSON.stringify(r.body)).not.toContain('sbx_tok'); // the token stays on the server
    const dump = await t.handle.db.execute(sql`select row_to_json(m)::text as j from payment_methods m`);
    const rows = ((dump as any).rows ?? dump) as { j: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const { j } of rows) expect(j).not.toContain('4242424242424242');
    const audit = await call('GET', '/audit-log?limit=100');
    expect(JSON.stringify(audit.body)).not.toContain('4242424242424242');
  });

  it('bad cards, expired cards and automatic virtual accounts are 422s at the field', async () => {
    const bad = await call('POST', `/payers/${c[1]}/payment-methods`, card('4242424242424241'));
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('card.number');
    const old = await call('POST', `/payers/${c[1]}/payment-methods`, { type: 'card', card: { number: '4242424242424242', expMonth: 1, expYear: 2020 } });
    expect(old.body.issues.map((i: any) => i.path)).toEqual(['card.expYear']);
    const va = await call('POST', `/payers/${c[1]}/payment-methods`, { type: 'virtual_account', autoCollect: true });
    expect(va.body.issues.map((i: any) => i.path)).toEqual(['autoCollect']);
    const toss = await call('POST', `/payers/${c[1]}/payment-methods`, { type: 'card', provider: 'toss', card: { number: '4242424242424242', expMonth: 1, expYear: 2099 } });
    expect(toss.body.issues.map((i: any) => i.path).sort()).toEqual(['card', 'providerToken']);
    expect((await call('POST', `/payers/${one.tenantId}/payment-methods`, card('4242424242424242'))).status).toBe(404);
  });

  it('one default per party: making another the default steps the old one down; removed methods disappear', async () => {
    const second = await call('POST', `/payers/${c[4]}/payment-methods`, card('4000000000000002'));
    const third = await call('POST', `/payers/${c[4]}/payment-methods`, { ...card('4242424242424242'), autoCollect: false });
    expect([second.body.isDefault, third.body.isDefault]).toEqual([true, false]);
    expect((await call('PATCH', `/payment-methods/${third.body.id}`, { isDefault: true })).body.isDefault).toBe(true);
    const list = (await call('GET', `/payers/${c[4]}/payment-methods`)).body.data;
    expect(list.map((m: any) => [m.last4, m.isDefault])).toEqual([['4242', true], ['0002', false]]);
    expect((await call('DELETE', `/payment-methods/${second.body.id}`)).body.status).toBe('removed');
    expect((await call('GET', `/payers/${c[4]}/payment-methods`)).body.data).toHaveLength(1);
  });
});

describe('auto-collection', () => {
  it('finalizing an invoice of an automatic payer charges it once and pays it', async () => {
    expect((await call('POST', `/invoices/${inv[0].id}/finalize`)).status).toBe(200);
    expect(await collect()).toBe(1);
    expect(await invoice(inv[0].id)).toMatchObject({ status: 'paid', amountDue: '0.00', amountPaid: '34.10' });
    const pays = (await call('GET', `/payments?billTo=${c[0]}`)).body.data;
    expect(pays).toMatchObject([{ status: 'succeeded', provider: 'sandbox', method: 'card', amount: '34.10', allocatedAmount: '34.10', providerRef: expect.stringMatching(/^sbx_pay_/) }]);
    expect(await chargesFor(`bw-${inv[0].id}-1`)).toHaveLength(1);
    // A re-enqueued or re-run job finds the attempt settled and charges nothing.
    await t.handle.db.update(jobs).set({ status: 'queued', runAt: new Date(0) }).where(eq(jobs.dedupeKey, `collect:${inv[0].id}:1`));
    expect(await collect()).toBe(1);
    expect(await chargesFor(`bw-${inv[0].id}-1`)).toHaveLength(1);
    expect((await call('GET', `/payments?billTo=${c[0]}`)).body.data).toHaveLength(1);
  });

  it('a payer without an automatic default method is not charged', async () => {
    await call('POST', `/payers/${c[2]}/payment-methods`, { ...card('4242424242424242'), autoCollect: false });
    await call('POST', `/invoices/${inv[2].id}/finalize`);
    await collect();
    expect((await invoice(inv[2].id)).status).toBe('finalized');
    expect((await call('GET', `/payments?billTo=${c[2]}`)).body.data).toHaveLength(0);
  });

  it('a decline marks the invoice payment_failed with the code; the retry charges the new default card', async () => {
    await call('POST', `/payers/${c[1]}/payment-methods`, card('4000000000009995'));
    await call('POST', `/invoices/${inv[1].id}/finalize`);
    await collect();
    expect(await invoice(inv[1].id)).toMatchObject({ status: 'payment_failed', amountDue: '17.60' });
    const [failed] = (await call('GET', `/payments?billTo=${c[1]}`)).body.data;
    expect(failed).toMatchObject({ status: 'failed', declineCode: 'insufficient_funds', allocatedAmount: '0.00' });
    const [retry] = await t.handle.db.select().from(jobs).where(eq(jobs.dedupeKey, `collect:${inv[1].id}:2`));
    expect(Math.round((retry.runAt.getTime() - Date.now()) / 3_600_000)).toBe(72); // three days later, on the queue's (wall) clock
    await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(eq(jobs.id, retry.id)); // ... and they have passed
    const good = await call('POST', `/payers/${c[1]}/payment-methods`, { ...card('4242424242424242'), isDefault: true });
    expect(good.body.isDefault).toBe(true);
    expect(await collect()).toBe(1);
    expect(await invoice(inv[1].id)).toMatchObject({ status: 'paid', amountPaid: '17.60' });
    const attempts = await t.handle.db.select().from(collectionAttempts).where(eq(collectionAttempts.invoiceId, inv[1].id));
    expect(attempts.map((a) => [a.attempt, a.paymentMethodId === good.body.id])).toEqual([[1, false], [2, true]]);
  });

  it('a worker dying between the gateway answer and our write: the re-run asks the gateway and charges nothing twice', async () => {
    await call('POST', `/payers/${c[3]}/payment-methods`, card('4242424242424242'));
    collectHooks.afterGatewayCall = () => { collectHooks.afterGatewayCall = undefined; throw new Error('killed after the charge'); };
    await call('POST', `/invoices/${inv[3].id}/finalize`);
    await expect(collect()).rejects.toThrow('killed after the charge');
    const [pending] = (await call('GET', `/payments?billTo=${c[3]}`)).body.data;
    expect(pending.status).toBe('pending'); // the charge happened at the gateway; we never wrote it
    expect(await chargesFor(`bw-${inv[3].id}-1`)).toHaveLength(1);
    await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(eq(jobs.dedupeKey, `collect:${inv[3].id}:1`));
    expect(await collect()).toBe(1);
    expect(await chargesFor(`bw-${inv[3].id}-1`)).toHaveLength(1);
    expect((await call('GET', `/payments/${pending.id}`)).body).toMatchObject({ status: 'succeeded', allocatedAmount: inv[3].total });
    expect((await invoice(inv[3].id)).status).toBe('paid');
  });
});

describe('unknown outcomes and webhooks', () => {
  let lost: any;
  it('a lost answer or a 5xx leaves the payment pending, then a status query settles it', async () => {
    await call('POST', `/payers/${c[4]}/payment-methods`, { ...card('4000000000000077'), isDefault: true });
    await call('POST', `/invoices/${inv[4].id}/finalize`);
    await collect();
    [lost] = (await call('GET', `/payments?billTo=${c[4]}`)).body.data;
    expect(lost).toMatchObject({ status: 'pending', allocatedAmount: '0.00' });
    expect((await invoice(inv[4].id)).status).toBe('finalized'); // never marked failed by guess
    sandboxFaults.unavailable = 1; // the status query itself gets a 503: still pending, retried later
    await expect(reconcilePayment(t.handle.db, one.tenantId, lost.id, clock)).rejects.toThrow(/not answered/);
    expect((await call('GET', `/payments/${lost.id}`)).body.status).toBe('pending');
    expect(await reconcilePayment(t.handle.db, one.tenantId, lost.id, clock)).toBe('succeeded');
    expect((await invoice(inv[4].id)).status).toBe('paid');
  });

  it('the sandbox delivers its signed webhooks over HTTP; settled payments ignore the late news, each event once', async () => {
    expect(await deliverWebhooks()).toBeGreaterThanOrEqual(5);
    const rs = await receipts();
    expect(rs.length).toBeGreaterThanOrEqual(5);
    expect(rs.map((r) => r.outcome).filter((o) => o !== 'ignored')).toEqual([]); // every charge had been settled by its answer or a status query
    expect(await t.handle.db.select().from(jobs).where(and(eq(jobs.kind, 'sandbox.webhook'), eq(jobs.status, 'queued')))).toHaveLength(0);
  });

  it('bad or missing signatures are 401 and change nothing; a replayed event is a duplicate', async () => {
    const url = `/api/v1/webhooks/payments/sandbox?tenant=gw`;
    const body = JSON.stringify({ id: 'evt_test_1', type: 'payment.failed', data: { id: lost.providerRef, orderId: lost.id, status: 'failed', declineCode: 'card_declined' } });
    const before = (await receipts()).length;
    const missing = await t.call('POST', url, { body });
    expect(missing.status).toBe(401);
    const forged = await t.call('POST', url, { body, headers: { 'billwise-sandbox-signature': signSandbox('another-tenant', body) } });
    expect(forged.status).toBe(401);
    const rs = await receipts();
    expect(rs.length).toBe(before + 2);
    expect(rs.filter((r) => r.outcome === 'rejected')).toHaveLength(2);
    const good = await t.call('POST', url, { body, headers: { 'billwise-sandbox-signature': signSandbox(one.tenantId, body) } });
    expect(good.body).toEqual({ received: true, outcome: 'queued' }); // stored; the inbox job applies it
    const again = await t.call('POST', url, { body, headers: { 'billwise-sandbox-signature': signSandbox(one.tenantId, body) } });
    expect(again.body.outcome).toBe('duplicate');
    expect(await applyInbox()).toBe(1); // one job: the redelivery enqueued nothing
    const mine = (await receipts()).filter((r) => r.eventId === 'evt_test_1');
    // One receipt for both deliveries (the duplicate wrote nothing); a late "failed" never overwrites "succeeded".
    expect(mine).toMatchObject([{ eventType: 'payment', outcome: 'ignored', paymentId: lost.id }]);
    const listed = (await call('GET', '/payment-webhooks?provider=sandbox&outcome=ignored')).body;
    expect(listed.data.filter((r: any) => r.eventId === 'evt_test_1')).toHaveLength(1);
    expect((await call('GET', '/payment-webhooks?outcome=rejected')).body.total).toBe(2);
    expect((await t.call('GET', '/api/v1/payment-webhooks', { key: DEMO_KEY })).body.data).toEqual([]); // another tenant sees none of ours
    expect((await call('GET', `/payments/${lost.id}`)).body.status).toBe('succeeded');
  });

  it('a webhook settles a pending payment (after a 5xx); a late "pending" after it is ignored', async () => {
    expect((await call('POST', '/bill-runs', { periodStart: '2025-05-01', allowOpenPeriod: true })).status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    const may = ((await call('GET', '/invoices?limit=50')).body.data as any[]).find((i) => i.customerId === c[3] && i.periodStart === '2025-05-01');
    sandboxFaults.unavailable = 1;
    await call('POST', `/invoices/${may.id}/finalize`);
    await collect();
    const p = ((await call('GET', `/payments?billTo=${c[3]}&status=pending`)).body.data as any[])[0];
    expect(p).toMatchObject({ status: 'pending', amount: may.total });
    expect(await chargesFor(`bw-${may.id}-1`)).toHaveLength(0); // the 503 came before the sandbox recorded anything
    const url = `/api/v1/webhooks/payments/sandbox?tenant=${one.tenantId}`;
    const send = (e: unknown) => { const body = JSON.stringify(e); return t.call('POST', url, { body, headers: { 'billwise-sandbox-signature': signSandbox(one.tenantId, body) } }); };
    const ok = await send({ id: 'evt_test_2', type: 'payment.succeeded', data: { id: 'sbx_pay_from_webhook', orderId: p.id, status: 'succeeded' } });
    expect(ok.body).toEqual({ received: true, outcome: 'queued' });
    expect((await call('GET', `/payments/${p.id}`)).body.status).toBe('pending'); // not yet: the job applies it
    await applyInbox();
    expect((await call('GET', `/payments/${p.id}`)).body).toMatchObject({ status: 'succeeded', providerRef: 'sbx_pay_from_webhook', allocatedAmount: may.total });
    expect((await invoice(may.id)).status).toBe('paid');
    const late = await send({ id: 'evt_test_3', type: 'payment.pending', data: { id: 'sbx_pay_from_webhook', orderId: p.id, status: 'pending' } });
    expect(late.body.outcome).toBe('queued');
    await applyInbox();
    expect((await receipts()).filter((r) => r.eventId === 'evt_test_2' || r.eventId === 'evt_test_3').map((r) => [r.eventId, r.outcome]).sort())
      .toEqual([['evt_test_2', 'applied'], ['evt_test_3', 'ignored']]);
    expect((await call('GET', `/payments/${p.id}`)).body.status).toBe('succeeded');
  });
});

describe('virtual accounts', () => {
  it('a simulated deposit arrives as a signed webhook and pays the open invoice', async () => {
    const va = await call('POST', `/payers/${c[2]}/payment-methods`, { type: 'virtual_account' });
    expect(va.status).toBe(201);
    expect(va.body).toMatchObject({ type: 'virtual_account', bankName: 'Sandbox Bank', accountNumber: expect.stringMatching(/^990\d{12}$/), autoCollect: false });
    expect((await call('POST', `/payment-methods/${va.body.id}/sandbox-deposits`, { amount: '-1' })).body.issues[0].path).toBe('amount');
    const dep = await call('POST', `/payment-methods/${va.body.id}/sandbox-deposits`, { amount: '40.00', depositorName: '홍길동' });
    expect(dep.status).toBe(202);
    expect(await deliverWebhooks()).toBe(1);
    const pays = (await call('GET', `/payments?billTo=${c[2]}&method=virtual_account`)).body.data;
    expect(pays).toMatchObject([{ status: 'succeeded', provider: 'sandbox', amount: '40.00', allocatedAmount: '34.10', walletCredited: '5.90', providerRef: dep.body.ref }]);
    expect((await invoice(inv[2].id)).status).toBe('paid');
    const applied = (await receipts()).filter((r) => r.outcome === 'applied');
    expect(applied.map((r) => r.eventType)).toContain('deposit');
  });
});

describe('refunds of gateway payments', () => {
  it('go back through the provider (once per request), or to prepaid balance without it', async () => {
    const [p] = (await call('GET', `/payments?billTo=${c[0]}&status=succeeded`)).body.data;
    const r = await call('POST', `/payments/${p.id}/refunds`, { amount: '10.00', reason: 'goodwill' }, { 'Idempotency-Key': 'c9a4f1de-0000-4000-8000-000000000001' });
    expect(r.status).toBe(201);
    expect(r.body.refunds).toMatchObject([{ amount: '10.00', destination: 'original', status: 'succeeded', providerRef: expect.stringMatching(/^sbx_re_/) }]);
    const again = await call('POST', `/payments/${p.id}/refunds`, { amount: '10.00', reason: 'goodwill' }, { 'Idempotency-Key': 'c9a4f1de-0000-4000-8000-000000000001' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [charge] = await t.handle.db.select().from(sandboxCharges).where(eq(sandboxCharges.id, p.providerRef));
    expect(charge.refundedAmount).toMatch(/^10(\.0+)?$/);
    sandboxFaults.unavailable = 1;
    const down = await call('POST', `/payments/${p.id}/refunds`, { amount: '1.00', reason: 'x' });
    expect([down.status, down.body.code]).toEqual([503, 'GATEWAY_UNAVAILABLE']);
    const toWallet = await call('POST', `/payments/${p.id}/refunds`, { amount: '2.00', reason: 'credit', destination: 'prepaid' });
    expect(toWallet.body).toMatchObject({ refundedAmount: '12.00', status: 'partially_refunded' });
    expect(toWallet.body.refunds.find((x: any) => x.destination === 'prepaid').providerRef).toBeNull();
  });
});
