import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const basePlan = { code: 'api-basic', name: 'API Basic', currency: 'USD', interval: 'month', intervalCount: 1,
  components: [{ code: 'base', type: 'flat', amount: '20.00' }] };
const corp10 = { id: 'corp-10', name: 'Corporate 10% off the base fee', kind: 'discount', priority: 10,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'discount', params: { percent: '10', target: { components: ['base'] } } } };
const vat = { id: 'kr-vat', name: 'VAT 10%', kind: 'tax', priority: 1,
  conditions: { all: [{ fact: 'plan.currency', operator: 'in', value: ['USD', 'KRW'] }] },
  event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };
const request = (over: Record<string, unknown> = {}) => ({
  currency: 'USD', rounding: 'half_up',
  customer: { type: 'corporate', country: 'KR', segment: 'smb', tags: [], attributes: {} },
  period: { start: '2025-05-01', end: '2025-06-01' },
  subscriptions: [{ plan: basePlan, startDate: '2025-05-01', endDate: null, cycleIndex: 1, quantities: {}, usage: {}, coupons: [] }],
  rules: [corp10, vat],
  ...over,
});

describe('POST /api/v1/rating/preview', () => {
  it('rates the spec example: 20.00 base, corp-10 discount, VAT → 19.80, each line naming its rule', async () => {
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ currency: 'USD', subtotal: '20.00', discountTotal: '2.00', taxTotal: '1.80', total: '19.80', amountDue: '19.80' });
    expect(r.body.lines).toEqual(expect.arrayContaining([
      expect.objectContaining({ subscription: 0, component: 'base', kind: 'charge', amount: '20.00' }),
      expect.objectContaining({ kind: 'discount', rule: 'corp-10', amount: '-2.00' }),
      expect.objectContaining({ kind: 'tax', rule: 'kr-vat', amount: '1.80' }),
    ]));
    expect(r.body.trace.find((x: any) => x.rule === 'corp-10').fired).toBe(true);
  });

  it('does not fire the corporate discount for an individual, and the trace says so', async () => {
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request({ customer: { type: 'individual' } }) });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe('22.00');
    expect(r.body.trace.find((x: any) => x.rule === 'corp-10').fired).toBe(false);
  });

  it('uses the tenant\'s published plans and rules when none are given inline', async () => {
    await t.call('POST', '/api/v1/plans', { key: DEMO_KEY, body: { document: basePlan } });
    await t.call('POST', '/api/v1/plans/api-basic/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-01-01' } });
    await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: corp10 } });
    await t.call('POST', '/api/v1/rules/corp-10/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-01-01' } });
    const body = request({ subscriptions: [{ planCode: 'api-basic', startDate: '2025-05-01', cycleIndex: 1 }] }) as any;
    delete body.rules;
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body });
    expect(r.status).toBe(200);
    // The demo tenant's own published rules apply (corp-10 here, plus whatever the demo pack publishes).
    expect(r.body.lines.some((l: any) => l.rule === 'corp-10')).toBe(true);
  });

  it('answers bad input with a 422 listing every problem by JSON path, never a 500', async () => {
    const bad = request({
      period: { start: '2025-05-01', end: 'soon' },
      subscriptions: [{ plan: { ...basePlan, components: [{ code: 'x', type: 'usage', meter: 'm', pricing: { model: 'graduated', tiers: [
        { upTo: '10', unitAmount: '1' }, { upTo: '5', unitAmount: '1' }, { upTo: null, unitAmount: '1' }] } }] }, startDate: '2025-05-01' }],
    });
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: bad });
    expect(r.status).toBe(422);
    const paths = r.body.issues.map((i: any) => i.path);
    expect(paths).toContain('period.end');
    expect(paths).toContain('subscriptions[0].plan.components[0].pricing.tiers[1].upTo');
  });

  it('names an unknown plan code at its path', async () => {
    const body = request({ subscriptions: [{ planCode: 'no-such-plan', startDate: '2025-05-01' }] });
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('subscriptions[0].planCode');
  });

  it('serves the fact catalog with operators per type', async () => {
    const r = await t.call('GET', '/api/v1/rules/facts', { key: DEMO_KEY });
    expect(r.status).toBe(200);
    const type = r.body.data.find((f: any) => f.name === 'customer.type');
    expect(type.allowedValues).toEqual(['individual', 'corporate', 'public', 'foreigner']);
    expect(type.operators).not.toContain('greaterThan');
    expect(r.body.data.find((f: any) => f.name === 'customer.tags').operators).toEqual(['contains', 'doesNotContain']);
  });
});

describe('POST /api/v1/rating/preview: who may, and what they see', () => {
  let other: { tenantId: string; key: string };
  const keyWith = async (code: string, permissions: string[]) => {
    const g = await t.call('POST', '/api/v1/groups', { key: other.key, body: { code, name: code, permissions } });
    expect(g.status).toBe(201);
    const k = await t.call('POST', '/api/v1/api-keys', { key: other.key, body: { name: code, groupId: g.body.id } });
    expect(k.status).toBe(201);
    return k.body.key as string;
  };
  const spring = { id: 'spring-coupon', name: 'Spring coupon', kind: 'coupon', priority: 20, conditions: { all: [] },
    event: { type: 'coupon', params: { code: 'SPRING-SECRET', percent: '15' } } };
  const vip = { id: 'vip-extra', name: 'VIP extra', kind: 'discount', priority: 30,
    conditions: { all: [{ fact: 'coupons', operator: 'contains', value: 'VIP-CODE' }] },
    event: { type: 'discount', params: { percent: '5' } } };
  const body = { currency: 'USD', period: { start: '2025-05-01', end: '2025-06-01' }, coupons: ['SPRING-SECRET'],
    subscriptions: [{ planCode: 'api-basic', startDate: '2025-05-01', cycleIndex: 1 }] };

  beforeAll(async () => {
    other = await t.otherTenant('preview-access');
    await t.call('POST', '/api/v1/plans', { key: other.key, body: { document: basePlan } });
    await t.call('POST', '/api/v1/plans/api-basic/publish', { key: other.key, body: { effectiveFrom: '2025-01-01' } });
    for (const rule of [spring, vip]) {
      expect((await t.call('POST', '/api/v1/rules', { key: other.key, body: { document: rule } })).status).toBe(201);
      await t.call('POST', `/api/v1/rules/${rule.id}/publish`, { key: other.key, body: { effectiveFrom: '2025-01-01' } });
    }
  });

  it('refuses a key without catalog:read with a 403', async () => {
    const none = await keyWith('nothing', []);
    const r = await t.call('POST', '/api/v1/rating/preview', { key: none, body });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
  });

  it('shows coupon codes to a rules reader: in the trace reasons, facts and conditions', async () => {
    const reader = await keyWith('rules-reader', ['catalog:read', 'rules:read']);
    const r = await t.call('POST', '/api/v1/rating/preview', { key: reader, body });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe('17.00');
    const text = JSON.stringify(r.body);
    expect(text).toContain('SPRING-SECRET');
    expect(text).toContain('VIP-CODE');
  });

  it('hides every coupon code from a plan reader without rules:read, amounts unchanged', async () => {
    const planReader = await keyWith('plans-only', ['catalog:read']);
    const r = await t.call('POST', '/api/v1/rating/preview', { key: planReader, body });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe('17.00');
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('SPRING-SECRET');
    expect(text).not.toContain('VIP-CODE');
    const vipTrace = r.body.trace.find((x: any) => x.rule === 'vip-extra');
    expect(vipTrace.fired).toBe(false);
    expect(vipTrace.facts.coupons).toBe('(hidden)');
  });
});
