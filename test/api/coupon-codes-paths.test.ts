/**
 * Issue 9: a generated (batch) coupon code is resolved by the one function billing uses, also in
 * the rating preview and the rule test (which sends the tenant's rules plus the rule under test
 * inline). Before, the preview passed the generated code through untouched and the coupon's trace
 * said "coupon WELCOME10 not presented".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const welcome = {
  id: 'welcome-coupon', name: 'Welcome 10%', kind: 'coupon', priority: 20, conditions: { all: [] },
  event: { type: 'coupon', params: { code: 'WELCOME10', percent: '10' } },
};
const plan = { code: 'p-basic', name: 'Basic', currency: 'KRW', interval: 'month', components: [{ code: 'base', type: 'flat', amount: '10000' }] };
const preview = (body: Record<string, unknown>) => t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: {
  currency: 'KRW', customer: { type: 'corporate', country: 'KR' }, period: { start: '2026-03-01', end: '2026-04-01' }, ...body,
} });

describe('presented coupon codes: one path for billing, preview and rule test', () => {
  let code = '';
  let expired = '';
  beforeAll(async () => {
    expect((await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: welcome } })).status).toBe(201);
    expect((await t.call('POST', '/api/v1/rules/welcome-coupon/publish', { key: DEMO_KEY, body: { effectiveFrom: '2026-01-01' } })).status).toBe(200);
    const r = await t.call('POST', '/api/v1/rules/welcome-coupon/coupon-codes', { key: DEMO_KEY, body: { count: 1, prefix: 'WEL-' } });
    code = r.body.data[0].code;
    const e = await t.call('POST', '/api/v1/rules/welcome-coupon/coupon-codes', { key: DEMO_KEY, body: { codes: ['OLD-WELCOME'], expiresOn: '2026-02-01' } });
    expired = e.body.data[0].code;
  });

  it('the preview with the tenant\'s rules applies the coupon for a generated code', async () => {
    const r = await preview({ subscriptions: [{ plan, startDate: '2026-03-01', coupons: [code.toLowerCase()] }] });
    expect(r.status).toBe(200);
    expect(r.body.discountTotal).toBe('1000');
    expect(r.body.lines.find((l: any) => l.rule === 'welcome-coupon')?.amount).toBe('-1000');
    expect(r.body.rejectedCoupons).toBeUndefined();
  });

  it('the rule test (inline rules, the rule under test as a draft) fires the coupon for a generated code', async () => {
    const draft = { ...welcome, event: { type: 'coupon', params: { code: 'WELCOME10', percent: '20' } } };
    const r = await preview({ subscriptions: [{ plan, startDate: '2026-03-01', coupons: [code] }], rules: [draft], coupons: [code] });
    expect(r.status).toBe(200);
    const mine = r.body.trace.find((x: any) => x.rule === 'welcome-coupon');
    expect(mine).toMatchObject({ fired: true, applied: true });
    expect(r.body.discountTotal).toBe('2000');
  });

  it('an expired generated code is not applied and is reported with its reason', async () => {
    const r = await preview({ subscriptions: [{ plan, startDate: '2026-03-01' }], coupons: [expired] });
    expect(r.status).toBe(200);
    expect(r.body.discountTotal).toBe('0');
    expect(r.body.rejectedCoupons).toEqual([{ code: 'OLD-WELCOME', reason: 'expired on 2026-02-01', why: 'expired', expiresOn: '2026-02-01' }]);
  });
});
