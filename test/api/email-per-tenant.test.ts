/**
 * E-mails are unique per tenant, so creating a user says nothing about other tenants: tenant B's
 * admin used to get a 409 "already exists" for an e-mail that exists only in tenant A. Login picks
 * the account by an optional tenant code (without it, the oldest account with that e-mail).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { DEMO_PASSWORD } from '../../seeds/demo';

let t: TestApp;
let b: { tenantId: string; key: string };
beforeAll(async () => {
  t = await makeTestApp();
  b = await t.otherTenant('acme');
});
afterAll(async () => t?.close());
const login = (body: Record<string, string>) => t.call('POST', '/api/v1/auth/login', { body });

it('an e-mail used in another tenant is answered like a new one', async () => {
  const taken = await t.call('POST', '/api/v1/users', { key: b.key, body: { email: 'billing@demo.billwise.dev', name: 'B billing', password: 'acme-billing-1' } });
  const fresh = await t.call('POST', '/api/v1/users', { key: b.key, body: { email: 'never-seen@demo.billwise.dev', name: 'B new', password: 'acme-billing-1' } });
  expect(taken.status).toBe(201);
  expect(fresh.status).toBe(201);
  expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
});

it('within one tenant an e-mail is still unique (409 at email)', async () => {
  const dup = await t.call('POST', '/api/v1/users', { key: b.key, body: { email: 'billing@demo.billwise.dev', name: 'again', password: 'acme-billing-1' } });
  expect(dup.status).toBe(409);
  expect(dup.body.issues[0].path).toBe('email');
});

it('login takes the tenant code; without it, the oldest account', async () => {
  const tenantOf = async (r: { headers: Headers }) =>
    (await t.call('GET', '/api/v1/auth/me', { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] })).body.tenant.code;
  const plain = await login({ email: 'billing@demo.billwise.dev', password: DEMO_PASSWORD });
  expect(plain.status).toBe(200);
  expect(await tenantOf(plain)).toBe('demo');
  const acme = await login({ email: 'billing@demo.billwise.dev', password: 'acme-billing-1', tenant: 'acme' });
  expect(acme.status).toBe(200);
  expect(await tenantOf(acme)).toBe('acme');
  expect((await login({ email: 'billing@demo.billwise.dev', password: DEMO_PASSWORD, tenant: 'acme' })).status).toBe(401);
  expect((await login({ email: 'billing@demo.billwise.dev', password: 'acme-billing-1' })).status).toBe(401);
  expect((await login({ email: 'billing@demo.billwise.dev', password: DEMO_PASSWORD, tenant: 'no-such-tenant' })).status).toBe(401);
  expect((await t.call('GET', '/api/v1/users', { key: DEMO_KEY })).body.data.filter((u: { email: string }) => u.email === 'billing@demo.billwise.dev')).toHaveLength(1);
});
