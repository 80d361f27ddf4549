/**
 * Impossible calendar dates (2025-02-30) are a 422 naming the field, from the one shared date
 * schema (server/lib/schemas.ts `isoDate`), never a 500 "date/time field value out of range" from
 * the database; and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { isoDate } from '../../server/lib/schemas';

const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
const key = DEMO_KEY;
let subscriptionId: string;
let customerId: string;

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW, demoData: true });
  const subs = await t.call('GET', '/api/v1/subscriptions?limit=1', { key });
  subscriptionId = subs.body.data[0].id;
  customerId = subs.body.data[0].customerId;
});
afterAll(async () => { await t?.close(); });

const BAD = '2025-02-30';

/** Calls and expects a 422 whose only issue is `path` (the day does not exist). */
async function refused(method: string, path: string, body: unknown, field: string) {
  const r = await t.call(method, path, { key, body });
  expect(r.status, `${method} ${path}`).toBe(422);
  expect(r.body.code).toBe('VALIDATION_FAILED');
  expect(r.body.issues, `${method} ${path}`).toContainEqual(expect.objectContaining({ path: field, message: 'is not a calendar date' }));
  return r;
}

describe('the shared isoDate schema', () => {
  it('accepts real days, leap days included, and gives one issue per bad value', () => {
    expect(isoDate.safeParse('2024-02-29').success).toBe(true);
    expect(isoDate.safeParse('2025-12-31').success).toBe(true);
    for (const bad of ['2025-02-29', '2025-02-30', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00']) {
      const r = isoDate.safeParse(bad);
      expect(r.error?.issues.map((i) => i.message), bad).toEqual(['is not a calendar date']);
    }
    // A malformed string gets only the format message.
    expect(isoDate.safeParse('2025-2-3').error?.issues.map((i) => i.message)).toEqual(['must be a date YYYY-MM-DD']);
  });
});

describe('every endpoint taking a date refuses one that does not exist', () => {
  it('queries: invoices, catalog export, customer usage', async () => {
    await refused('GET', `/api/v1/invoices?periodStart=${BAD}`, undefined, 'query.periodStart');
    await refused('GET', `/api/v1/catalog/export?date=${BAD}`, undefined, 'query.date');
    // Usage ranges take a date or an instant; the day of an instant must exist too.
    for (const from of [BAD, `${BAD}T00:00:00Z`]) {
      const r = await t.call('GET', `/api/v1/customers/${customerId}/usage?from=${encodeURIComponent(from)}&to=2025-03-05`, { key });
      expect(r.status, from).toBe(422);
      expect(r.body.issues.map((i: any) => i.path)).toEqual(['query.from']);
    }
  });

  it('retiring a plan or a rule, and nothing is retired', async () => {
    await refused('POST', '/api/v1/plans/basic/retire', { from: BAD }, 'from');
    await refused('POST', '/api/v1/rules/welcome10/retire', { from: BAD }, 'from');
    expect((await t.call('GET', '/api/v1/plans/basic', { key })).body.retiredFrom).toBeNull();
    expect((await t.call('GET', '/api/v1/rules/welcome10', { key })).body.retiredFrom).toBeNull();
  });

  it('catalog import, and nothing is imported', async () => {
    const exported = await t.call('GET', '/api/v1/catalog/export', { key });
    const plan = { ...exported.body.plans.find((p: any) => p.id === 'basic'), name: { ko: '바뀐 이름', en: 'Renamed' } };
    await refused('POST', '/api/v1/catalog/import', { plans: [plan], rules: [], effectiveFrom: BAD }, 'effectiveFrom');
    expect((await t.call('GET', '/api/v1/plans/basic', { key })).body.publishedDocument.name).not.toEqual(plan.name);
  });

  it('coupon codes, and none is created', async () => {
    const before = (await t.call('GET', '/api/v1/rules/welcome10/coupon-codes', { key })).body;
    await refused('POST', '/api/v1/rules/welcome10/coupon-codes', { count: 1, expiresOn: BAD }, 'expiresOn');
    expect((await t.call('GET', '/api/v1/rules/welcome10/coupon-codes', { key })).body).toEqual(before);
  });

  it('usage rollup', async () => {
    await refused('POST', '/api/v1/usage/rollup', { from: BAD, to: '2025-03-02' }, 'from');
    await refused('POST', '/api/v1/usage/rollup', { from: '2025-03-01', to: '2025-04-31' }, 'to');
    // A leap day is a day.
    expect((await t.call('POST', '/api/v1/usage/rollup', { key, body: { from: '2024-02-29', to: '2024-03-01' } })).status).toBe(200);
  });

  it('subscription changes, and the subscription is unchanged', async () => {
    const before = (await t.call('GET', `/api/v1/subscriptions/${subscriptionId}`, { key })).body;
    await refused('POST', `/api/v1/subscriptions/${subscriptionId}/change-plan`, { planCode: 'standard', effectiveDate: BAD }, 'effectiveDate');
    await refused('POST', `/api/v1/subscriptions/${subscriptionId}/quantities`, { quantities: {}, effectiveDate: BAD }, 'effectiveDate');
    await refused('POST', `/api/v1/subscriptions/${subscriptionId}/cancel`, { effectiveDate: BAD }, 'effectiveDate');
    await refused('POST', `/api/v1/subscriptions/${subscriptionId}/pause`, { effectiveDate: BAD }, 'effectiveDate');
    expect((await t.call('GET', `/api/v1/subscriptions/${subscriptionId}`, { key })).body).toEqual(before);
  });

  it('bill runs, contracts, orders and invoices', async () => {
    await refused('POST', '/api/v1/bill-runs', { periodStart: BAD, dryRun: true }, 'periodStart');
    await refused('POST', '/api/v1/contracts', { customerId, termStart: BAD }, 'termStart');
    const order = (await t.call('GET', '/api/v1/orders?limit=1', { key })).body.data[0];
    expect(order).toBeDefined();
    await refused('POST', `/api/v1/orders/${order.id}/status`, { status: 'completed', billingStartDate: BAD }, 'billingStartDate');
    const invoice = (await t.call('GET', '/api/v1/invoices?limit=1', { key })).body.data[0];
    expect(invoice).toBeDefined();
    await refused('PATCH', `/api/v1/invoices/${invoice.id}`, { dueDate: BAD }, 'dueDate');
  });
});

describe('dates outside 1900-01-01..9999-12-31 (PostgreSQL refuses year 0000: these were 500s)', () => {
  const RANGE = 'must be between 1900-01-01 and 9999-12-31';
  async function outOfRange(method: string, path: string, body: (d: string) => unknown, field: string, message = RANGE) {
    for (const d of ['0000-01-01', '1899-12-31']) {
      const r = await t.call(method, path, { key, body: body(d) });
      expect(r.status, `${method} ${path} ${d}`).toBe(422);
      expect(r.body.issues, `${method} ${path} ${d}`).toContainEqual(expect.objectContaining({ path: field, message }));
    }
  }

  it('the schema keeps the documented range, both ends included', () => {
    expect(isoDate.safeParse('1900-01-01').success).toBe(true);
    expect(isoDate.safeParse('9999-12-31').success).toBe(true);
    expect(isoDate.safeParse('1899-12-31').error?.issues.map((i) => i.message)).toEqual([RANGE]);
    expect(isoDate.safeParse('0000-01-01').error?.issues.map((i) => i.message)).toEqual([RANGE]);
  });

  it('bill runs, contracts, plan changes, coupon expiry, retire dates, rollups', async () => {
    await outOfRange('POST', '/api/v1/bill-runs', (d) => ({ periodStart: d, dryRun: true }), 'periodStart');
    await outOfRange('POST', '/api/v1/contracts', (d) => ({ customerId, termStart: d }), 'termStart');
    await outOfRange('POST', `/api/v1/subscriptions/${subscriptionId}/change-plan`, (d) => ({ planCode: 'standard', effectiveDate: d }), 'effectiveDate');
    await outOfRange('POST', '/api/v1/rules/welcome10/coupon-codes', (d) => ({ count: 1, expiresOn: d }), 'expiresOn');
    await outOfRange('POST', '/api/v1/plans/basic/retire', (d) => ({ from: d }), 'from');
    await outOfRange('POST', '/api/v1/usage/rollup', (d) => ({ from: d, to: '2025-03-02' }), 'from');
    expect((await t.call('GET', '/api/v1/plans/basic', { key })).body.retiredFrom).toBeNull();
  });

  it('previews and the catalog export', async () => {
    const preview = (d: string) => ({
      currency: 'KRW', period: { start: d, end: '2025-06-01' },
      subscriptions: [{ planCode: 'standard', startDate: d, quantities: { seats: 1 } }],
    });
    for (const d of ['0000-01-01', '1899-12-31']) {
      const r = await t.call('POST', '/api/v1/rating/preview', { key, body: preview(d) });
      expect(r.status, d).toBe(422);
      expect(r.body.issues.map((i: any) => i.path), d).toEqual(expect.arrayContaining(['period.start', 'subscriptions[0].startDate']));
      const e = await t.call('GET', `/api/v1/catalog/export?date=${d}`, { key });
      expect(e.status, d).toBe(422);
      expect(e.body.issues).toEqual([expect.objectContaining({ path: 'query.date', message: RANGE })]);
    }
    expect((await t.call('GET', '/api/v1/catalog/export?date=1900-01-01', { key })).status).toBe(200);
  });

  it('usage queries (dates and instants) and months', async () => {
    for (const from of ['0000-01-01', '0000-01-01T00:00:00Z']) {
      const r = await t.call('GET', `/api/v1/customers/${customerId}/usage?from=${encodeURIComponent(from)}`, { key });
      expect(r.status, from).toBe(422);
      expect(r.body.issues.map((i: any) => i.path)).toEqual(['query.from']);
    }
    const m = await t.call('GET', `/api/v1/customers/${customerId}/usage/monthly?from=0000-01`, { key });
    expect(m.status).toBe(422);
    expect(m.body.issues).toEqual([expect.objectContaining({ path: 'query.from', message: 'must be between 1900-01 and 9999-12' })]);
  });
});
