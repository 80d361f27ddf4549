/**
 * The gateway settings page's API: stored credentials shown only as "last 4" hints, a connection
 * test against the providers' documented endpoints (local servers, test/support/provider-servers.ts),
 * and switching a gateway off: no new payment method, no new automatic charge; only tenant:write
 * holders (admins) change any of it, as with the credentials themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_KEY, type TestApp } from '../support/app';
import type { ProviderServer } from '../support/provider-servers';
import { gatewayWorld, type GatewayWorld } from '../support/gateway-world';
import { drainJobs } from '../../server/jobs/worker';
import { collectionAttempts } from '../../server/db/schema';

const STRIPE_KEY = 'sk_test_settingsPage_51XyZ9';
const TOSS_KEY = 'test_sk_settingsPageToss_7Qw2';
let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let stripe: ProviderServer;
let toss: ProviderServer;
const inv: Record<number, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown, key = one.key) => t.call(method, `/api/v1${path}`, { key, body });
const gateway = async (provider: string) => (await call('GET', '/gateways')).body.data.find((g: any) => g.provider === provider);

let w: GatewayWorld;
beforeAll(async () => {
  w = await gatewayWorld({ stripeKey: STRIPE_KEY, tossKey: TOSS_KEY, tenant: 'gs', now: clock });
  ({ t, one, c, stripe, toss } = w);
  Object.assign(inv, w.inv);
}, 120_000);
afterAll(async () => {
  await w?.close();
});

describe('credentials on the settings page', () => {
  it('are shown as the last 4 characters of long values only, never whole', async () => {
    expect((await gateway('stripe'))).toMatchObject({ configured: false, enabled: true, readable: true, keyHints: {} });
    const put = await call('PUT', '/gateways/stripe', { credentials: { secretKey: STRIPE_KEY, webhookSecret: 'whsec_x' } });
    expect(put.status).toBe(200);
    expect(await gateway('stripe')).toMatchObject({ configured: true, source: 'tenant', keyHints: { secretKey: 'XyZ9', webhookSecret: null } });
    const text = JSON.stringify((await call('GET', '/gateways')).body);
    expect(text).not.toContain('settingsPage');
    expect(text).not.toContain('whsec_x');
    expect((await gateway('stripe')).webhookPath).toBe(`/api/v1/webhooks/payments/stripe?tenant=${one.tenantId}`);
  });
});

describe('connection test', () => {
  it('answers ok for working credentials, after one authenticated read at the provider', async () => {
    const r = await call('POST', '/gateways/stripe/connection-tests');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, outcome: 'ok', code: null, message: null });
    expect(stripe.requests.filter((q) => q.path === '/v1/balance')).toHaveLength(1);
    expect((await call('POST', '/gateways/sandbox/connection-tests')).body.ok).toBe(true);
  });

  it('says not_configured without credentials and rejected for a key the provider refuses', async () => {
    expect((await call('POST', '/gateways/toss/connection-tests')).body).toMatchObject({ ok: false, outcome: 'not_configured' });
    expect((await call('PUT', '/gateways/toss', { credentials: { secretKey: 'test_sk_wrongKeyForToss_0000' } })).status).toBe(200);
    const bad = await call('POST', '/gateways/toss/connection-tests');
    expect(bad.body).toMatchObject({ ok: false, outcome: 'rejected', code: 'UNAUTHORIZED_KEY' });
    expect(bad.body.message).not.toContain('wrongKeyForToss');
    expect((await call('PUT', '/gateways/toss', { credentials: { secretKey: TOSS_KEY } })).status).toBe(200);
    expect((await call('POST', '/gateways/toss/connection-tests')).body).toMatchObject({ ok: true, outcome: 'ok' });
    // Toss has no ping: the check is a lookup of an order that cannot exist (404 = key accepted).
    expect(toss.requests.at(-1)!.path).toMatch(/^\/v1\/payments\/orders\/bw-connection-check-/);
  });
});

describe('enable / disable', () => {
  it('a disabled gateway takes no new payment method (422 at provider) until enabled again; both audited', async () => {
    const off = await call('PATCH', '/gateways/sandbox', { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.data.find((g: any) => g.provider === 'sandbox').enabled).toBe(false);
    const refused = await call('POST', `/payers/${c[0]}/payment-methods`, { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 }, autoCollect: true });
    expect(refused.status).toBe(422);
    expect(refused.body.issues.map((i: any) => i.path)).toEqual(['provider']);
    const ko = await t.call('POST', `/api/v1/payers/${c[0]}/payment-methods`, { key: one.key, headers: { 'accept-language': 'ko' },
      body: { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 } } });
    expect(ko.body.issues[0].message).toContain('사용 중지된 PG사');
    expect((await call('PATCH', '/gateways/sandbox', { enabled: true })).status).toBe(200);
    expect((await call('POST', `/payers/${c[0]}/payment-methods`, { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 }, autoCollect: true })).status).toBe(201);
    const actions = (await call('GET', '/audit-log?limit=100')).body.data.map((a: any) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['gateway.disabled', 'gateway.enabled']));
  });

  it('a finalized invoice is not charged automatically while its method\'s gateway is disabled', async () => {
    expect((await call('PATCH', '/gateways/sandbox', { enabled: false })).status).toBe(200);
    expect((await call('POST', `/invoices/${inv[0].id}/finalize`)).status).toBe(200);
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.auto_collect'] } });
    const attempts = await t.handle.db.select().from(collectionAttempts).where(and(eq(collectionAttempts.tenantId, one.tenantId), eq(collectionAttempts.invoiceId, inv[0].id)));
    expect(attempts).toHaveLength(0);
    expect((await call('GET', `/invoices/${inv[0].id}`)).body.status).toBe('finalized');
    await call('PATCH', '/gateways/sandbox', { enabled: true });
  });

  it('only gateways:write changes settings or tests connections: a billing manager reads them', async () => {
    const cookie = await t.login('billing@demo.billwise.dev');
    const as = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { cookie, body });
    expect((await as('GET', '/gateways')).status).toBe(200);
    expect((await as('PATCH', '/gateways/sandbox', { enabled: false })).status).toBe(403);
    expect((await as('POST', '/gateways/stripe/connection-tests')).status).toBe(403);
    // Tenant-scoped: the demo tenant's sandbox stays enabled whatever this tenant does.
    expect((await t.call('GET', '/api/v1/gateways', { key: DEMO_KEY })).body.data.find((g: any) => g.provider === 'sandbox').enabled).toBe(true);
    expect((await call('PATCH', '/gateways/stripe', { enabled: 'yes' })).body.issues.map((i: any) => i.path)).toEqual(['enabled']);
  });
});
