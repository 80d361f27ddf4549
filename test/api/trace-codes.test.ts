/**
 * Trace entries carry a stable reason code and its parameters (server/rating/reasons.ts), so the
 * console words them in Korean or English; the English `reason` text stays as it was. Proven on
 * the rating preview (discount, tax, an absent coupon, conditions not met, a hidden coupon code)
 * and on stored invoice traces (the function GET /invoices/{id} answers them through); every template reads back into its own code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, makeTestApp, type TestApp } from '../support/app';
import { REASON_CODES, REASON_TEMPLATES, reasonOf, reasonText } from '../../server/rating/reasons';
import { REASON, gate } from '../../server/rating/policy';
import { traceOut } from '../../server/invoices/invoices';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 300_000);
afterAll(async () => t?.close());

const plan = { code: 'tc-basic', name: 'TC Basic', currency: 'USD', interval: 'month', intervalCount: 1,
  components: [{ code: 'base', type: 'flat', amount: '20.00' }] };
const corp10 = { id: 'corp-10', name: 'Corporate 10%', kind: 'discount', priority: 10,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'discount', params: { percent: '10', target: { components: ['base'] } } } };
const vat = { id: 'vat', name: 'VAT 10%', kind: 'tax', priority: 1,
  conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] },
  event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };
const coupon = { id: 'spring', name: 'Spring coupon', kind: 'coupon', priority: 20,
  conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] },
  event: { type: 'coupon', params: { code: 'SPRING-5', amount: '5.00' } } };
const body = (type: string) => ({
  currency: 'USD',
  customer: { type, country: 'KR', tags: [], attributes: {} },
  period: { start: '2025-05-01', end: '2025-06-01' },
  subscriptions: [{ plan, startDate: '2024-05-01', cycleIndex: 2, quantities: {}, usage: {}, coupons: [] }],
  rules: [corp10, vat, coupon],
});

describe('trace reason codes', () => {
  it('every template reads back into its own code and parameters', () => {
    for (const code of REASON_CODES) {
      const params = Object.fromEntries([...REASON_TEMPLATES[code].matchAll(/\{(\w+)\}/g)].map((m) => [m[1], `v-${m[1]}`]));
      expect(reasonOf(reasonText(code, params)), code).toEqual({ code, params });
    }
    expect(reasonOf('')).toEqual({ code: '', params: {} });
    expect(reasonOf('something new')).toEqual({ code: 'other', params: { text: 'something new' } });
    // The raters' texts come from the same table.
    expect(reasonOf(REASON.tookOff('19,610'))).toEqual({ code: 'tookOff', params: { amount: '19,610' } });
    expect(reasonOf(REASON.earns('120'))).toEqual({ code: 'earns', params: { points: '120' } });
    const blocked = gate({ currency: 'KRW', period: { start: '2026-01-01', end: '2026-02-01' }, redemptions: { redeemed: new Set(), exhausted: () => false } } as never,
      { doc: { validTo: '2025-12-31' } } as never, { index: 0, cycleIndex: 1, coupons: [] });
    expect(reasonOf(blocked!)).toEqual({ code: 'validUntil', params: { date: '2025-12-31' } });
  });

  it('the preview names discount, tax, absent coupon and unmet conditions by code, keeping the text', async () => {
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: body('corporate') });
    expect(r.status).toBe(200);
    const by = (id: string) => r.body.trace.find((x: { rule: string }) => x.rule === id);
    expect(by('corp-10')).toMatchObject({ code: 'tookOff', params: { amount: '2.00' }, reason: 'took off 2.00' });
    expect(by('vat')).toMatchObject({ code: 'taxes', params: { tax: 'VAT' }, reason: 'taxes VAT' });
    expect(by('spring')).toMatchObject({ code: 'couponAbsent', params: { code: 'SPRING-5' } });

    const ind = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: body('individual') });
    expect(ind.body.trace.find((x: { rule: string }) => x.rule === 'corp-10')).toMatchObject({ code: 'notMet', params: {}, fired: false });
  });

  it('a reader without rules:read gets the coupon code hidden in the parameters too', async () => {
    const g = await t.call('POST', '/api/v1/groups', { key: DEMO_KEY, body: { code: 'plans-only', name: 'plans only', permissions: ['catalog:read'] } });
    expect(g.status).toBe(201);
    const k = await t.call('POST', '/api/v1/api-keys', { key: DEMO_KEY, body: { name: 'plans-only', groupId: g.body.id } });
    const r = await t.call('POST', '/api/v1/rating/preview', { key: k.body.key, body: body('corporate') });
    expect(r.status).toBe(200);
    expect(r.body.trace.find((x: { rule: string }) => x.rule === 'spring')).toMatchObject({ code: 'couponAbsent', params: { code: '(hidden)' } });
    expect(JSON.stringify(r.body)).not.toContain('SPRING-5');
  });

  it('stored invoice traces (written before codes existed) answer with codes', () => {
    const stored = [
      { rule: 'kr-vat', kind: 'tax', version: 1, subscription: 0, fired: true, applied: true, reason: 'taxes VAT' },
      { rule: 'welcome', kind: 'coupon', version: 2, subscription: 0, fired: true, applied: false, reason: 'coupon WELCOME10 not presented' },
      { rule: 'old', kind: 'discount', version: 1, subscription: 0, fired: false, applied: false, reason: 'conditions not met' },
    ];
    expect(traceOut(stored)).toEqual([
      { ...stored[0], code: 'taxes', params: { tax: 'VAT' } },
      { ...stored[1], code: 'couponAbsent', params: { code: 'WELCOME10' } },
      { ...stored[2], code: 'notMet', params: {} },
    ]);
  });
});
