/**
 * Outbound webhooks and dunning have their own permissions (webhooks:read/write,
 * dunning:read/write) instead of borrowing tenant:* and invoices:*: a group with only the old
 * codes is refused, one with the new codes is let in, the built-in roles hold what the README
 * says, and migration 0015 gives every group and key without a group the new codes wherever
 * they held the old ones, so nobody lost access.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { apiKeys, groups } from '../../server/db/schema';

let t: TestApp;
const admin = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: DEMO_KEY, body });

/** An API key bound to a new group holding exactly `permissions`. */
async function keyWith(code: string, permissions: string[]): Promise<string> {
  const g = await admin('POST', '/groups', { code, name: code, permissions });
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  const k = await admin('POST', '/api-keys', { name: code, groupId: g.body.id });
  expect(k.status, JSON.stringify(k.body)).toBe(201);
  return k.body.key;
}
const as = (key: string, method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key, body });
const endpoint = { url: 'https://93.184.216.34/hooks', eventTypes: ['invoice.finalized'] };

beforeAll(async () => { t = await makeTestApp(); }, 120_000);
afterAll(async () => t?.close());

describe('webhooks:* and dunning:*', () => {
  it('tenant:* no longer opens webhooks, invoices:* no longer opens dunning', async () => {
    const old = await keyWith('old-codes', ['tenant:read', 'tenant:write', 'invoices:read', 'invoices:write']);
    for (const [method, path, body] of [['GET', '/webhook-endpoints'], ['POST', '/webhook-endpoints', endpoint], ['GET', '/dunning/board'],
      ['GET', '/dunning/exclusions'], ['POST', '/dunning/runs', {}]] as const) {
      const r = await as(old, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
  });

  it('read codes read, write codes write', async () => {
    const readers = await keyWith('readers', ['webhooks:read', 'dunning:read']);
    expect((await as(readers, 'GET', '/webhook-endpoints')).status).toBe(200);
    expect((await as(readers, 'GET', '/dunning/board')).status).toBe(200);
    expect((await as(readers, 'GET', '/dunning/exclusions')).status).toBe(200);
    expect((await as(readers, 'POST', '/webhook-endpoints', endpoint)).status).toBe(403);
    expect((await as(readers, 'POST', '/dunning/runs', {})).status).toBe(403);
    const writers = await keyWith('writers', ['webhooks:read', 'webhooks:write', 'dunning:read', 'dunning:write']);
    expect((await as(writers, 'POST', '/webhook-endpoints', endpoint)).status).toBe(201);
    expect((await as(writers, 'POST', '/dunning/runs', {})).status).toBeLessThan(300);
  });

  it('built-in roles: admin everything, billing manager dunning and reading webhooks, support reads dunning, marketer neither', async () => {
    const roles = (await admin('GET', '/groups')).body.data as Array<{ code: string; permissions: string[] }>;
    const of = (code: string) => new Set(roles.find((g) => g.code === code)!.permissions);
    expect([...of('admin')]).toEqual(expect.arrayContaining(['webhooks:read', 'webhooks:write', 'dunning:read', 'dunning:write']));
    expect([...of('billing_manager')]).toEqual(expect.arrayContaining(['dunning:read', 'dunning:write', 'webhooks:read', 'payments:write']));
    expect(of('billing_manager').has('webhooks:write')).toBe(false);
    expect(of('support_agent').has('dunning:read')).toBe(true);
    expect(of('marketer').has('dunning:read') || of('marketer').has('webhooks:write')).toBe(false);
    const billing = await t.login('billing@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/dunning/board', { cookie: billing })).status).toBe(200);
    const marketer = await t.login('marketer@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/dunning/board', { cookie: marketer })).status).toBe(403);
  });

  it('migration 0015 gives the new codes to every group and groupless key that held the old ones', async () => {
    const [tenant] = await t.handle.db.select({ id: groups.tenantId }).from(groups).limit(1);
    const [g] = await t.handle.db.insert(groups).values({ tenantId: tenant.id, code: 'legacy', name: 'legacy', permissions: ['tenant:read', 'invoices:write', 'customers:read'] }).returning();
    const [none] = await t.handle.db.insert(groups).values({ tenantId: tenant.id, code: 'legacy-none', name: 'none', permissions: ['customers:read'] }).returning();
    const [k] = await t.handle.db.insert(apiKeys).values({ tenantId: tenant.id, name: 'legacy', keyHash: 'legacy-hash-0015', prefix: 'bw_legacy', permissions: ['tenant:write', 'invoices:read'] } as never).returning();
    const file = readFileSync(new URL('../../server/db/migrations/0016_own_permissions.sql', import.meta.url), 'utf8');
    for (const stmt of file.split('--> statement-breakpoint')) await t.handle.db.execute(sql.raw(stmt));
    const perms = async (id: string) => (await t.handle.db.select({ p: groups.permissions }).from(groups).where(and(eq(groups.id, id))))[0].p;
    expect(await perms(g.id)).toEqual(['customers:read', 'dunning:write', 'invoices:write', 'tenant:read', 'webhooks:read']);
    expect(await perms(none.id)).toEqual(['customers:read']);
    const [key] = await t.handle.db.select({ p: apiKeys.permissions }).from(apiKeys).where(eq(apiKeys.id, k.id));
    expect(key.p).toEqual(['dunning:read', 'invoices:read', 'tenant:write', 'webhooks:write']);
  });
});
