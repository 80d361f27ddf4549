/**
 * A tenant can never lock itself out: the built-in admin group keeps every permission, and the
 * last active admin cannot be demoted or deactivated. An empty group patch is a no-op, not a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
let other: { tenantId: string; key: string; adminEmail: string };
let adminGroup: { id: string; permissions: string[]; name: string };
let adminUser: { id: string };
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: other.key, body });

beforeAll(async () => {
  t = await makeTestApp();
  other = await t.otherTenant('guard');
  adminGroup = (await call('GET', '/groups')).body.data.find((g: { code: string }) => g.code === 'admin');
  adminUser = (await call('GET', '/users')).body.data.find((u: { email: string }) => u.email === other.adminEmail);
});
afterAll(async () => t?.close());

describe('lock-out guards', () => {
  it('the built-in admin group keeps every permission; renaming it is fine', async () => {
    const r = await call('PATCH', `/groups/${adminGroup.id}`, { permissions: [] });
    expect(r.status).toBe(409);
    expect(r.body.issues[0].path).toBe('permissions');
    expect((await call('PATCH', `/groups/${adminGroup.id}`, { permissions: adminGroup.permissions.slice(1) })).status).toBe(409);
    expect((await call('GET', '/groups')).body.data.find((g: { id: string }) => g.id === adminGroup.id).permissions).toEqual(adminGroup.permissions);
    expect((await call('PATCH', `/groups/${adminGroup.id}`, { name: '최고 관리자' })).body.name).toBe('최고 관리자');
  });

  it('an empty patch changes nothing and answers 200', async () => {
    const r = await call('PATCH', `/groups/${adminGroup.id}`, {});
    expect(r.status).toBe(200);
    expect(r.body.permissions).toEqual(adminGroup.permissions);
  });

  it('the last active admin cannot leave the admin group or be deactivated', async () => {
    const demote = await call('PATCH', `/users/${adminUser.id}`, { groupIds: [] });
    expect(demote.status).toBe(409);
    expect(demote.body.issues[0].path).toBe('groupIds');
    const off = await call('PATCH', `/users/${adminUser.id}`, { status: 'disabled' });
    expect(off.status).toBe(409);
    expect((await call('GET', `/users/${adminUser.id}`)).body).toMatchObject({ status: 'active', groups: [expect.objectContaining({ code: 'admin' })] });
  });

  it('with a second admin, the first may step down', async () => {
    const second = await call('POST', '/users', { email: 'second@guard.test', name: 'Second', password: 'second-pass-1', groupIds: [adminGroup.id] });
    expect(second.status).toBe(201);
    expect((await call('PATCH', `/users/${adminUser.id}`, { status: 'disabled' })).status).toBe(200);
  });
});
