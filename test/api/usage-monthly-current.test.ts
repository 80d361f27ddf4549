/**
 * Issue 9: the customer's "last 3 months" chart stayed at 0 while the usage table showed usage,
 * because the monthly API added up daily rollups that nobody had computed for the current month.
 * Months are now counted from the events, like the table's period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

// 2025-05-20 12:00 KST; the demo tenant is in Asia/Seoul.
const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
let customerId: string;
const key = DEMO_KEY;

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  customerId = (await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'UM-1', type: 'individual', name: '월별 고객' } })).body.id;
  for (const m of [{ code: 'um_calls', name: 'Calls', aggregation: 'count' }, { code: 'um_gb', name: 'GB', aggregation: 'max', field: 'gb' }]) {
    expect((await t.call('POST', '/api/v1/meters', { key, body: m })).status).toBe(201);
  }
  const events = [
    { id: 'um-1', customer: 'UM-1', meter: 'um_calls', timestamp: '2025-05-01T00:30:00+09:00', properties: {} },
    { id: 'um-2', customer: 'UM-1', meter: 'um_calls', timestamp: '2025-05-19T10:00:00+09:00', properties: {} },
    { id: 'um-3', customer: 'UM-1', meter: 'um_gb', timestamp: '2025-05-10T10:00:00+09:00', properties: { gb: '12.5' } },
    // 30 April 23:30 KST is April in the tenant's zone, though it is 14:30 UTC the same day.
    { id: 'um-4', customer: 'UM-1', meter: 'um_calls', timestamp: '2025-04-30T23:30:00+09:00', properties: {} },
  ];
  expect((await t.call('POST', '/api/v1/events', { key, body: { events } })).body.accepted).toBe(4);
});
afterAll(async () => { await t?.close(); });

describe('monthly usage', () => {
  it('counts the current month without any rollup, and agrees with the usage table', async () => {
    const m = await t.call('GET', `/api/v1/customers/${customerId}/usage/monthly`, { key });
    expect(m.status).toBe(200);
    expect(m.body.months.map((x: any) => x.month)).toEqual(['2025-03', '2025-04', '2025-05']);
    const may = Object.fromEntries(m.body.months[2].meters.map((x: any) => [x.meter, x.value]));
    expect(may).toEqual({ um_calls: '2', um_gb: '12.5' });
    const april = Object.fromEntries(m.body.months[1].meters.map((x: any) => [x.meter, x.value]));
    expect(april.um_calls).toBe('1');
    const table = await t.call('GET', `/api/v1/customers/${customerId}/usage`, { key });
    expect(m.body.months[2].meters).toEqual(table.body.meters);
  });
});
