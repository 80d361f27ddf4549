import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

/**
 * Tenant isolation: with tenant A's key or session, every one of tenant B's resources answers
 * 404 (not 403: the existence of another tenant's rows is not revealed), and lists never show them.
 * Feature modules add their resources to `probes`.
 */
let t: TestApp;
let other: { tenantId: string; key: string; adminEmail: string };
const probes: { name: string; create: () => Promise<string>; requests: (id: string) => [string, string, unknown?][] }[] = [];

beforeAll(async () => {
  t = await makeTestApp();
  other = await t.otherTenant('acme');
  probes.push(
    {
      name: 'user',
      create: async () => (await t.call('POST', '/api/v1/users', { key: other.key, body: { email: 'b.user@acme.test', name: 'B', password: 'password1' } })).body.id,
      requests: (id) => [['GET', `/api/v1/users/${id}`], ['PATCH', `/api/v1/users/${id}`, { name: 'hijacked' }]],
    },
    {
      name: 'group',
      create: async () => (await t.call('POST', '/api/v1/groups', { key: other.key, body: { code: 'b-group', name: 'B' } })).body.id,
      requests: (id) => [['PATCH', `/api/v1/groups/${id}`, { permissions: ['users:write'] }]],
    },
    {
      name: 'api key',
      create: async () => (await t.call('POST', '/api/v1/api-keys', { key: other.key, body: { name: 'B key' } })).body.id,
      requests: (id) => [['DELETE', `/api/v1/api-keys/${id}`]],
    },
  );
});
afterAll(async () => { await t?.close(); });

describe('tenant isolation', () => {
  it('answers 404 on each of tenant B\'s resources for tenant A\'s key and session', async () => {
    const cookie = await t.login('admin@demo.billwise.dev');
    for (const p of probes) {
      const id = await p.create();
      expect(id, p.name).toBeTruthy();
      for (const [m, path, body] of p.requests(id)) {
        const viaKey = await t.call(m, path, { key: DEMO_KEY, body });
        expect(viaKey.status, `${p.name}: ${m} ${path} (key)`).toBe(404);
        const viaSession = await t.call(m, path, { cookie, body });
        expect(viaSession.status, `${p.name}: ${m} ${path} (session)`).toBe(404);
      }
    }
    // Nothing of B's changed, and B still sees its own resources.
    const users = await t.call('GET', '/api/v1/users', { key: other.key });
    expect(users.body.data.find((u: any) => u.email === 'b.user@acme.test').name).toBe('B');
    const keys = await t.call('GET', '/api/v1/api-keys', { key: other.key });
    expect(keys.body.data.every((k: any) => k.revokedAt === null)).toBe(true);
  });

  it('never lists tenant B\'s rows to tenant A', async () => {
    for (const path of ['/api/v1/users', '/api/v1/groups', '/api/v1/api-keys', '/api/v1/audit-log?limit=500']) {
      const a = await t.call('GET', path, { key: DEMO_KEY });
      expect(a.status).toBe(200);
      expect(JSON.stringify(a.body), path).not.toMatch(/acme/);
    }
  });

  it('does not let tenant A map its user into tenant B\'s group', async () => {
    const bGroup = (await t.call('GET', '/api/v1/groups', { key: other.key })).body.data.find((g: any) => g.code === 'admin');
    const r = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: { email: 'sneaky@demo.billwise.dev', name: 'S', password: 'password1', groupIds: [bGroup.id] } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('groupIds[0]');
  });

  it('does not let tenant A bind an API key to tenant B\'s group', async () => {
    const bGroup = (await t.call('GET', '/api/v1/groups', { key: other.key })).body.data[0];
    const r = await t.call('POST', '/api/v1/api-keys', { key: DEMO_KEY, body: { name: 'x', groupId: bGroup.id } });
    expect(r.status).toBe(422);
  });
});
