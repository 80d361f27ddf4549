/**
 * Nobody grants a permission they do not hold: not through an API key (with or without a group),
 * a new or changed group, a new user's groups or a changed membership, and nobody takes over a
 * user who holds more than they do. A write that is allowed answers with what it wrote even when
 * the caller may not read users (it used to commit and then answer 403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
const groupIds: Record<string, string> = {};
const userIds: Record<string, string> = {};
const cookies: Record<string, string> = {};
const admin = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: DEMO_KEY, body });
const as = (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  t.call(method, `/api/v1${path}`, { cookie: cookies[who], body, headers });
const groupsOf = async (id: string) => (await admin('GET', `/users/${id}`)).body.groups.map((g: { code: string }) => g.code).sort();

/** A group with exactly these permissions and one member who logs in. */
async function role(code: string, permissions: string[]) {
  const g = await admin('POST', '/groups', { code, name: code, permissions });
  expect(g.status).toBe(201);
  groupIds[code] = g.body.id;
  const u = await admin('POST', '/users', { email: `${code}@demo.billwise.dev`, name: code, password: 'password-1', groupIds: [g.body.id] });
  expect(u.status).toBe(201);
  userIds[code] = u.body.id;
  cookies[code] = await t.login(`${code}@demo.billwise.dev`, 'password-1');
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const g of (await admin('GET', '/groups')).body.data) groupIds[g.code] = g.id;
  await role('keys-only', ['apikeys:write']);
  await role('users-only', ['users:write']);
  await role('groups-only', ['groups:write']);
  await role('people', ['users:read', 'users:write', 'customers:read']);
});
afterAll(async () => t?.close());

describe('API keys', () => {
  it('a key without a group gets the creator\'s permissions, not every permission', async () => {
    const k = await as('keys-only', 'POST', '/api-keys', { name: 'mine' });
    expect(k.status).toBe(201);
    const key = k.body.key as string;
    const addAdmin = await t.call('POST', '/api/v1/users', { key, body: { email: 'evil@demo.billwise.dev', name: 'Evil', password: 'password-1', groupIds: [groupIds.admin] } });
    expect(addAdmin.status).toBe(403);
    expect((await t.call('PATCH', '/api/v1/tenant', { key, body: { name: 'taken' } })).status).toBe(403);
    expect((await admin('GET', '/users')).body.data.some((u: { email: string }) => u.email === 'evil@demo.billwise.dev')).toBe(false);
    // What the creator holds, the key holds.
    expect((await t.call('POST', '/api/v1/api-keys', { key, body: { name: 'child' } })).status).toBe(201);
  });

  it('a key bound to a group that holds more than the creator is refused at groupId', async () => {
    const r = await as('keys-only', 'POST', '/api-keys', { name: 'admin key', groupId: groupIds.admin });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain('groupId');
    expect(r.body.issues).toContainEqual({ path: 'groupId', message: 'grants "tenant:write", which you do not hold' });
    expect((await as('keys-only', 'POST', '/api-keys', { name: 'own group', groupId: groupIds['keys-only'] })).status).toBe(201);
  });

  it('an administrator\'s key without a group keeps every permission', async () => {
    const k = await admin('POST', '/api-keys', { name: 'admin made' });
    expect((await t.call('PATCH', '/api/v1/tenant', { key: k.body.key, body: { name: '데모' } })).status).toBe(200);
  });
});

describe('users and memberships', () => {
  it('a users:write user cannot join the admin group, and nothing is stored', async () => {
    const r = await as('users-only', 'PATCH', `/users/${userIds['users-only']}`, { groupIds: [groupIds['users-only'], groupIds.admin] });
    expect(r.status).toBe(403);
    expect(r.body.issues[0].path).toBe('groupIds[1]');
    expect(await groupsOf(userIds['users-only'])).toEqual(['users-only']);
  });

  it('nor create a user in a group that holds more', async () => {
    const r = await as('users-only', 'POST', '/users', { email: 'sock@demo.billwise.dev', name: 'Sock', password: 'password-1', groupIds: [groupIds.marketer] });
    expect(r.status).toBe(403);
    expect(r.body.issues.every((i: { path: string }) => i.path === 'groupIds[0]')).toBe(true);
    expect((await admin('GET', '/users')).body.data.some((u: { email: string }) => u.email === 'sock@demo.billwise.dev')).toBe(false);
  });

  it('nor reset the password of, disable or rename a user who holds more', async () => {
    const adminUser = (await admin('GET', '/users')).body.data.find((u: { email: string }) => u.email === 'admin@demo.billwise.dev');
    for (const body of [{ password: 'taken-over-1' }, { status: 'disabled' }, { name: 'x' }]) {
      const r = await as('people', 'PATCH', `/users/${adminUser.id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(403);
    }
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: 'admin@demo.billwise.dev', password: 'taken-over-1' } })).status).toBe(401);
  });

  it('groups the user already has are not a new grant; groups within the caller\'s permissions may be given', async () => {
    const created = await as('people', 'POST', '/users', { email: 'helper@demo.billwise.dev', name: 'Helper', password: 'password-1', groupIds: [groupIds['users-only']] });
    expect(created.status).toBe(201);
    expect((await as('people', 'PATCH', `/users/${created.body.id}`, { groupIds: [groupIds['users-only'], groupIds.people] })).status).toBe(200);
    expect(await groupsOf(created.body.id)).toEqual(['people', 'users-only']);
  });

  it('the administrator can still give the admin group', async () => {
    const r = await admin('PATCH', `/users/${userIds['users-only']}`, { groupIds: [groupIds['users-only'], groupIds.admin] });
    expect(r.status).toBe(200);
    expect((await admin('PATCH', `/users/${userIds['users-only']}`, { groupIds: [groupIds['users-only']] })).status).toBe(200);
  });
});

describe('groups', () => {
  it('a groups:write user cannot widen their own group or create a wider one', async () => {
    const widen = await as('groups-only', 'PATCH', `/groups/${groupIds['groups-only']}`, { permissions: ['groups:write', 'tenant:write'] });
    expect(widen.status).toBe(403);
    expect(widen.body.issues).toEqual([{ path: 'permissions[1]', message: 'grants "tenant:write", which you do not hold' }]);
    const wide = await as('groups-only', 'POST', '/groups', { code: 'wide', name: 'Wide', permissions: ['users:write'] });
    expect(wide.status).toBe(403);
    const all = (await admin('GET', '/groups')).body.data;
    expect(all.find((g: { code: string }) => g.code === 'groups-only').permissions).toEqual(['groups:write']);
    expect(all.some((g: { code: string }) => g.code === 'wide')).toBe(false);
  });

  it('may keep or drop permissions a group already has', async () => {
    const r = await as('groups-only', 'PATCH', `/groups/${groupIds.marketer}`, { permissions: ['tenant:read', 'rules:read'] });
    expect(r.status).toBe(200);
    expect(r.body.permissions).toEqual(['tenant:read', 'rules:read']);
  });
});

describe('a write that is allowed answers with what it wrote', () => {
  it('POST and PATCH /users without users:read: 201/200 with the user, with or without an Idempotency-Key', async () => {
    const a = await as('users-only', 'POST', '/users', { email: 'plain@demo.billwise.dev', name: 'Plain', password: 'password-1' });
    expect(a.status).toBe(201);
    expect(a.body.email).toBe('plain@demo.billwise.dev');
    const b = await as('users-only', 'POST', '/users', { email: 'idem@demo.billwise.dev', name: 'Idem', password: 'password-1' }, { 'idempotency-key': 'grants-user-1' });
    expect(b.status).toBe(201);
    expect((await admin('GET', `/users/${b.body.id}`)).body.email).toBe('idem@demo.billwise.dev');
    const c = await as('users-only', 'PATCH', `/users/${b.body.id}`, { name: 'Renamed' }, { 'idempotency-key': 'grants-user-2' });
    expect(c.status).toBe(200);
    expect((await admin('GET', `/users/${b.body.id}`)).body.name).toBe('Renamed');
    // Reading stays forbidden.
    expect((await as('users-only', 'GET', `/users/${b.body.id}`)).status).toBe(403);
  });

  it('POST and PATCH /groups without users:read', async () => {
    const g = await as('groups-only', 'POST', '/groups', { code: 'narrow', name: 'Narrow', permissions: ['groups:write'] }, { 'idempotency-key': 'grants-group-1' });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ code: 'narrow', memberCount: 0 });
    const p = await as('groups-only', 'PATCH', `/groups/${g.body.id}`, { name: 'Narrower' });
    expect(p.status).toBe(200);
    expect(p.body.name).toBe('Narrower');
  });
});
