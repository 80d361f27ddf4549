/**
 * Decimals in plans, rules, subscriptions and previews are limited to 15 digits before the point
 * and 12 after: a 100-digit "percent" or amount is a 422 naming the field when it is saved, so it
 * can never reach a bill run (QA: one such rule made every bill run of the tenant fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
const huge = '9'.repeat(100);
const post = (path: string, body: unknown) => t.call('POST', `/api/v1${path}`, { key: DEMO_KEY, body });
const plan = (amount: string) => ({ code: 'nl-plan', name: 'NL', currency: 'KRW', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }] });

beforeAll(async () => { t = await makeTestApp({ demoData: true }); }, 120_000);
afterAll(async () => t?.close());

describe('decimal limits', () => {
  it('plans: a 16-digit or 100-digit amount is a 422 at its path; 15 digits with 12 decimals is fine', async () => {
    for (const amount of [huge, '1234567890123456', '1.1234567890123']) {
      const r = await post('/plans', { document: plan(amount) });
      expect(r.status, amount).toBe(422);
      expect(r.body.issues.map((i: { path: string }) => i.path), amount).toContain('document.components[0].amount');
    }
    expect((await post('/plans', { document: plan('123456789012345.123456789012') })).status).toBe(201);
  });

  it('rules: a 100-digit percent is a 422, also through the catalog import', async () => {
    const rule = { id: 'nl-rule', name: 'NL', kind: 'discount', priority: 1, conditions: { all: [] }, event: { type: 'discount', params: { percent: huge } } };
    const r = await post('/rules', { document: rule });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toContain('document.event.params.percent');
    const imp = await post('/catalog/import', { plans: [], rules: [rule], publish: true, effectiveFrom: '2026-01-01' });
    expect(imp.status).toBe(422);
  });

  it('subscriptions: 100-digit quantities are a 422 and change nothing', async () => {
    const subs = await t.call('GET', '/api/v1/subscriptions?status=active&limit=1', { key: DEMO_KEY });
    const sub = subs.body.data[0];
    const r = await post(`/subscriptions/${sub.id}/quantities`, { quantities: { seats: huge } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('quantities.seats');
    expect((await t.call('GET', `/api/v1/subscriptions/${sub.id}`, { key: DEMO_KEY })).body.phases).toEqual(sub.phases);
  });

  it('preview: 65 digits is a 422, never a 500 or a total that differs from its lines', async () => {
    const r = await post('/rating/preview', {
      currency: 'KRW', customer: { type: 'corporate' }, period: { start: '2026-10-01', end: '2026-11-01' }, rules: [],
      subscriptions: [{ plan: plan('9'.repeat(65)), startDate: '2026-10-01', cycleIndex: 1 }],
    });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('subscriptions[0].plan.components[0].amount');
  });
});

describe('currency codes', () => {
  it('are ISO 4217 codes the runtime knows, on the tenant, customers, plans and previews', async () => {
    const tenant = await t.call('PATCH', '/api/v1/tenant', { key: DEMO_KEY, body: { currency: 'XYZ' } });
    expect(tenant.status).toBe(422);
    expect(tenant.body.issues[0].path).toBe('currency');
    const cust = await post('/customers', { externalId: 'NL-1', type: 'individual', name: 'NL', currency: 'NaN' });
    expect(cust.status).toBe(422);
    expect(cust.body.issues.map((i: { path: string }) => i.path)).toContain('currency');
    const p = await post('/plans', { document: { ...plan('1000'), currency: 'XYZ' } });
    expect(p.status).toBe(422);
    expect(p.body.issues.map((i: { path: string }) => i.path)).toContain('document.currency');
    const pv = await post('/rating/preview', { currency: 'XYZ', customer: { type: 'corporate' }, period: { start: '2026-10-01', end: '2026-11-01' }, rules: [], subscriptions: [] });
    expect(pv.status).toBe(422);
    expect((await t.call('PATCH', '/api/v1/tenant', { key: DEMO_KEY, body: { currency: 'JPY' } })).status).toBe(200);
  });
});
