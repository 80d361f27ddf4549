import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { seedDemo } from '../../seeds/demo';
import * as schema from '../../server/db/schema';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp({ demoData: true }); });
afterAll(async () => { await t?.close(); });

async function counts() {
  const tables = { tenants: schema.tenants, users: schema.users, catalogEntries: schema.catalogEntries, catalogVersions: schema.catalogVersions, auditLog: schema.auditLog };
  const out: Record<string, number> = {};
  for (const [k, tbl] of Object.entries(tables)) {
    const [row] = await t.handle.db.select({ n: count() }).from(tbl as typeof schema.tenants);
    out[k] = Number(row.n);
  }
  return out;
}

describe('demo seed', () => {
  it('gives the demo tenant the demo catalog, published', async () => {
    const plans = await t.call('GET', '/api/v1/plans', { key: DEMO_KEY });
    const rules = await t.call('GET', '/api/v1/rules', { key: DEMO_KEY });
    expect(plans.body.data.length).toBeGreaterThanOrEqual(5);
    expect(plans.body.data.every((p: any) => p.status === 'published')).toBe(true);
    expect(rules.body.data.map((r: any) => r.code)).toEqual(expect.arrayContaining(['kr-vat', 'welcome10']));
  });

  it('is idempotent: seeding again adds nothing', async () => {
    const before = await counts();
    await seedDemo(t.handle.db, { apiKey: DEMO_KEY });
    expect(await counts()).toEqual(before);
  });
});
