import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { bills, customers, invoices, subscriptions } from '../../server/db/schema';

/**
 * The dashboard over a small, hand-made history whose figures are known:
 * three subscriptions (two "basic", one "pro"), two months of bills and invoices.
 */
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ now: () => new Date('2025-07-10T03:00:00Z') });
  const db = t.handle.db;
  const tenantId = t.demoTenantId;
  const [c1, c2, c3] = await db.insert(customers).values([1, 2, 3].map((i) => ({
    tenantId, externalId: `C${i}`, type: 'corporate', name: `Customer ${i}`, country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW',
  }))).returning();
  const [s1, s2, s3] = await db.insert(subscriptions).values([
    { tenantId, customerId: c1.id, planCode: 'basic', status: 'active', startDate: '2025-05-01' },
    { tenantId, customerId: c2.id, planCode: 'basic', status: 'cancelled', startDate: '2025-05-10', endDate: '2025-06-15' },
    { tenantId, customerId: c3.id, planCode: 'pro', status: 'active', startDate: '2025-06-01' },
  ]).returning();
  const inv = async (c: typeof c1, month: string, status: string, total: string) => (await db.insert(invoices).values({
    tenantId, billTo: c.id, customerId: c.id, periodStart: `${month}-01`, periodEnd: month === '2025-05' ? '2025-06-01' : '2025-07-01', currency: 'KRW',
    status, issueDate: `${month}-28`, dueDate: `${month}-28`, lines: [], subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
  }).returning())[0];
  const bill = (s: typeof s1, i: typeof c1, invId: string, month: string, subtotal: string, discount: string) => ({
    tenantId, subscriptionId: s.id, customerId: s.customerId, billTo: i.id, invoiceId: invId, periodStart: `${month}-01`,
    periodEnd: month === '2025-05' ? '2025-06-01' : '2025-07-01', cycleIndex: 1, currency: 'KRW', segments: [], lines: [], subtotal, discountTotal: discount,
  });
  const i1 = await inv(c1, '2025-05', 'paid', '11000');
  const i2 = await inv(c2, '2025-05', 'finalized', '7100');
  const i3 = await inv(c1, '2025-06', 'draft', '11000');
  const i4 = await inv(c3, '2025-06', 'payment_failed', '33000');
  const i5 = await inv(c2, '2025-06', 'void', '5500');
  await db.insert(bills).values([
    bill(s1, c1, i1.id, '2025-05', '10000', '0'),
    bill(s2, c2, i2.id, '2025-05', '7000', '700'),
    bill(s1, c1, i3.id, '2025-06', '10000', '0'),
    bill(s3, c3, i4.id, '2025-06', '30000', '0'),
    bill(s2, c2, i5.id, '2025-06', '5000', '0'),
  ]);
});
afterAll(async () => { await t?.close(); });

describe('GET /api/v1/analytics/dashboard', () => {
  it('sums issued invoices as revenue per month (drafts and voids excluded)', async () => {
    const r = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-05&to=2025-07', { key: DEMO_KEY });
    expect(r.status).toBe(200);
    expect(r.body.months).toEqual(['2025-05', '2025-06', '2025-07']);
    expect(r.body.revenue.map((x: any) => [x.month, x.amount])).toEqual([['2025-05', '18100'], ['2025-06', '33000']]);
    expect(r.body.mrr.map((x: any) => [x.month, x.amount])).toEqual([['2025-05', '16300'], ['2025-06', '45000']]);
  });

  it('counts active, new and churned subscribers per month', async () => {
    const r = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-05&to=2025-07', { key: DEMO_KEY });
    expect(r.body.subscribers).toEqual([
      { month: '2025-05', active: 2, new: 2, churned: 0 },
      { month: '2025-06', active: 2, new: 1, churned: 1 },
      { month: '2025-07', active: 2, new: 0, churned: 0 },
    ]);
  });

  it('groups invoices by status and ranks plans by net billed amount', async () => {
    const r = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-05&to=2025-06', { key: DEMO_KEY });
    const st = Object.fromEntries(r.body.invoicesByStatus.map((x: any) => [x.status, x.count]));
    expect(st).toEqual({ draft: 1, finalized: 1, paid: 1, payment_failed: 1, void: 1 });
    expect(r.body.topPlans.map((p: any) => [p.planCode, p.amount, p.subscriptions])).toEqual([['basic', '31300', 2], ['pro', '30000', 1]]);
  });

  it('filters by plan', async () => {
    const r = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-05&to=2025-06&planCode=pro', { key: DEMO_KEY });
    expect(r.body.revenue.map((x: any) => [x.month, x.amount])).toEqual([['2025-06', '30000']]);
    expect(r.body.subscribers.map((s: any) => s.active)).toEqual([0, 1]);
  });

  it('defaults to the last 12 months in the tenant time zone and rejects a bad range', async () => {
    const r = await t.call('GET', '/api/v1/analytics/dashboard', { key: DEMO_KEY });
    expect(r.body.to).toBe('2025-07');
    expect(r.body.months).toHaveLength(12);
    const bad = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-08&to=2025-07', { key: DEMO_KEY });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('query.from');
    const badMonth = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-13', { key: DEMO_KEY });
    expect(badMonth.status).toBe(422);
  });

  it('is read-only for executives and closed to support agents', async () => {
    expect((await t.call('GET', '/api/v1/analytics/dashboard', { cookie: await t.login('exec@demo.billwise.dev') })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/analytics/dashboard', { cookie: await t.login('support@demo.billwise.dev') })).status).toBe(403);
  });

  it('never shows another tenant\'s figures', async () => {
    const other = await t.otherTenant('analytics-iso');
    const r = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-05&to=2025-06', { key: other.key });
    expect(r.body.revenue).toEqual([]);
    expect(r.body.subscribers.every((s: any) => s.active === 0)).toBe(true);
  });
});
