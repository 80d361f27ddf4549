import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { customers } from '../../server/db/schema';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { periodContainingAnchored } from '../../server/lib/dates';

/**
 * "At period end" (a downgrade without a date, cancel atPeriodEnd) means the end of the period
 * the bill run bills: the group's calendar period, the subscription's own month in an anniversary
 * group, and the anniversary year of a yearly plan (billed in advance), never a calendar month
 * that would fall inside an already billed year.
 */
let t: TestApp;
let tenant: { tenantId: string; key: string };
const clock = () => new Date('2025-06-02T12:00:00Z');

const PLANS = [
  { code: 'pe-big', name: 'Big', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '50.00' }] },
  { code: 'pe-small', name: 'Small', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '20.00' }] },
  { code: 'pe-year-big', name: 'Year big', currency: 'USD', interval: 'year', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '500.00' }] },
  { code: 'pe-year-small', name: 'Year small', currency: 'USD', interval: 'year', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '200.00' }] },
];

let n = 0;
async function subscription(group: string | null, planCode: string, start: string): Promise<string> {
  const [c] = await t.handle.db.insert(customers).values({ tenantId: tenant.tenantId, externalId: `PE-${++n}`, type: 'corporate', name: `PE ${n}`, country: 'US', timezone: 'UTC', currency: 'USD', billingGroup: group }).returning();
  const ctx = systemCtx(t.handle.db, tenant.tenantId, PERMISSION_CODES, clock);
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
  const r = await t.call('GET', `/api/v1/subscriptions?customerId=${c.id}`, { key: tenant.key });
  expect(r.status).toBe(200);
  return r.body.data[0].id as string;
}

async function post(path: string, body: unknown) {
  return t.call('POST', `/api/v1/subscriptions/${path}`, { key: tenant.key, body });
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenant = await t.otherTenant('period-end');
  const ctx = systemCtx(t.handle.db, tenant.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, plans: PLANS, rules: [], effectiveFrom: '2025-01-01' });
  for (const [code, mode, cycleDay] of [['anniv', 'anniversary', 1], ['cal15', 'calendar', 15]] as const) {
    expect((await t.call('PUT', `/api/v1/bill-run-groups/${code}`, { key: tenant.key, body: { name: code, cycleDay, mode } })).status).toBe(200);
  }
});
afterAll(async () => t?.close());

describe('periodContainingAnchored', () => {
  it('finds the anchored period for months (clamped, no drift), years, weeks and days', () => {
    expect(periodContainingAnchored('2025-01-31', 'month', 1, '2025-03-01')).toEqual({ start: '2025-02-28', end: '2025-03-31' });
    expect(periodContainingAnchored('2025-01-31', 'month', 1, '2025-03-31')).toEqual({ start: '2025-03-31', end: '2025-04-30' });
    expect(periodContainingAnchored('2025-03-10', 'month', 1, '2025-06-02')).toEqual({ start: '2025-05-10', end: '2025-06-10' });
    expect(periodContainingAnchored('2024-02-29', 'year', 1, '2025-06-02')).toEqual({ start: '2025-02-28', end: '2026-02-28' });
    expect(periodContainingAnchored('2025-01-15', 'month', 3, '2025-04-14')).toEqual({ start: '2025-01-15', end: '2025-04-15' });
    expect(periodContainingAnchored('2025-01-15', 'month', 3, '2025-04-15')).toEqual({ start: '2025-04-15', end: '2025-07-15' });
    expect(periodContainingAnchored('2025-06-01', 'week', 2, '2025-06-14')).toEqual({ start: '2025-06-01', end: '2025-06-15' });
    expect(periodContainingAnchored('2025-06-01', 'day', 1, '2025-06-02')).toEqual({ start: '2025-06-02', end: '2025-06-03' });
    expect(periodContainingAnchored('2025-06-10', 'month', 1, '2025-06-02')).toEqual({ start: '2025-06-10', end: '2025-07-10' });
  });
});

describe('at period end', () => {
  it('anniversary group: a downgrade and a cancel at period end land on the subscription\'s own month end', async () => {
    const down = await subscription('anniv', 'pe-big', '2025-03-10');
    const r = await post(`${down}/change-plan`, { planCode: 'pe-small' });
    expect(r.status).toBe(200);
    expect(r.body.scheduledChange).toMatchObject({ planCode: 'pe-small', effectiveDate: '2025-06-10' });

    const cancel = await subscription('anniv', 'pe-big', '2025-01-31');
    const c = await post(`${cancel}/cancel`, { atPeriodEnd: true });
    expect(c.status).toBe(200);
    expect(c.body.endDate).toBe('2025-06-30'); // May 31 → Jun 30: the anchor day 31 clamps to June's last day
  });

  it('calendar group with cycle day 15: the group period end', async () => {
    const id = await subscription('cal15', 'pe-big', '2025-03-10');
    const c = await post(`${id}/cancel`, { atPeriodEnd: true });
    expect(c.status).toBe(200);
    expect(c.body.endDate).toBe('2025-06-15');
  });

  it('default group: the calendar month end', async () => {
    const id = await subscription(null, 'pe-big', '2025-03-10');
    const r = await post(`${id}/change-plan`, { planCode: 'pe-small' });
    expect(r.status).toBe(200);
    expect(r.body.scheduledChange).toMatchObject({ planCode: 'pe-small', effectiveDate: '2025-07-01' });
  });

  it('yearly plan: a downgrade and a cancel at period end wait for the anniversary year to end', async () => {
    const down = await subscription(null, 'pe-year-big', '2025-02-20');
    const r = await post(`${down}/change-plan`, { planCode: 'pe-year-small' });
    expect(r.status).toBe(200);
    expect(r.body.scheduledChange).toMatchObject({ planCode: 'pe-year-small', effectiveDate: '2026-02-20' });

    const cancel = await subscription('anniv', 'pe-year-big', '2025-02-20');
    const c = await post(`${cancel}/cancel`, { atPeriodEnd: true });
    expect(c.status).toBe(200);
    expect(c.body.endDate).toBe('2026-02-20');
  });
});
