import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, gt } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { seedDemo, DEMO_TENANT } from '../../seeds/demo';
import * as schema from '../../server/db/schema';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp({ demoData: true }); }, 600_000); // the whole demo seed: minutes on a loaded machine
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

  it('spends points: bill runs redeemed the welcome points on some invoices, through the points wallets', async () => {
    const [demo] = await t.handle.db.select({ id: schema.tenants.id }).from(schema.tenants).where(eq(schema.tenants.code, DEMO_TENANT));
    const redeemed = await t.handle.db.select({ id: schema.invoices.id, pointsApplied: schema.invoices.pointsApplied, amountDue: schema.invoices.amountDue }).from(schema.invoices)
      .where(and(eq(schema.invoices.tenantId, demo.id), gt(schema.invoices.pointsApplied, '0')));
    expect(redeemed.length).toBeGreaterThanOrEqual(2);
    expect(redeemed.some((i) => Number(i.amountDue) > 0)).toBe(true); // a part of the bill, not all of it
    const spent = await t.handle.db.select({ amount: schema.walletEntries.amount, invoiceId: schema.walletEntries.invoiceId }).from(schema.walletEntries)
      .innerJoin(schema.wallets, eq(schema.wallets.id, schema.walletEntries.walletId))
      .where(and(eq(schema.walletEntries.tenantId, demo.id), eq(schema.wallets.kind, 'points'), eq(schema.walletEntries.type, 'consumption')));
    expect(spent.map((e) => e.invoiceId).sort()).toEqual(redeemed.map((i) => i.id).sort());
    const one = await t.call('GET', `/api/v1/invoices/${redeemed[0].id}`, { key: DEMO_KEY });
    expect(Number(one.body.pointsApplied)).toBeGreaterThan(0);
  });

  it('is idempotent: seeding again adds nothing', async () => {
    const before = await counts();
    await seedDemo(t.handle.db, { apiKey: DEMO_KEY });
    expect(await counts()).toEqual(before);
  });
});
