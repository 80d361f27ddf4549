/**
 * MRR movements against fixtures worked out by hand, following ChartMogul's documented examples:
 * an upgrade is expansion, a downgrade contraction, a cancel then re-subscribe churn then
 * reactivation, a yearly plan normalised (÷ 12), a weekly one (× 52 ÷ 12), a forever discount
 * counted and a limited-cycle one not, a trial counted only from its end. Every change goes
 * through the API, so the incremental table is what the services wrote; the rebuild and the
 * naive timeline must give the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { importDocuments } from '../../../server/catalog/versions';
import { mrrMovements } from '../../../server/db/schema';
import { mrrSegments, rebuildMrrMovements } from '../../../server/analytics/movements';
import { deriveMovements } from '../../../server/analytics/movements-derive';
import { eq } from 'drizzle-orm';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-06-15T12:00:00Z');
const flat = (code: string, amount: string, interval = 'month', extra: Record<string, unknown> = {}) =>
  ({ code, name: code, currency: 'USD', interval, intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }], ...extra });

const post = async (path: string, body: unknown = {}) => {
  const r = await t.call('POST', `/api/v1${path}`, { key: one.key, body });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
async function subscribe(name: string, planCode: string, start: string, customerId?: string) {
  const id = customerId ?? (await post('/customers', { externalId: name, type: 'corporate', name, country: 'US', timezone: 'UTC', currency: 'USD' })).id;
  const o = await post('/orders', { customerId: id, items: [{ planCode }] });
  const done = await post(`/orders/${o.id}/status`, { status: 'completed', billingStartDate: start });
  return { customerId: id, subscriptionId: done.subscriptionIds[0] as string };
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('mrrfx');
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, effectiveFrom: '2025-01-01', plans: [
    flat('m-basic', '100.00'), flat('m-pro', '300.00'), flat('y-basic', '1200.00', 'year'), flat('w-plan', '30.00', 'week'),
    flat('m-disc', '200.00'), flat('t-trial', '100.00', 'month', { trialDays: 14 }),
  ], rules: [
    { id: 'disc-forever', name: '10% forever', kind: 'discount', priority: 10, conditions: { all: [{ fact: 'subscription.planCode', operator: 'equal', value: 'm-disc' }] },
      event: { type: 'discount', params: { percent: '10' } } },
    { id: 'disc-3', name: '50% for 3 months', kind: 'discount', priority: 20, conditions: { all: [{ fact: 'subscription.planCode', operator: 'equal', value: 'm-disc' }] },
      event: { type: 'discount', params: { percent: '50', cycles: 3 } } },
  ] });
  const a = await subscribe('A', 'm-basic', '2025-01-10');
  await post(`/subscriptions/${a.subscriptionId}/change-plan`, { planCode: 'm-pro', effectiveDate: '2025-03-05' });
  const b = await subscribe('B', 'm-pro', '2025-01-20');
  await post(`/subscriptions/${b.subscriptionId}/change-plan`, { planCode: 'm-basic', effectiveDate: '2025-02-01' });
  const c = await subscribe('C', 'm-basic', '2025-02-03');
  await post(`/subscriptions/${c.subscriptionId}/cancel`, { atPeriodEnd: false, effectiveDate: '2025-03-10' });
  await subscribe('C', 'm-basic', '2025-05-02', c.customerId);
  await subscribe('D', 'y-basic', '2025-04-01');
  await subscribe('E', 'w-plan', '2025-04-15');
  await subscribe('F', 'm-disc', '2025-05-10');
  await subscribe('T', 't-trial', '2025-06-01');
}, 120_000);
afterAll(async () => { await t?.close(); });

const mrr = async (qs = '') => (await t.call('GET', `/api/v1/analytics/mrr?from=2025-01&to=2025-06${qs}`, { key: one.key }));

describe('MRR movements by hand (USD)', () => {
  it('classifies each month as worked out by hand, and start + movements = end', async () => {
    const r = await mrr();
    expect(r.status).toBe(200);
    const pick = (m: any) => [m.month, m.startMrr, m.new, m.expansion, m.reactivation, m.contraction, m.churn, m.endMrr, m.endCustomers];
    expect(r.body.mrr.map(pick)).toEqual([
      // month     start     new      exp      react    contr      churn      end      customers
      ['2025-01', '0.00', '400.00', '0.00', '0.00', '0.00', '0.00', '400.00', 2], // A 100 + B 300
      ['2025-02', '400.00', '100.00', '0.00', '0.00', '-200.00', '0.00', '300.00', 3], // C new, B downgrade 300 → 100
      ['2025-03', '300.00', '0.00', '200.00', '0.00', '0.00', '-100.00', '400.00', 2], // A upgrade 100 → 300, C cancels
      ['2025-04', '400.00', '230.00', '0.00', '0.00', '0.00', '0.00', '630.00', 4], // D yearly 1200 ÷ 12 = 100, E weekly 30 × 52 ÷ 12 = 130
      ['2025-05', '630.00', '180.00', '0.00', '100.00', '0.00', '0.00', '910.00', 6], // C re-subscribes; F 200 − 10% forever (the 3-cycle 50% is not MRR)
      ['2025-06', '910.00', '100.00', '0.00', '0.00', '0.00', '0.00', '1010.00', 7], // T's trial ends on 06-15 (today)
    ]);
    for (const m of r.body.mrr) {
      const sum = ['startMrr', 'new', 'expansion', 'reactivation', 'contraction', 'churn'].reduce((s, k) => s + Math.round(Number(m[k]) * 100), 0);
      expect(sum).toBe(Math.round(Number(m.endMrr) * 100));
      expect(m.arr).toBe((Math.round(Number(m.endMrr) * 100) * 12 / 100).toFixed(2));
    }
  });

  it('derives the rates of March from its movements', async () => {
    const march = (await mrr()).body.mrr.find((m: any) => m.month === '2025-03');
    expect(march).toMatchObject({
      startCustomers: 3, churnedCustomers: 1,
      logoChurnRate: '0.3333', // 1 of 3
      grossMrrChurnRate: '0.3333', // 100 / 300
      netMrrChurnRate: '-0.3333', // (100 − 200) / 300
      nrr: '1.3333', // (300 + 200 − 100) / 300
      arpa: '200.00', // 400 / 2
      ltv: '600.00', // 200 ÷ (1/3): ARPA ÷ the exact churn rate
    });
  });

  it('lists the movements behind a month for drill-down', async () => {
    const r = await t.call('GET', '/api/v1/analytics/mrr/movements?month=2025-03', { key: one.key });
    expect(r.status).toBe(200);
    expect(r.body.data.map((m: any) => [m.externalId, m.date, m.kind, m.amount, m.mrrBefore, m.mrrAfter, m.planCode])).toEqual([
      ['A', '2025-03-05', 'expansion', '200.00', '100.00', '300.00', 'm-pro'], ['C', '2025-03-10', 'churn', '-100.00', '100.00', '0.00', 'm-basic']]);
    expect((await t.call('GET', '/api/v1/analytics/mrr/movements?month=2025-03&kind=churn', { key: one.key })).body.data).toHaveLength(1);
  });

  it('a trial is not MRR until it ends, and counts as a conversion', async () => {
    const r = (await t.call('GET', '/api/v1/analytics/mrr?from=2025-06&to=2025-06', { key: one.key })).body;
    expect(r.trials).toEqual([{ month: '2025-06', trialsEnded: 1, converted: 1, rate: '1.0000' }]);
  });

  it('filters by plan and refuses bad filters at the field', async () => {
    const r = await mrr('&planCode=y-basic');
    expect(r.body.mrr.at(-1)).toMatchObject({ endMrr: '100.00', endCustomers: 1 });
    const bad = await t.call('GET', '/api/v1/analytics/mrr?from=2025-13&customerType=alien', { key: one.key });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['query.customerType', 'query.from']);
  });

  it('the incremental table equals a rebuild and the naive timeline', async () => {
    const db = t.handle.db;
    const rows = async () => (await db.select().from(mrrMovements).where(eq(mrrMovements.tenantId, one.tenantId)))
      .map((m) => `${m.customerId}|${m.date}|${m.kind}|${Number(m.amount).toFixed(2)}`).sort();
    const incremental = await rows();
    expect(incremental.length).toBe(11); // A new+exp, B new+contr, C new+churn+react, D, E, F, T
    const naive = [...(await mrrSegments(db, one.tenantId))].flatMap(([cid, segs]) => deriveMovements(segs).map((m) => `${cid}|${m.date}|${m.kind}|${m.amount.toFixed(2)}`)).sort();
    expect(naive).toEqual(incremental);
    await rebuildMrrMovements(db, one.tenantId);
    expect(await rows()).toEqual(incremental);
  });

  it('is tenant-scoped: the demo tenant sees none of it', async () => {
    const r = await t.call('GET', '/api/v1/analytics/mrr?from=2025-01&to=2025-06&currency=USD', { key: (await import('../../support/app')).DEMO_KEY });
    expect(r.status).toBe(200);
    expect(r.body.mrr.every((m: any) => m.endMrr === '0.00')).toBe(true);
  });
});

describe('cohorts by signup month (hand-made table)', () => {
  it('keeps customers and MRR per cohort month, zero when nobody is left', async () => {
    const r = await t.call('GET', '/api/v1/analytics/cohorts?from=2025-01&to=2025-06', { key: one.key });
    expect(r.status).toBe(200);
    const row = (cohort: string) => r.body.cohorts.find((c: any) => c.cohort === cohort);
    expect(r.body.cohorts.map((c: any) => [c.cohort, c.customers, c.mrr])).toEqual([
      ['2025-01', 2, '400.00'], ['2025-02', 1, '100.00'], ['2025-04', 2, '230.00'], ['2025-05', 1, '180.00'], ['2025-06', 1, '100.00'],
    ]);
    // January: A and B; B downgrades in February (MRR 200 of 400), A upgrades in March (back to 400)
    expect(row('2025-01').months.map((m: any) => [m.offset, m.customers, m.mrr, m.customerRetention, m.mrrRetention])).toEqual([
      [0, 2, '400.00', '1.0000', '1.0000'], [1, 2, '200.00', '1.0000', '0.5000'], [2, 2, '400.00', '1.0000', '1.0000'],
      [3, 2, '400.00', '1.0000', '1.0000'], [4, 2, '400.00', '1.0000', '1.0000'], [5, 2, '400.00', '1.0000', '1.0000'],
    ]);
    // February: C cancels in March, comes back in May
    expect(row('2025-02').months.map((m: any) => [m.month, m.customers, m.customerRetention])).toEqual([
      ['2025-02', 1, '1.0000'], ['2025-03', 0, '0.0000'], ['2025-04', 0, '0.0000'], ['2025-05', 1, '1.0000'], ['2025-06', 1, '1.0000'],
    ]);
  });
});

describe('the SQL sums (mrr-aggregate.ts) give exactly what walking every movement gives', () => {
  it('month by month and cohort by cohort, unfiltered, filtered by customer, and from a later month', async () => {
    const { monthsFromSql, cohortCellsFromSql } = await import('../../../server/analytics/mrr-aggregate');
    const { walk, loadMovements, cohortCellsByWalk } = await import('../../../server/analytics/mrr-report');
    const { monthRange } = await import('../../../server/analytics/filters');
    const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
    const show = (ms: Awaited<ReturnType<typeof monthsFromSql>>) => ms.map((m) => JSON.stringify({ ...m, startMrr: m.startMrr.toFixed(2), endMrr: m.endMrr.toFixed(2),
      moves: Object.fromEntries(Object.entries(m.moves).map(([k, v]) => [k, v.toFixed(2)])) }));
    const cells = (c: Awaited<ReturnType<typeof cohortCellsFromSql>>) => [[...c.size].sort(), [...c.cells].map(([k, v]) => `${k}=${v.customers}/${v.mrr.toFixed(2)}`).sort()];
    for (const f of [{ from: '2025-01', to: '2025-06' }, { from: '2025-03', to: '2025-06' }, { from: '2025-01', to: '2025-06', customerType: 'corporate' as const }, { from: '2025-02', to: '2025-04', currency: 'EUR' }]) {
      const r = await monthRange(ctx, f);
      const rows = await loadMovements(ctx, f, r.end);
      const sql = await monthsFromSql(ctx, f, r);
      expect(show(sql)).toEqual(show(walk(rows, r)));
      expect(cells(await cohortCellsFromSql(ctx, f, r))).toEqual(cells(cohortCellsByWalk(rows, r)));
      if (!f.currency) expect(sql.length).toBeGreaterThan(0); // the comparison is not of two empty lists
    }
  });
});
