/**
 * Payment gateway settings have their own permissions (gateways:read / gateways:write) instead of
 * borrowing payments:read and tenant:write: tenant:write alone no longer sets credentials, switches
 * a gateway or tests a connection; gateways:write does, and is answered with what it wrote even
 * without gateways:read; nobody grants gateways:* without holding it; migration 0024 gives the new
 * codes to every group and groupless key that held the borrowed ones, so nobody lost access.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { apiKeys, groups } from '../../server/db/schema';

let t: TestApp;
const admin = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: DEMO_KEY, body });
const as = (key: string, method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key, body });

/** An API key bound to a new group holding exactly `permissions`. */
async function keyWith(code: string, permissions: string[]): Promise<string> {
  const g = await admin('POST', '/groups', { code, name: code, permissions });
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  const k = await admin('POST', '/api-keys', { name: code, groupId: g.body.id });
  expect(k.status, JSON.stringify(k.body)).toBe(201);
  return k.body.key;
}

/** Every gateway-settings write, as [method, path, body]. */
const WRITES = [
  ['PUT', '/gateways/stripe', { credentials: { secretKey: 'sk_test_permissions_000000', webhookSecret: 'whsec_permissions' } }],
  ['PATCH', '/gateways/sandbox', { enabled: true }],
  ['POST', '/gateways/sandbox/connection-tests', undefined],
  ['DELETE', '/gateways/stripe', undefined],
] as const;

beforeAll(async () => { t = await makeTestApp(); }, 120_000);
afterAll(async () => t?.close());

describe('gateways:read and gateways:write', () => {
  it('tenant:write and payments:* no longer open gateway settings', async () => {
    const old = await keyWith('old-gateway-codes', ['tenant:read', 'tenant:write', 'payments:read', 'payments:write']);
    expect((await as(old, 'GET', '/gateways')).status).toBe(403);
    for (const [method, path, body] of WRITES) {
      const r = await as(old, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
    // The refused PUT stored nothing.
    expect((await admin('GET', '/gateways')).body.data.find((g: { provider: string }) => g.provider === 'stripe').source).not.toBe('tenant');
  });

  it('gateways:read reads and cannot write; gateways:write writes and is answered with what it wrote', async () => {
    const reader = await keyWith('gateway-reader', ['gateways:read']);
    expect((await as(reader, 'GET', '/gateways')).status).toBe(200);
    for (const [method, path, body] of WRITES) expect((await as(reader, method, path, body)).status, `${method} ${path}`).toBe(403);

    const writer = await keyWith('gateway-writer', ['gateways:write']);
    expect((await as(writer, 'GET', '/gateways')).status).toBe(403);
    const put = await as(writer, ...WRITES[0]);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data.find((g: { provider: string }) => g.provider === 'stripe')).toMatchObject({ source: 'tenant', keyNames: ['secretKey', 'webhookSecret'] });
    expect((await as(writer, ...WRITES[1])).status).toBe(200);
    expect((await as(writer, ...WRITES[2])).body).toMatchObject({ ok: true, outcome: 'ok' });
    expect((await as(writer, ...WRITES[3])).status).toBe(200);
    const audit = (await admin('GET', '/audit-log?limit=50')).body.data.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['gateway.credentials_set', 'gateway.credentials_removed']));
  });

  it('built-in roles: admins write, billing managers and executives read, marketers neither; the console page follows', async () => {
    const roles = (await admin('GET', '/groups')).body.data as Array<{ code: string; permissions: string[] }>;
    const of = (code: string) => new Set(roles.find((g) => g.code === code)!.permissions);
    expect(of('admin').has('gateways:write') && of('admin').has('gateways:read')).toBe(true);
    expect(of('billing_manager').has('gateways:read')).toBe(true);
    expect(of('billing_manager').has('gateways:write')).toBe(false);
    expect(of('executive').has('gateways:read')).toBe(true);
    expect(of('marketer').has('gateways:read') || of('marketer').has('gateways:write')).toBe(false);
    const billing = await t.login('billing@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/gateways', { cookie: billing })).status).toBe(200);
    expect((await t.call('PATCH', '/api/v1/gateways/sandbox', { cookie: billing, body: { enabled: false } })).status).toBe(403);
    const marketer = await t.login('marketer@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/gateways', { cookie: marketer })).status).toBe(403);
    const codes = (await admin('GET', '/permissions')).body.data.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['gateways:read', 'gateways:write']));
  });

  it('nobody grants gateways:* without holding it', async () => {
    // A group manager holding tenant:write (what gateway writes used to need) but not gateways:write.
    const manager = await keyWith('group-manager', ['groups:write', 'users:read', 'tenant:write', 'gateways:read']);
    const r = await as(manager, 'POST', '/groups', { code: 'pg-admins', name: 'pg', permissions: ['gateways:write'] });
    expect(r.status).toBe(403);
    expect(r.body.issues).toContainEqual({ path: 'permissions[0]', message: 'grants "gateways:write", which you do not hold' });
    const own = (await admin('GET', '/groups')).body.data.find((g: { code: string }) => g.code === 'group-manager');
    const widen = await as(manager, 'PATCH', `/groups/${own.id}`, { permissions: [...own.permissions, 'gateways:write'] });
    expect(widen.status).toBe(403);
    // What it holds, it may grant.
    expect((await as(manager, 'POST', '/groups', { code: 'pg-readers', name: 'pg readers', permissions: ['gateways:read'] })).status).toBe(201);
    const keyer = await keyWith('key-maker', ['apikeys:write', 'tenant:write']);
    const k = await as(keyer, 'POST', '/api-keys', { name: 'no group' });
    expect(k.status).toBe(201);
    for (const [method, path, body] of WRITES) expect((await as(k.body.key, method, path, body)).status, `${method} ${path}`).toBe(403);
  });

  it('migration 0024 gives the new codes to every group and groupless key that held the borrowed ones', async () => {
    const [tenant] = await t.handle.db.select({ id: groups.tenantId }).from(groups).limit(1);
    const [g] = await t.handle.db.insert(groups).values({ tenantId: tenant.id, code: 'legacy-pg', name: 'legacy', permissions: ['customers:read', 'payments:read', 'tenant:write'] }).returning();
    const [reads] = await t.handle.db.insert(groups).values({ tenantId: tenant.id, code: 'legacy-pg-read', name: 'legacy', permissions: ['payments:read'] }).returning();
    const [none] = await t.handle.db.insert(groups).values({ tenantId: tenant.id, code: 'legacy-pg-none', name: 'none', permissions: ['customers:read', 'tenant:read'] }).returning();
    const [k] = await t.handle.db.insert(apiKeys).values({ tenantId: tenant.id, name: 'legacy', keyHash: 'legacy-hash-0024', prefix: 'bw_legacy', permissions: ['tenant:write'] } as never).returning();
    const file = readFileSync(new URL('../../server/db/migrations/0024_gateway_permissions.sql', import.meta.url), 'utf8');
    for (const stmt of file.split('--> statement-breakpoint')) await t.handle.db.execute(sql.raw(stmt));
    const perms = async (id: string) => (await t.handle.db.select({ p: groups.permissions }).from(groups).where(eq(groups.id, id)))[0].p;
    expect(await perms(g.id)).toEqual(['customers:read', 'gateways:read', 'gateways:write', 'payments:read', 'tenant:write']);
    expect(await perms(reads.id)).toEqual(['gateways:read', 'payments:read']);
    expect(await perms(none.id)).toEqual(['customers:read', 'tenant:read']);
    const [key] = await t.handle.db.select({ p: apiKeys.permissions }).from(apiKeys).where(eq(apiKeys.id, k.id));
    expect(key.p).toEqual(['gateways:write', 'tenant:write']);
  });
});
