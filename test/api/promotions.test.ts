import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { promotionUsageFor, recordRedemptions } from '../../server/promotions/ledger';
import { resolvePresentedCodes } from '../../server/promotions/coupons';
import type { RuleDoc } from '../../server/rules/schema';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const coupon = {
  id: 'spring-coupon', name: 'Spring 15%', kind: 'coupon', priority: 20, conditions: { all: [] },
  event: { type: 'coupon', params: { code: 'SPRING15', percent: '15', maxRedemptions: 100, perCustomer: 1 } },
};
const promo = {
  id: 'summer-promo', name: 'Summer', kind: 'promotion', priority: 20, validFrom: '2025-06-01', validTo: '2025-08-31', conditions: { all: [] },
  event: { type: 'promotion', params: { percent: '10', budget: '100.00', maxRedemptions: 3, perCustomer: 1 } },
};

describe('coupon codes', () => {
  it('generates a batch of unique codes for a coupon rule and lists them', async () => {
    expect((await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: coupon } })).status).toBe(201);
    await t.call('POST', '/api/v1/rules/spring-coupon/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-01-01' } });
    const r = await t.call('POST', '/api/v1/rules/spring-coupon/coupon-codes', { key: DEMO_KEY, body: { count: 25, prefix: 'SPR-', length: 8 } });
    expect(r.status).toBe(201);
    expect(r.body.data).toHaveLength(25);
    const codes = r.body.data.map((c: any) => c.code);
    expect(new Set(codes).size).toBe(25);
    for (const c of codes) expect(c).toMatch(/^SPR-[A-HJ-NP-Z2-9]{8}$/);
    const list = await t.call('GET', '/api/v1/rules/spring-coupon/coupon-codes', { key: DEMO_KEY });
    expect(list.body.data).toHaveLength(25);
  });

  it('refuses codes that exist already, naming them, and codes for a non-coupon rule', async () => {
    const first = (await t.call('GET', '/api/v1/rules/spring-coupon/coupon-codes', { key: DEMO_KEY })).body.data[0].code;
    const r = await t.call('POST', '/api/v1/rules/spring-coupon/coupon-codes', { key: DEMO_KEY, body: { codes: ['FRESH-1', first] } });
    expect(r.status).toBe(409);
    expect(r.body.issues[0].path).toBe('codes[1]');
    await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: promo } });
    const p = await t.call('POST', '/api/v1/rules/summer-promo/coupon-codes', { key: DEMO_KEY, body: { count: 1 } });
    expect(p.status).toBe(422);
  });

  it('maps a presented generated code to its campaign code until it is used up', async () => {
    const [code] = (await t.call('GET', '/api/v1/rules/spring-coupon/coupon-codes', { key: DEMO_KEY })).body.data;
    const r1 = await resolvePresentedCodes(t.handle.db, t.demoTenantId, [code.code.toLowerCase(), 'PLAIN'], '2025-05-01');
    expect(r1.codes.sort()).toEqual(['PLAIN', 'SPRING15']);
    expect(r1.byRule.get('spring-coupon')).toBe(code.code);
    await t.handle.db.transaction((tx) => recordRedemptions(tx, {
      tenantId: t.demoTenantId, invoiceId: randomUUID(), customerId: randomUUID(), currency: 'KRW', periodStart: '2025-05-01',
      redemptions: [{ rule: 'spring-coupon', amount: '1500' }], presentedCodes: r1.byRule,
    }));
    const r2 = await resolvePresentedCodes(t.handle.db, t.demoTenantId, [code.code], '2025-06-01');
    expect(r2.codes).toEqual([]);
    expect(r2.rejected).toEqual([{ code: code.code, reason: 'already used up', why: 'used_up' }]);
  });
});

describe('promotion ledger', () => {
  it('counts budgets and redemptions once per invoice, however often a run repeats', async () => {
    const customer = randomUUID();
    const invoice = randomUUID();
    const rec = () => t.handle.db.transaction((tx) => recordRedemptions(tx, {
      tenantId: t.demoTenantId, invoiceId: invoice, customerId: customer, currency: 'KRW', periodStart: '2025-06-01',
      redemptions: [{ rule: 'summer-promo', amount: '30.00' }],
    }));
    expect(await rec()).toBe(1);
    expect(await rec()).toBe(0);
    const usage = await promotionUsageFor(t.handle.db, t.demoTenantId, [promo as RuleDoc], customer);
    expect(usage['summer-promo']).toEqual({ remainingBudget: '70', redemptions: 1, customerRedemptions: 1 });
    const other = await promotionUsageFor(t.handle.db, t.demoTenantId, [promo as RuleDoc], randomUUID());
    expect(other['summer-promo'].customerRedemptions).toBe(0);
  });

  it('keeps every digit of a 27-digit budget (the configured Decimal, not decimal.js at precision 20)', async () => {
    const big = { ...promo, id: 'big-budget', event: { type: 'promotion', params: { percent: '10', budget: '100000000000000.000000000001' } } };
    await t.handle.db.transaction((tx) => recordRedemptions(tx, {
      tenantId: t.demoTenantId, invoiceId: randomUUID(), customerId: randomUUID(), currency: 'USD', periodStart: '2025-06-01',
      redemptions: [{ rule: 'big-budget', amount: '0.5' }],
    }));
    const usage = await promotionUsageFor(t.handle.db, t.demoTenantId, [big as RuleDoc], null);
    expect(usage['big-budget'].remainingBudget).toBe('99999999999999.500000000001');
  });

  it('reports what a promotion cost per month', async () => {
    const r = await t.call('GET', '/api/v1/rules/summer-promo/redemptions', { key: DEMO_KEY });
    expect(r.status).toBe(200);
    expect(r.body.byMonth).toEqual([{ month: '2025-06', currency: 'KRW', redemptions: 1, amount: '30', customers: 1 }]); // KRW: whole won, not the column's 15 padding zeros
  });

  it('keeps another tenant\'s coupon codes out of reach', async () => {
    const other = await t.otherTenant('coupon-iso');
    const r = await t.call('GET', '/api/v1/rules/spring-coupon/coupon-codes', { key: other.key });
    expect(r.status).toBe(404);
  });
});
