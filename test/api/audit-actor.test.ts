/**
 * A tenant's audit log does not show another tenant's users: the platform administrator who
 * onboarded the tenant appears as "platform administrator", without user id or e-mail. Before,
 * tenant B saw the onboarding admin's user id and e-mail.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => t?.close());

it('shows the onboarding platform admin as "platform administrator", and the tenant\'s own users by name', async () => {
  const platform = await t.login('admin@demo.billwise.dev');
  const platformId = (await t.call('GET', '/api/v1/auth/me', { cookie: platform })).body.user.id;
  const r = await t.call('POST', '/api/v1/tenants', { cookie: platform, body: {
    code: 'tenant-b', name: 'B', currency: 'USD', timezone: 'UTC', locale: 'en', admin: { email: 'owner@b.test', name: 'Owner', password: 'owner-pass-1' },
  } });
  expect(r.status).toBe(201);
  const owner = await t.login('owner@b.test', 'owner-pass-1');
  expect((await t.call('PATCH', '/api/v1/tenant', { cookie: owner, body: { name: 'B Corp' } })).status).toBe(200);
  const log = await t.call('GET', '/api/v1/audit-log?limit=500', { cookie: owner });
  expect(log.status).toBe(200);
  const text = JSON.stringify(log.body);
  expect(text).not.toContain(platformId);
  expect(text).not.toContain('admin@demo.billwise.dev');
  const created = log.body.data.find((e: { action: string }) => e.action === 'tenant.create');
  expect(created).toMatchObject({ actorType: 'user', actorId: null, actorName: 'platform administrator' });
  const own = log.body.data.find((e: { action: string }) => e.action === 'tenant.update');
  expect(own.actorName).toBe('owner@b.test');
  // The platform's own tenant still sees who did it.
  const home = await t.call('GET', '/api/v1/audit-log?action=tenant.onboard', { cookie: platform });
  expect(home.body.data[0].actorName).toBe('admin@demo.billwise.dev');
});
