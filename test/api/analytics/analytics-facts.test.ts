/**
 * mrr_facts and open_receivable_facts (server/db/schema/mrr-facts.ts), kept by triggers, give
 * exactly what the raw tables give: the MRR months, the cohort cells, the live KPIs (MRR,
 * customers, overdue) and A/R aging on several dates; after subscription changes through the API
 * (each replaces the customer's movements), a cancellation dated later in the current month (in
 * the facts of this month, not counted before its day), direct invoice writes (issue, part
 * payment, void, delete), and the nightly compaction, which folds the rows without changing a sum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { systemCtx, type Ctx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { importDocuments } from '../../../server/catalog/versions';
import { customers, invoices } from '../../../server/db/schema';
import { monthRange } from '../../../server/analytics/filters';
import { cohortCellsFromSql, monthsFromSql } from '../../../server/analytics/mrr-aggregate';
import { cohortCellsByWalk, loadMovements, walk } from '../../../server/analytics/mrr-report';
import { aging } from '../../../server/analytics/aging';
import { liveKpis } from '../../../server/analytics/live';
import { compactMrrAndOpenFacts } from '../../../server/analytics/receivable-facts-compact';

let t: TestApp;
let one: { tenantId: string; key: string };
let ctx: Ctx;
const clock = () => new Date('2025-06-15T12:00:00Z');
const flat = (code: string, amount: string) => ({ code, name: code, currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }] });
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];

const post = async (path: string, body: unknown = {}) => {
  const r = await t.call('POST', `/api/v1${path}`, { key: one.key, body });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
async function subscribe(name: string, planCode: string, start: string) {
  const id = (await post('/customers', { externalId: name, type: 'corporate', name, country: 'US', timezone: 'UTC', currency: 'USD' })).id;
  const o = await post('/orders', { customerId: id, items: [{ planCode }] });
  const done = await post(`/orders/${o.id}/status`, { status: 'completed', billingStartDate: start });
  return { customerId: id as string, subscriptionId: done.subscriptionIds[0] as string };
}

/** The MRR months and cohort cells from the facts, from the movements in SQL, and by walking every movement. */
async function mrrThreeWays(f: { from: string; to: string }) {
  const r = await monthRange(ctx, f);
  const show = (ms: Awaited<ReturnType<typeof monthsFromSql>>) => ms.map((m) => JSON.stringify({ ...m, startMrr: m.startMrr.toFixed(2), endMrr: m.endMrr.toFixed(2),
    moves: Object.fromEntries(Object.entries(m.moves).map(([k, v]) => [k, v.toFixed(2)])) }));
  const cells = (c: Awaited<ReturnType<typeof cohortCellsFromSql>>) => [[...c.size].sort(), [...c.cells].map(([k, v]) => `${k}=${v.customers}/${v.mrr.toFixed(2)}`).sort()];
  const rows = await loadMovements(ctx, f, r.end);
  return {
    months: [show(await monthsFromSql(ctx, f, r, 'facts')), show(await monthsFromSql(ctx, f, r, 'raw')), show(walk(rows, r))],
    cohorts: [cells(await cohortCellsFromSql(ctx, f, r, 'facts')), cells(await cohortCellsFromSql(ctx, f, r, 'raw')), cells(cohortCellsByWalk(rows, r))],
  };
}
async function expectMrrExact() {
  for (const f of [{ from: '2025-01', to: '2025-06' }, { from: '2025-04', to: '2025-07' }, { from: '2025-02', to: '2025-03' }]) {
    const { months, cohorts } = await mrrThreeWays(f);
    expect(months[0]).toEqual(months[1]);
    expect(months[0]).toEqual(months[2]);
    expect(cohorts[0]).toEqual(cohorts[1]);
    expect(cohorts[0]).toEqual(cohorts[2]);
  }
  // live: MRR and customers now = Σ movements dated up to today
  const [raw] = rowsOf(await t.handle.db.execute(sql`select coalesce(sum(amount), 0)::numeric(20,2)::text as mrr,
    (count(*) filter (where kind in ('new','reactivation')) - count(*) filter (where kind = 'churn'))::int as n
    from mrr_movements where tenant_id = ${one.tenantId} and date <= '2025-06-15'`));
  const live = (await liveKpis(ctx)).currencies.find((c) => c.currency === 'USD');
  expect([live?.mrr, live?.customers]).toEqual([raw.mrr, Number(raw.n)]);
}

const agingOf = async (asOf: string, source: 'facts' | 'raw') => {
  const a = await aging(ctx, {}, asOf, source);
  return { buckets: a.buckets, overdue: a.overdue };
};
async function expectAgingExact() {
  for (const asOf of ['2025-03-01', '2025-04-20', '2025-05-31', '2025-06-15', '2025-12-31']) {
    expect(await agingOf(asOf, 'facts')).toEqual(await agingOf(asOf, 'raw'));
  }
  const [raw] = rowsOf(await t.handle.db.execute(sql`select coalesce(sum(amount_due - amount_paid), 0)::numeric(20,2)::text as amount, count(*)::int as n from invoices
    where tenant_id = ${one.tenantId} and status in ('finalized','partially_paid','payment_failed') and amount_due > amount_paid and due_date < '2025-06-15'`));
  const live = (await liveKpis(ctx)).currencies.find((c) => c.currency === 'USD');
  expect([live?.overdue ?? '0.00', live?.overdueInvoices ?? 0]).toEqual([raw.amount, Number(raw.n)]);
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('afacts');
  ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, effectiveFrom: '2025-01-01', plans: [flat('m-basic', '100.00'), flat('m-pro', '300.00')] });
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('mrr_facts', () => {
  it('equal the movements and the walk through changes, a cancellation later this month, and compaction', async () => {
    const a = await subscribe('A', 'm-basic', '2025-01-10');
    const b = await subscribe('B', 'm-pro', '2025-03-03');
    await post(`/subscriptions/${b.subscriptionId}/change-plan`, { planCode: 'm-basic', effectiveDate: '2025-04-01' });
    await subscribe('C', 'm-basic', '2025-06-02');
    await expectMrrExact();
    // a cancellation dated after today, inside this month: stored (and in this month's facts), not counted yet
    await post(`/subscriptions/${a.subscriptionId}/cancel`, { atPeriodEnd: false, effectiveDate: '2025-06-25' });
    const [future] = rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from mrr_movements where tenant_id = ${one.tenantId} and date > '2025-06-15'`));
    expect(Number(future.n)).toBe(1);
    const [inFacts] = rowsOf(await t.handle.db.execute(sql`select coalesce(sum(movements), 0)::int as n from mrr_facts where tenant_id = ${one.tenantId} and month = '2025-06-01' and kind = 'churn'`));
    expect(Number(inFacts.n)).toBe(1);
    await expectMrrExact();
    expect((await liveKpis(ctx)).currencies[0].customers).toBe(3);
    await post(`/subscriptions/${b.subscriptionId}/change-plan`, { planCode: 'm-pro', effectiveDate: '2025-05-20' });
    await expectMrrExact();
    const before = rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from mrr_facts where tenant_id = ${one.tenantId}`))[0].n;
    const folded = await compactMrrAndOpenFacts(t.handle.db, one.tenantId);
    expect(folded.mrr.before).toBe(Number(before));
    expect(folded.mrr.after).toBeLessThan(folded.mrr.before); // replaced movements left + and − rows behind
    await expectMrrExact();
    // the endpoint reads the facts and answers what the hand-made history says: 100 + 300 + 100 at the end of June so far
    const r = await t.call('GET', '/api/v1/analytics/mrr?from=2025-06&to=2025-06', { key: one.key });
    expect(r.body.mrr.map((m: any) => [m.month, m.endMrr, m.endCustomers])).toEqual([['2025-06', '500.00', 3]]);
  });
});

describe('open_receivable_facts', () => {
  it('equal the open invoices for aging and overdue through issue, part payment, void, delete and compaction', async () => {
    const db = t.handle.db;
    const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'AG', type: 'corporate', name: 'AG', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
    let seq = 100;
    const inv = async (status: string, issue: string, due: string, total: string) => (await db.insert(invoices).values({
      tenantId: one.tenantId, billTo: c.id, customerId: c.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: 'USD',
      sequence: ++seq, status, number: status === 'draft' ? null : `AG-${seq}`, issueDate: issue, dueDate: due, lines: [],
      subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
    }).returning())[0];
    const x1 = await inv('finalized', '2025-02-01', '2025-02-15', '100.00');
    const x2 = await inv('finalized', '2025-04-01', '2025-04-15', '250.50');
    const x3 = await inv('draft', '2025-05-01', '2025-05-15', '999.00');
    const x4 = await inv('payment_failed', '2025-06-01', '2025-06-30', '80.00');
    await inv('finalized', '2025-06-10', '2025-06-24', '40.00');
    await expectAgingExact();
    expect((await agingOf('2025-06-15', 'facts')).overdue).toEqual([{ currency: 'USD', amount: '350.50' }]);
    await db.update(invoices).set({ amountPaid: '50.25', status: 'partially_paid' }).where(eq(invoices.id, x2.id));
    await db.update(invoices).set({ status: 'finalized', number: 'AG-x3' }).where(eq(invoices.id, x3.id));
    await expectAgingExact();
    await db.update(invoices).set({ status: 'void' }).where(eq(invoices.id, x1.id));
    await db.update(invoices).set({ amountPaid: '80.00', status: 'paid' }).where(eq(invoices.id, x4.id));
    await db.update(invoices).set({ dueDate: '2025-03-01' }).where(eq(invoices.id, x2.id));
    await expectAgingExact();
    await db.delete(invoices).where(eq(invoices.id, x3.id));
    await expectAgingExact();
    expect((await agingOf('2025-06-15', 'facts')).overdue).toEqual([{ currency: 'USD', amount: '200.25' }]);
    const folded = await compactMrrAndOpenFacts(db, one.tenantId);
    expect(folded.open.after).toBeLessThan(folded.open.before);
    expect(folded.open.after).toBe(2); // x2 and the June invoice are open
    await expectAgingExact();
  });
});
