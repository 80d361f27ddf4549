/**
 * Bill runs bill weekly and daily plans (every cycle ending in the run's period, in arrears, with
 * the usage of each cycle's own days) and the usage components of yearly plans (monthly in
 * arrears, next to the plan's fees billed in advance on the anniversary). Frozen clock; amounts
 * worked out by hand. Before issue 9 all three were reported `skipped` and billed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { createMeter } from '../../server/metering/meters';
import { MeterCreateIn } from '../../server/metering/schemas';

let t: TestApp;
let one: { tenantId: string; key: string };
let ctx: Ctx;
const ids: Record<string, string> = {};
// 2025-05-02 in New York: March and April have ended.
const clock = () => new Date('2025-05-02T16:00:00Z');

const calls = { code: 'calls', type: 'usage', meter: 'cd_calls', pricing: { model: 'standard', unitAmount: '1.00' } };
const PLANS = [
  { code: 'cd-week', name: 'Weekly', currency: 'USD', interval: 'week', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '7.00' }, calls] },
  { code: 'cd-day', name: 'Daily', currency: 'USD', interval: 'day', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '1.00' }] },
  { code: 'cd-year', name: 'Yearly', currency: 'USD', interval: 'year', intervalCount: 1, components: [
    { code: 'base', type: 'flat', amount: '120.00' }, { ...calls, pricing: { model: 'standard', unitAmount: '0.10' } }] },
];

async function subscribe(ext: string, planCode: string, start: string) {
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: ext, type: 'corporate', name: ext, country: 'US', timezone: 'UTC', currency: 'USD' }) });
  ids[ext] = c.id;
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
}

async function events(customer: string, day: string, n: number) {
  const evs = Array.from({ length: n }, (_, i) => ({ id: `${customer}-${day}-${i}`, customer, meter: 'cd_calls', timestamp: `${day}T15:00:00Z` }));
  const r = await t.call('POST', '/api/v1/events', { key: one.key, body: { events: evs } });
  expect(r.status).toBe(200);
}

async function run(periodStart: string) {
  const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key: one.key })).body;
}

async function invoiceOf(ext: string, periodStart: string) {
  const list = (await t.call('GET', `/api/v1/invoices?periodStart=${periodStart}&limit=50`, { key: one.key })).body.data;
  const inv = list.find((i: { billTo: string }) => i.billTo === ids[ext]);
  return inv ? (await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: one.key })).body : null;
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('cadence');
  ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await createMeter({ ctx, input: MeterCreateIn.parse({ code: 'cd_calls', name: 'Calls', aggregation: 'count' }) });
  await importDocuments({ ctx, plans: PLANS, rules: [], effectiveFrom: '2025-01-01' });
  await subscribe('WEEK', 'cd-week', '2025-02-24'); // Mondays: cycles end 03-03, 03-10, … 03-31, 04-07, …
  await subscribe('DAY', 'cd-day', '2025-03-30');
  await subscribe('YEAR', 'cd-year', '2025-03-10');
  await events('WEEK', '2025-02-26', 3); // in the first cycle, before March
  await events('WEEK', '2025-03-30', 2); // the cycle ending 03-31
  await events('WEEK', '2025-03-31', 5); // the cycle [03-31, 04-07): billed by the April run
  await events('YEAR', '2025-03-15', 10);
  await events('YEAR', '2025-04-05', 20);
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('bill runs by plan cadence', () => {
  it('March: five weekly cycles with their own usage, two days, the year in advance plus March usage', async () => {
    const march = await run('2025-03-01');
    expect(march.outcomes).toEqual({ created: 3 });
    const week = await invoiceOf('WEEK', '2025-03-01');
    const base = week.lines.filter((l: { component?: string }) => l.component === 'base');
    expect(base.map((l: { segment: { startDate: string; endDate: string } }) => `${l.segment.startDate}..${l.segment.endDate}`)).toEqual([
      '2025-02-24..2025-03-03', '2025-03-03..2025-03-10', '2025-03-10..2025-03-17', '2025-03-17..2025-03-24', '2025-03-24..2025-03-31']);
    // 5 × 7.00 + usage 3 (the first cycle's, received before March) + 2; not the 5 calls of 03-31.
    expect(week.total).toBe('40.00');
    expect((await invoiceOf('DAY', '2025-03-01')).total).toBe('2.00');
    const year = await invoiceOf('YEAR', '2025-03-01');
    // 120.00 for [2025-03-10, 2026-03-10) in advance + 10 calls × 0.10 in March.
    expect(year.total).toBe('121.00');
    const usageLine = year.lines.find((l: { component?: string }) => l.component === 'calls');
    expect(usageLine).toMatchObject({ amount: '1.00', segment: { startDate: '2025-03-10', endDate: '2025-04-01' } });
  });

  it('April: the cycle that began on 03-31 with its usage, and only the usage of the yearly plan', async () => {
    const april = await run('2025-04-01');
    expect(april.outcomes.created).toBe(3);
    // Cycles ending 04-07, 04-14, 04-21, 04-28: 4 × 7.00 + the 5 calls of 03-31.
    expect((await invoiceOf('WEEK', '2025-04-01')).total).toBe('33.00');
    expect((await invoiceOf('DAY', '2025-04-01')).total).toBe('30.00');
    const year = await invoiceOf('YEAR', '2025-04-01');
    expect(year.total).toBe('2.00');
    expect(year.lines.map((l: { component?: string }) => l.component)).toEqual(['calls']);
  });

  it('re-running a month bills nothing twice', async () => {
    const again = await run('2025-03-01');
    expect(again).toMatchObject({ billsCreated: 0, invoicesCreated: 0, outcomes: { existing: 3 } });
  });
});
