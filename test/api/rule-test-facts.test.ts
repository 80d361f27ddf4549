/**
 * Issue 9: the rule test rated a hand-picked plan with usage 0. It now starts from the customer's
 * real month: GET /rating/customers/{id}/facts gives the subscriptions active in the period (plan
 * and quantities of the phase in effect, coupons, cycle) and the usage so far per meter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

// 2026-03-20 12:00 KST; the demo tenant is in Asia/Seoul.
const NOW = new Date('2026-03-20T03:00:00Z');
let t: TestApp;
let customerId: string;
const key = DEMO_KEY;
const plan = {
  code: 'rt-api', name: 'RT API', currency: 'KRW', interval: 'month',
  components: [
    { code: 'base', type: 'flat', amount: '10000' },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '1000' } },
    { code: 'calls', type: 'usage', meter: 'rt_calls', pricing: { model: 'standard', unitAmount: '1' } },
  ],
};

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  expect((await t.call('POST', '/api/v1/meters', { key, body: { code: 'rt_calls', name: 'Calls', aggregation: 'count' } })).status).toBe(201);
  expect((await t.call('POST', '/api/v1/plans', { key, body: { document: plan } })).status).toBe(201);
  expect((await t.call('POST', '/api/v1/plans/rt-api/publish', { key, body: { effectiveFrom: '2026-01-01' } })).status).toBe(200);
  customerId = (await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'RT-1', type: 'individual', name: '룰테스트', country: 'KR', currency: 'KRW' } })).body.id;
  const order = await t.call('POST', '/api/v1/orders', { key, body: { customerId, items: [{ planCode: 'rt-api', quantities: { seats: '4' }, coupons: ['SPRING'] }] } });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  await t.call('POST', `/api/v1/orders/${order.body.id}/status`, { key, body: { status: 'in_progress' } });
  const done = await t.call('POST', `/api/v1/orders/${order.body.id}/status`, { key, body: { status: 'completed', billingStartDate: '2026-02-10' } });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  const events = ['03-02', '03-05', '03-19'].map((d, i) => ({ id: `rt-${i}`, customer: 'RT-1', meter: 'rt_calls', timestamp: `2026-${d}T09:00:00+09:00`, properties: {} }));
  events.push({ id: 'rt-feb', customer: 'RT-1', meter: 'rt_calls', timestamp: '2026-02-27T09:00:00+09:00', properties: {} });
  expect((await t.call('POST', '/api/v1/events', { key, body: { events } })).body.accepted).toBe(4);
});
afterAll(async () => { await t?.close(); });

describe('the fact set of a stored customer for the rule test', () => {
  it('gives this month\'s subscription, quantities, coupons and usage so far, for a marketer', async () => {
    const cookie = await t.login('marketer@demo.billwise.dev');
    const r = await t.call('GET', `/api/v1/rating/customers/${customerId}/facts`, { cookie });
    expect(r.status).toBe(200);
    expect(r.body.period).toEqual({ start: '2026-03-01', end: '2026-04-01' });
    expect(r.body.customer).toMatchObject({ id: 'RT-1', type: 'individual', country: 'KR' });
    expect(r.body.subscriptions).toEqual([expect.objectContaining({ planCode: 'rt-api', quantities: { seats: '4' }, coupons: ['SPRING'], startDate: '2026-02-10', cycleIndex: 1 })]);
    expect(r.body.usage.rt_calls).toMatchObject({ value: '3', events: 3 });
  });

  it('takes another month, and those usage facts rate through the preview', async () => {
    const r = await t.call('GET', `/api/v1/rating/customers/${customerId}/facts?month=2026-02`, { key });
    expect(r.body.usage.rt_calls.value).toBe('1');
    const s = r.body.subscriptions[0];
    const p = await t.call('POST', '/api/v1/rating/preview', { key, body: {
      customer: r.body.customer, period: r.body.period,
      subscriptions: [{ planCode: s.planCode, startDate: s.startDate, cycleIndex: s.cycleIndex, quantities: s.quantities, usage: { rt_calls: r.body.usage.rt_calls.value } }],
    } });
    expect(p.status).toBe(200);
    expect(p.body.lines.find((l: any) => l.component === 'calls').amount).toBe('1');
  });

  it('refuses a bad month at the field, and an unknown customer with 404', async () => {
    expect((await t.call('GET', `/api/v1/rating/customers/${customerId}/facts?month=2026-13`, { key })).body.issues[0].path).toBe('query.month');
    expect((await t.call('GET', '/api/v1/rating/customers/00000000-0000-4000-8000-000000000000/facts', { key })).status).toBe(404);
  });
});
