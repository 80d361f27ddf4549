/**
 * The real adapters over HTTP against local servers that answer as the providers' documented APIs
 * do (test/support/provider-servers.ts). Stripe goes through the official SDK (host/port/protocol
 * from STRIPE_API_URL) and end to end through our API: tenant credentials, a saved PaymentMethod,
 * auto-collection of a finalized invoice, a decline, and Stripe-Signature webhooks. Toss: billing
 * key, charge with Idempotency-Key and a number amount, declines and 5xx, status by order id,
 * cancel, virtual accounts and the deposit callback's secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { TestApp } from '../support/app';
import type { ProviderServer } from '../support/provider-servers';
import { gatewayWorld, type GatewayWorld } from '../support/gateway-world';
import { and, eq } from 'drizzle-orm';
import { drainJobs } from '../../server/jobs/worker';
import { webhookReceipts } from '../../server/db/schema';
import { WEBHOOK_INBOX_KIND } from '../../server/payments/webhooks/inbox';
import { tossGateway } from '../../server/payments/gateways/toss';
import { GatewayRejected, GatewayUnavailable, WebhookSignatureError } from '../../server/payments/gateways/types';

const STRIPE_KEY = 'sk_test_local_51xyz';
const WHSEC = 'whsec_local_test_secret';
const TOSS_KEY = 'test_sk_local_toss';
let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let stripe: ProviderServer;
let toss: ProviderServer;
const inv: Record<number, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

let w: GatewayWorld;
beforeAll(async () => {
  w = await gatewayWorld({ stripeKey: STRIPE_KEY, tossKey: TOSS_KEY, tenant: 'ad', now: clock });
  ({ t, one, c, stripe, toss } = w);
  Object.assign(inv, w.inv);
}, 120_000);
afterAll(async () => {
  await w?.close();
});

describe('Stripe through the official SDK', () => {
  it('saves a PaymentMethod, charges a finalized invoice off-session with the attempt key, and pays it', async () => {
    expect((await call('PUT', '/gateways/stripe', { credentials: { secretKey: STRIPE_KEY, webhookSecret: WHSEC } })).status).toBe(200);
    const m = await call('POST', `/payers/${c[0]}/payment-methods`, { type: 'card', provider: 'stripe', providerToken: 'pm_card_visa', autoCollect: true });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ provider: 'stripe', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, isDefault: true });
    await call('POST', `/invoices/${inv[0].id}/finalize`);
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.auto_collect'] } });
    const create = stripe.requests.filter((r) => r.path === '/v1/payment_intents');
    expect(create).toHaveLength(1);
    expect(create[0].headers['idempotency-key']).toBe(`bw-${inv[0].id}-1`);
    const form = new URLSearchParams(create[0].body);
    expect([form.get('amount'), form.get('currency'), form.get('off_session'), form.get('confirm')]).toEqual(['3410', 'usd', 'true', 'true']);
    expect((await call('GET', `/invoices/${inv[0].id}`)).body.status).toBe('paid');
    const [p] = (await call('GET', `/payments?billTo=${c[0]}`)).body.data;
    expect(p).toMatchObject({ provider: 'stripe', status: 'succeeded', providerRef: expect.stringMatching(/^pi_/) });
  });

  it('a 402 card_error is a decline with its code; the invoice is payment_failed', async () => {
    await call('POST', `/payers/${c[1]}/payment-methods`, { type: 'card', provider: 'stripe', providerToken: 'pm_card_chargeDeclinedInsufficientFunds', autoCollect: true });
    await call('POST', `/invoices/${inv[1].id}/finalize`);
    await drainJobs(t.handle.db, { now: clock, max: 1, filter: { kinds: ['payments.auto_collect'] } });
    const [p] = (await call('GET', `/payments?billTo=${c[1]}`)).body.data;
    expect(p).toMatchObject({ provider: 'stripe', status: 'failed', declineCode: 'insufficient_funds', providerRef: expect.stringMatching(/^pi_/) });
    expect((await call('GET', `/invoices/${inv[1].id}`)).body.status).toBe('payment_failed');
  });

  it('webhooks are verified with Stripe-Signature: forged → 401, genuine → stored, replay → duplicate', async () => {
    const [p] = (await call('GET', `/payments?billTo=${c[0]}`)).body.data;
    const pi = stripe.state.intents.get(p.providerRef);
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: pi } });
    const url = `/api/v1/webhooks/payments/stripe?tenant=${one.tenantId}`;
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' });
    expect((await t.call('POST', url, { body: payload, headers: { 'stripe-signature': forged } })).status).toBe(401);
    expect((await t.call('POST', url, { body: payload })).status).toBe(401);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    expect((await t.call('POST', url, { body: payload, headers: { 'stripe-signature': header } })).body).toEqual({ received: true, outcome: 'queued' });
    expect((await t.call('POST', url, { body: payload, headers: { 'stripe-signature': header } })).body.outcome).toBe('duplicate');
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_INBOX_KIND] } });
    const stored = await t.handle.db.select().from(webhookReceipts).where(and(eq(webhookReceipts.tenantId, one.tenantId), eq(webhookReceipts.eventId, 'evt_1')));
    expect(stored).toMatchObject([{ provider: 'stripe', outcome: 'ignored', paymentId: p.id }]); // already settled by the charge's answer
  });
  it('a rotated webhook secret takes effect at once, though credentials are cached for webhooks: the new one is believed, the old one is 401', async () => {
    const url = `/api/v1/webhooks/payments/stripe?tenant=${one.tenantId}`;
    const signed = (id: string, secret: string) => {
      const payload = JSON.stringify({ id, object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });
      return t.call('POST', url, { body: payload, headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) } });
    };
    expect((await signed('evt_rot_1', WHSEC)).body.outcome).toBe('queued'); // the secret is now cached
    const rotated = 'whsec_rotated_secret_2';
    expect((await call('PUT', '/gateways/stripe', { credentials: { secretKey: STRIPE_KEY, webhookSecret: rotated } })).status).toBe(200);
    expect((await signed('evt_rot_2', WHSEC)).status).toBe(401);
    expect((await signed('evt_rot_3', rotated)).body.outcome).toBe('queued');
    // Removed tenant credentials fall back to the server's (none here): nothing is believed.
    expect((await call('DELETE', '/gateways/stripe')).status).toBe(200);
    expect((await signed('evt_rot_4', rotated)).status).toBe(401);
    expect((await call('PUT', '/gateways/stripe', { credentials: { secretKey: STRIPE_KEY, webhookSecret: WHSEC } })).status).toBe(200);
    expect((await signed('evt_rot_5', WHSEC)).body.outcome).toBe('queued');
  });
});

describe('Toss Payments over its REST API', () => {
  const gw = tossGateway({ secretKey: TOSS_KEY });
  const base = { tenantId: 't', currency: 'KRW', orderName: '2025년 5월 이용료' };

  it('issues a billing key and charges it with Basic auth, Idempotency-Key and an integer amount; a retry is the same payment', async () => {
    const saved = await gw.saveMethod({ tenantId: 't', customerKey: 'cust-1', customerName: '홍길동', providerToken: 'auth_ok' });
    expect(saved).toMatchObject({ token: expect.stringMatching(/^bk_/), providerCustomerRef: 'cust-1', brand: '신한', last4: '123*' });
    const req = { ...base, amount: '33000', idempotencyKey: 'bw-inv-1-1', token: saved.token, providerCustomerRef: 'cust-1', orderId: 'order-000001' };
    const first = await gw.charge(req);
    expect(first).toMatchObject({ status: 'succeeded', ref: expect.stringMatching(/^tpk_/) });
    expect(await gw.charge(req)).toEqual(first);
    const sent = toss.requests.filter((r) => r.path === `/v1/billing/${saved.token}`);
    expect(sent).toHaveLength(2);
    expect(sent[0].body).toContain('"amount":33000');
    expect(sent[0].headers['idempotency-key']).toBe('bw-inv-1-1');
    expect(sent[0].headers.authorization).toBe(`Basic ${Buffer.from(`${TOSS_KEY}:`).toString('base64')}`);
    expect([...toss.state.payments.values()].filter((p: any) => p.orderId === 'order-000001')).toHaveLength(1);
    expect(await gw.getPaymentStatus({ tenantId: 't', ref: null, orderId: 'order-000001', idempotencyKey: 'x' })).toEqual(first);
    expect(await gw.getPaymentStatus({ tenantId: 't', ref: null, orderId: 'order-unknown', idempotencyKey: 'x' })).toBeNull();
    expect(await gw.refund({ tenantId: 't', ref: first.ref!, amount: '10000', currency: 'KRW', idempotencyKey: 'bw-re-1', reason: '부분 환불' })).toMatchObject({ status: 'succeeded', ref: expect.stringMatching(/^tx_/) });
    expect(toss.state.payments.get(first.ref).status).toBe('PARTIAL_CANCELED');
  });

  it('a refusal is a decline with a normalised code; a 500 is "unknown", never a decline; a bad key is a rejection', async () => {
    const poor = await gw.saveMethod({ tenantId: 't', customerKey: 'cust-2', customerName: 'x', providerToken: 'auth_insufficient' });
    expect(await gw.charge({ ...base, amount: '1000', idempotencyKey: 'k2', token: poor.token, providerCustomerRef: 'cust-2', orderId: 'order-000002' }))
      .toMatchObject({ status: 'failed', declineCode: 'insufficient_funds' });
    const down = await gw.saveMethod({ tenantId: 't', customerKey: 'cust-3', customerName: 'x', providerToken: 'auth_5xx' });
    await expect(gw.charge({ ...base, amount: '1000', idempotencyKey: 'k3', token: down.token, providerCustomerRef: 'cust-3', orderId: 'order-000003' })).rejects.toBeInstanceOf(GatewayUnavailable);
    await expect(tossGateway({ secretKey: 'wrong' }).saveMethod({ tenantId: 't', customerKey: 'c', customerName: 'x', providerToken: 'auth_ok' })).rejects.toBeInstanceOf(GatewayRejected);
  });

  it('issues a virtual account; its deposit callback is believed only with the account\'s secret', async () => {
    const va = await gw.issueVirtualAccount!({ tenantId: 't', orderId: 'va-order-01', customerName: '홍길동', currency: 'KRW', amount: '55000' });
    expect(va).toMatchObject({ accountNumber: expect.stringMatching(/^X\d+$/), secret: expect.stringMatching(/^ps_/) });
    const callback = (secret: string) => JSON.stringify({ createdAt: '2025-05-10T10:00:00.000000', secret, status: 'DONE', transactionKey: 'tx-dep-1', orderId: 'va-order-01' });
    const findVaSecret = async (n: string) => (n === va.accountNumber ? va.secret! : null);
    expect(await gw.verifyWebhook(new Headers(), callback(va.secret!), { tenantId: 't', findVaSecret }))
      .toMatchObject({ type: 'deposit', accountNumber: va.accountNumber, amount: '55000', currency: 'KRW', status: 'succeeded', id: 'deposit:va-order-01:tx-dep-1:DONE' });
    await expect(gw.verifyWebhook(new Headers(), callback('ps_forged'), { tenantId: 't', findVaSecret })).rejects.toBeInstanceOf(WebhookSignatureError);
    // PAYMENT_STATUS_CHANGED is unsigned: a payment Toss does not know is refused.
    await expect(gw.verifyWebhook(new Headers(), JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: 'x', data: { paymentKey: 'tpk_forged', status: 'DONE' } }), { tenantId: 't' }))
      .rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('through the API: a forged Toss callback is 401 and stored as rejected', async () => {
    expect((await call('PUT', '/gateways/toss', { credentials: { secretKey: TOSS_KEY } })).status).toBe(200);
    const r = await t.call('POST', `/api/v1/webhooks/payments/toss?tenant=${one.tenantId}`, { body: { createdAt: 'x', secret: 'nope', status: 'DONE', orderId: 'va-order-01' } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('UNAUTHENTICATED');
  });
});
