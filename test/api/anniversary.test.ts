import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { bills, customers, meters, usageEvents } from '../../server/db/schema';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { FIXTURE_PLANS, FIXTURE_RULES } from '../scenarios/fixture';
import { storedMoney } from '../support/money';

/**
 * Anniversary bill-run groups (README "Anniversary groups"): each subscription is billed for its
 * own monthly period (anchored on its start day, month ends clamped without drift) whose last day
 * falls in the run month, in arrears; usage over that period; re-runs create nothing; a calendar
 * group of the same tenant keeps its calendar periods.
 */
let t: TestApp;
let tenant: { tenantId: string; key: string };
const clock = () => new Date('2025-06-02T12:00:00Z');
const ids: Record<string, string> = {};

const USAGE_PLAN = { code: 'an-usage', name: 'Usage', currency: 'USD', interval: 'month', intervalCount: 1, components: [
  { code: 'base', type: 'flat', amount: '10.00' },
  { code: 'calls', type: 'usage', meter: 'an_calls', pricing: { model: 'standard', unitAmount: '0.50' } }] };

async function customer(code: string, group: string) {
  const [c] = await t.handle.db.insert(customers).values({ tenantId: tenant.tenantId, externalId: code, type: 'corporate', name: code, country: 'US', timezone: 'UTC', currency: 'USD', billingGroup: group }).returning();
  ids[code] = c.id;
  return c.id;
}

async function subscribe(customerId: string, planCode: string, start: string, addOn = false) {
  const ctx = systemCtx(t.handle.db, tenant.tenantId, PERMISSION_CODES, clock);
  const o = await createOrder({ ctx, input: { customerId, items: [{ planCode, ...(addOn ? { addOn: true } : {}) }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
}

let meterId: string;
async function event(id: string, customerId: string, at: string, receivedAt = at) {
  await t.handle.db.insert(usageEvents).values({ tenantId: tenant.tenantId, eventId: id, customerId, meterId, timestamp: new Date(at), receivedAt: new Date(receivedAt) });
}

async function run(body: Record<string, unknown>) {
  const r = await t.call('POST', '/api/v1/bill-runs', { key: tenant.key, body });
  expect(r.status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key: tenant.key })).body;
}

async function billsOf(code: string) {
  const rows = await t.handle.db.select().from(bills).where(and(eq(bills.tenantId, tenant.tenantId), eq(bills.customerId, ids[code]))).orderBy(asc(bills.periodStart));
  return rows.map((b) => ({ period: [b.periodStart, b.periodEnd], subtotal: storedMoney(b.subtotal, b.currency), usage: (b.segments as { usage: Record<string, string> }[]).map((s) => s.usage.an_calls ?? null), late: (b.segments as { lateUsage?: unknown }[]).map((s) => s.lateUsage ?? null) }));
}

async function invoicesOf(code: string) {
  const r = await t.call('GET', `/api/v1/invoices?billTo=${ids[code]}&limit=100`, { key: tenant.key });
  expect(r.status).toBe(200);
  return (r.body.data as { periodStart: string; periodEnd: string; total: string; issueDate: string }[])
    .map((i) => ({ period: [i.periodStart, i.periodEnd], total: i.total, issueDate: i.issueDate }))
    .sort((a, b) => (a.period[0] < b.period[0] ? -1 : 1));
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenant = await t.otherTenant('anniv');
  const ctx = systemCtx(t.handle.db, tenant.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, plans: [...FIXTURE_PLANS, USAGE_PLAN], rules: FIXTURE_RULES, effectiveFrom: '2025-01-01' });
  const [m] = await t.handle.db.insert(meters).values({ tenantId: tenant.tenantId, code: 'an_calls', name: 'Calls', aggregation: 'count' }).returning();
  meterId = m.id;
  for (const [code, mode] of [['anniv', 'anniversary'], ['cal', 'calendar']] as const) {
    const g = await t.call('PUT', `/api/v1/bill-run-groups/${code}`, { key: tenant.key, body: { name: code, cycleDay: 1, mode } });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ code, mode });
  }
  await subscribe(await customer('TENTH', 'anniv'), 'an-usage', '2025-03-10');
  await subscribe(await customer('LAST', 'anniv'), 'fx-basic', '2025-01-31');
  // One payer, two anchors (10th and 20th): one invoice per distinct period.
  const two = await customer('TWO', 'anniv');
  await subscribe(two, 'fx-basic', '2025-03-10');
  await subscribe(two, 'fx-basic', '2025-03-20', true);
  await subscribe(await customer('CAL', 'cal'), 'fx-basic', '2025-03-10');
  // TENTH's usage: before its start, in its first period (incl. its last day), in the second, after it.
  for (const [id, at] of [['e0', '2025-03-09T12:00:00Z'], ['e1', '2025-03-15T12:00:00Z'], ['e2', '2025-03-15T13:00:00Z'], ['e3', '2025-04-09T12:00:00Z'],
    ['e4', '2025-04-10T12:00:00Z'], ['e5', '2025-05-09T12:00:00Z'], ['e6', '2025-05-10T12:00:00Z']]) await event(id, ids.TENTH, at);
}, 60_000);
afterAll(async () => { await t?.close(); });

describe('anniversary bill-run groups', () => {
  it('the April run bills each subscription for its own period ending in April', async () => {
    const april = await run({ groupCode: 'anniv', periodStart: '2025-04-01' });
    expect(april).toMatchObject({ periodStart: '2025-04-01', periodEnd: '2025-05-01', status: 'completed', billsCreated: 4, invoicesCreated: 4, totals: { USD: { invoices: 3 } } });
    expect(april.payers.map((p: any) => p.outcome)).toEqual(['created', 'created', 'created']);
    expect(april.payers.find((p: any) => p.billTo === ids.TWO)).toMatchObject({ bills: 2, total: '68.20' });

    // 3 calls in [Mar 10, Apr 10): not Mar 9 (before the start), Apr 9 is the last day.
    expect(await billsOf('TENTH')).toEqual([{ period: ['2025-03-10', '2025-04-10'], subtotal: '11.50', usage: ['3'], late: [null] }]);
    expect(await invoicesOf('TENTH')).toEqual([{ period: ['2025-03-10', '2025-04-10'], total: '12.65', issueDate: '2025-04-10' }]);
    // Started Jan 31: the period ending in April is [Mar 31, Apr 30), a full period (no proration).
    expect(await billsOf('LAST')).toEqual([{ period: ['2025-03-31', '2025-04-30'], subtotal: '31.00', usage: [null], late: [null] }]);
    expect(await invoicesOf('TWO')).toEqual([
      { period: ['2025-03-10', '2025-04-10'], total: '34.10', issueDate: '2025-04-10' },
      { period: ['2025-03-20', '2025-04-20'], total: '34.10', issueDate: '2025-04-20' },
    ]);
    expect(await billsOf('CAL')).toEqual([]); // other group
  });

  it('the next run (default period: the last closed month) bills the following periods; month ends clamp without drift; late usage is carried', async () => {
    // An event of TENTH's first (billed) period received after that bill: carried into the next one.
    await event('late-1', ids.TENTH, '2025-04-05T12:00:00Z', '2025-06-02T13:00:00Z');
    const may = await run({ groupCode: 'anniv' });
    expect(may).toMatchObject({ periodStart: '2025-05-01', periodEnd: '2025-06-01', billsCreated: 4, invoicesCreated: 4 });
    expect(await billsOf('TENTH')).toEqual([
      { period: ['2025-03-10', '2025-04-10'], subtotal: '11.50', usage: ['3'], late: [null] },
      // Apr 10 and May 9 (May 10 is the next period's) + 1 late event.
      { period: ['2025-04-10', '2025-05-10'], subtotal: '11.50', usage: ['3'], late: [{ an_calls: { events: 1, sum: '0' } }] },
    ]);
    expect((await billsOf('LAST')).map((b) => [b.period, b.subtotal])).toEqual([
      [['2025-03-31', '2025-04-30'], '31.00'],
      [['2025-04-30', '2025-05-31'], '31.00'],
    ]);
    expect((await invoicesOf('TWO')).map((i) => i.period[0])).toEqual(['2025-03-10', '2025-03-20', '2025-04-10', '2025-04-20']);
  });

  it('re-running a month creates nothing and reports the existing invoices', async () => {
    const again = await run({ groupCode: 'anniv', periodStart: '2025-04-01' });
    expect(again).toMatchObject({ billsCreated: 0, invoicesCreated: 0, outcomes: { existing: 3 } });
    const before = await billsOf('TENTH');
    expect(before).toHaveLength(2);
    expect((await run({ groupCode: 'anniv', periodStart: '2025-05-01' }))).toMatchObject({ billsCreated: 0, invoicesCreated: 0 });
  });

  it('a month before the first anniversary period ends bills nothing for that subscription', async () => {
    const march = await run({ groupCode: 'anniv', periodStart: '2025-03-01', dryRun: true });
    // Only LAST has a period ending in March ([Feb 28, Mar 31)).
    expect(march.payers.filter((p: any) => p.outcome === 'dry_run').map((p: any) => p.billTo)).toEqual([ids.LAST]);
    expect(march.payers.find((p: any) => p.billTo === ids.LAST)).toMatchObject({ total: '34.10', bills: 1 });
  });

  it('a calendar group in the same tenant keeps calendar periods; anniversary runs are one calendar month', async () => {
    const cal = await run({ groupCode: 'cal', periodStart: '2025-04-01' });
    expect(cal).toMatchObject({ billsCreated: 1, invoicesCreated: 1 });
    expect(await billsOf('CAL')).toEqual([{ period: ['2025-04-01', '2025-05-01'], subtotal: '31.00', usage: [null], late: [null] }]);
    const bad = await t.call('POST', '/api/v1/bill-runs', { key: tenant.key, body: { groupCode: 'anniv', periodStart: '2025-04-10' } });
    expect(bad.status).toBe(422);
    const badEnd = await t.call('POST', '/api/v1/bill-runs', { key: tenant.key, body: { groupCode: 'anniv', periodStart: '2025-04-01', periodEnd: '2025-04-15' } });
    expect(badEnd.status).toBe(422);
    const flip = await t.call('PUT', '/api/v1/bill-run-groups/anniv', { key: tenant.key, body: { name: 'anniv', cycleDay: 1, mode: 'calendar' } });
    expect(flip.status).toBe(422);
  });
});
