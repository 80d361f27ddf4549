/**
 * The demo tenant's seeded history (seeds/analytics-history.ts) makes the dashboard meaningful:
 * MRR movements in most of the last 12 months, several kinds of movement, cohorts, payments by
 * method and hour, declines. And the incremental movement table equals a rebuild from scratch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../../support/app';
import { mrrMovements } from '../../../server/db/schema';
import { rebuildMrrMovements } from '../../../server/analytics/movements';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp({ demoData: true }); }, 600_000);
afterAll(async () => { await t?.close(); });

describe('demo analytics history', () => {
  it('fills the MRR charts, cohorts and payment patterns of the last 12 months', async () => {
    const mrr = (await t.call('GET', '/api/v1/analytics/mrr?currency=KRW', { key: DEMO_KEY })).body;
    const moving = mrr.mrr.filter((m: any) => m.new !== '0' || m.expansion !== '0' || m.churn !== '0');
    expect(moving.length).toBeGreaterThanOrEqual(10);
    for (const kind of ['new', 'expansion', 'contraction', 'churn', 'reactivation']) {
      expect(mrr.mrr.some((m: any) => m[kind] !== '0'), kind).toBe(true);
    }
    expect(Number(mrr.mrr.at(-1).endMrr)).toBeGreaterThan(0);
    const cohorts = (await t.call('GET', '/api/v1/analytics/cohorts', { key: DEMO_KEY })).body;
    expect(cohorts.cohorts.length).toBeGreaterThanOrEqual(10);
    const pay = (await t.call('GET', '/api/v1/analytics/payment-patterns', { key: DEMO_KEY })).body;
    expect(new Set(pay.methodMix.map((m: any) => m.method)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(pay.heatmap.map((h: any) => h.hour)).size).toBeGreaterThanOrEqual(5);
    expect(pay.declines.length).toBeGreaterThan(0);
  });

  it('the incremental movements equal a rebuild from the phases', async () => {
    const rows = async () => (await t.handle.db.select().from(mrrMovements).where(eq(mrrMovements.tenantId, t.demoTenantId)))
      .map((m) => `${m.customerId}|${m.currency}|${m.date}|${m.kind}|${m.amount}`).sort();
    const before = await rows();
    expect(before.length).toBeGreaterThan(40);
    await rebuildMrrMovements(t.handle.db, t.demoTenantId);
    expect(await rows()).toEqual(before);
  });
});
