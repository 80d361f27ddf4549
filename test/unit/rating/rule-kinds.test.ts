import { describe, expect, it } from 'vitest';
import { rate } from '../../../server/rating/rate';
import { input, plan, rule } from './helpers';

const hundred = plan([{ code: 'base', type: 'flat', amount: '100.00' }]);
const lines = (r: ReturnType<typeof rate>, kind: string) => r.lines.filter((l) => l.kind === kind).map((l) => `${l.rule ?? l.component}:${l.amount}`);
const traceOf = (r: ReturnType<typeof rate>, id: string) => r.trace.find((t) => t.rule === id)!;

describe('discount', () => {
  it('two 10% discounts on $100 → $81 (each on what remains)', () => {
    const r = rate(input([{ plan: hundred }]), { rules: [rule('a', 'discount', { percent: '10' }, { priority: 2 }), rule('b', 'discount', { percent: '10' })] });
    expect(lines(r, 'discount')).toEqual(['a:-10.00', 'b:-9.00']);
    expect(r.total).toBe('81.00');
  });
  it('ties in priority are broken by id', () => {
    const r = rate(input([{ plan: hundred }]), { rules: [rule('z', 'discount', { amount: '1.00' }), rule('a', 'discount', { percent: '50' })] });
    expect(lines(r, 'discount')).toEqual(['a:-50.00', 'z:-1.00']);
  });
  it('a fixed amount is spread in proportion and adds up exactly (remainder to the largest fraction)', () => {
    const p = plan([
      { code: 'a', type: 'flat', amount: '20.00' },
      { code: 'b', type: 'flat', amount: '10.00' },
      { code: 'c', type: 'flat', amount: '3.33' },
    ]);
    const r = rate(input([{ plan: p }]), { rules: [rule('ten', 'discount', { amount: '10.00' })] });
    expect(r.lines.filter((l) => l.kind === 'discount').map((l) => l.amount)).toEqual(['-6.00', '-3.00', '-1.00']);
    expect(r.discountTotal).toBe('10.00');
  });
  it('targets components or plans, caps at maxAmount and never goes below zero', () => {
    const p = plan([
      { code: 'base', type: 'flat', amount: '20.00' },
      { code: 'extra', type: 'flat', amount: '30.00' },
    ]);
    const r = rate(input([{ plan: p }]), {
      rules: [rule('half-base', 'discount', { percent: '50', target: { components: ['base'] }, maxAmount: '4.00' }, { priority: 3 }), rule('huge', 'discount', { amount: '500.00', target: { plans: ['p'] } })],
    });
    expect(lines(r, 'discount')).toEqual(['half-base:-4.00', 'huge:-16.00', 'huge:-30.00']);
    expect(r.total).toBe('0.00');
  });
  it('cycles: applies while cycleIndex ≤ cycles; otherwise fired but not applied', () => {
    const rules = [rule('first3', 'discount', { percent: '10', cycles: 3 })];
    expect(rate(input([{ plan: hundred, cycleIndex: 3 }]), { rules }).total).toBe('90.00');
    const r = rate(input([{ plan: hundred, cycleIndex: 4 }]), { rules });
    expect(r.total).toBe('100.00');
    expect(traceOf(r, 'first3')).toMatchObject({ fired: true, applied: false, reason: expect.stringContaining('cycle 4') });
  });
  it('exclusive group: only the first firing rule in priority order applies', () => {
    const r = rate(input([{ plan: hundred }]), {
      rules: [rule('big', 'discount', { percent: '20' }, { priority: 5, exclusiveGroup: 'g' }), rule('small', 'discount', { percent: '5' }, { priority: 9, exclusiveGroup: 'g' })],
    });
    expect(lines(r, 'discount')).toEqual(['small:-5.00']);
    expect(traceOf(r, 'big')).toMatchObject({ fired: true, applied: false, reason: 'exclusive group "g" already applied' });
  });
  it('validFrom / validTo are compared to the period start', () => {
    const rules = [rule('may', 'discount', { percent: '10' }, { validFrom: '2025-05-01', validTo: '2025-05-31' })];
    expect(rate(input([{ plan: hundred }]), { rules }).total).toBe('90.00');
    expect(rate(input([{ plan: hundred }], { period: { start: '2025-06-01', end: '2025-07-01' } }), { rules }).total).toBe('100.00');
  });
  it('does not discount the minimum true-up line', () => {
    const p = plan([{ code: 'base', type: 'flat', amount: '30.00' }], { minimumAmount: '100.00' });
    const r = rate(input([{ plan: p }]), { rules: [rule('half', 'discount', { percent: '50' })] });
    expect(r.lines.map((l) => `${l.kind}:${l.amount}`)).toEqual(['charge:30.00', 'discount:-15.00', 'minimum:70.00']);
    expect(r.total).toBe('85.00');
  });
  it('invoice-level discounts act once over all subscriptions after the subscription discounts', () => {
    const r = rate(input([{ plan: hundred }, { plan: plan([{ code: 'base', type: 'flat', amount: '50.00' }]) }]), {
      rules: [rule('inv', 'discount', { amount: '15.00', target: 'invoice' }, { priority: 50 }), rule('sub', 'discount', { percent: '10' })],
    });
    expect(r.lines.filter((l) => l.kind === 'discount').map((l) => `${l.subscription}:${l.rule}:${l.amount}`)).toEqual(['0:sub:-10.00', '0:inv:-10.00', '1:sub:-5.00', '1:inv:-5.00']);
    expect(r.total).toBe('120.00');
  });
});

describe('coupon', () => {
  const rules = [rule('welcome', 'coupon', { code: 'WELCOME10', percent: '10', maxRedemptions: 2, perCustomer: 1 })];
  it('applies only when its code is presented on the invoice or the subscription', () => {
    expect(rate(input([{ plan: hundred }]), { rules }).total).toBe('100.00');
    expect(traceOf(rate(input([{ plan: hundred }]), { rules }), 'welcome')).toMatchObject({ fired: true, applied: false, reason: 'coupon WELCOME10 not presented' });
    expect(rate(input([{ plan: hundred }], { coupons: ['WELCOME10'] }), { rules }).total).toBe('90.00');
    expect(rate(input([{ plan: hundred, coupons: ['WELCOME10'] }]), { rules }).total).toBe('90.00');
  });
  it('stops at maxRedemptions / perCustomer when stored billing passes usage', () => {
    const used = rate(input([{ plan: hundred }], { coupons: ['WELCOME10'], promotionUsage: { welcome: { redemptions: 2 } } }), { rules });
    expect(used.total).toBe('100.00');
    expect(traceOf(used, 'welcome').reason).toBe('all 2 redemptions used');
    const mine = rate(input([{ plan: hundred }], { coupons: ['WELCOME10'], promotionUsage: { welcome: { redemptions: 1, customerRedemptions: 1 } } }), { rules });
    expect(mine.total).toBe('100.00');
    const ok = rate(input([{ plan: hundred }], { coupons: ['WELCOME10'], promotionUsage: {} }), { rules });
    expect(ok.redemptions).toEqual([{ rule: 'welcome', amount: '10.00' }]);
  });
});

describe('promotion', () => {
  const rules = [rule('launch', 'promotion', { percent: '10', budget: '1000.00' }, { validFrom: '2025-05-01', validTo: '2025-06-30' })];
  it('the preview (no usage) ignores budgets', () => expect(rate(input([{ plan: hundred }]), { rules }).total).toBe('90.00'));
  it('a reduction is capped by the remaining budget and stops when it is exhausted', () => {
    expect(rate(input([{ plan: hundred }], { promotionUsage: { launch: { remainingBudget: '3.00' } } }), { rules }).total).toBe('97.00');
    const gone = rate(input([{ plan: hundred }], { promotionUsage: { launch: { remainingBudget: '0' } } }), { rules });
    expect(gone.total).toBe('100.00');
    expect(traceOf(gone, 'launch')).toMatchObject({ fired: true, applied: false, reason: 'budget exhausted' });
  });
  it('the budget is shared by the subscriptions of one invoice', () => {
    const r = rate(input([{ plan: hundred }, { plan: hundred }], { promotionUsage: { launch: { remainingBudget: '15.00' } } }), { rules });
    expect(lines(r, 'discount')).toEqual(['launch:-10.00', 'launch:-5.00']);
    expect(r.redemptions).toEqual([{ rule: 'launch', amount: '15.00' }]);
  });
  it('a free_units effect applies only if the remaining budget covers the whole reduction', () => {
    const p = plan([{ code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'standard', unitAmount: '1.00' } }]);
    const promo = [rule('free-calls', 'promotion', { effect: { type: 'free_units', meter: 'calls', units: 10 }, budget: '100.00' })];
    expect(rate(input([{ plan: p, usage: { calls: 25 } }]), { rules: promo }).total).toBe('15.00');
    expect(rate(input([{ plan: p, usage: { calls: 25 } }], { promotionUsage: { 'free-calls': { remainingBudget: '9.00' } } }), { rules: promo }).total).toBe('25.00');
  });
});

describe('free_units and price_override', () => {
  const p = plan([
    { code: 'api', type: 'usage', meter: 'api', pricing: { model: 'graduated', tiers: [{ upTo: 1000, unitAmount: '0.01' }, { upTo: null, unitAmount: '0.005' }] } },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '10.00' } },
  ]);
  it('free units come off before pricing, stacking over rules', () => {
    const r = rate(input([{ plan: p, usage: { api: 3000 }, quantities: { seats: 3 } }]), {
      rules: [rule('f1', 'free_units', { meter: 'api', units: 500 }), rule('f2', 'free_units', { meter: 'api', units: 500 }), rule('seat', 'free_units', { quantityKey: 'seats', units: 1 })],
    });
    expect(lines(r, 'charge')).toEqual(['api:15.00', 'seats:20.00']);
  });
  it('price_override replaces a component pricing; the first in priority order wins', () => {
    const r = rate(input([{ plan: p, usage: { api: 3000 }, quantities: { seats: 3 } }]), {
      rules: [
        rule('promo-price', 'price_override', { component: 'seats', pricing: { model: 'standard', unitAmount: '5.00' } }, { priority: 2 }),
        rule('other', 'price_override', { component: 'seats', pricing: { model: 'standard', unitAmount: '1.00' } }),
      ],
    });
    expect(lines(r, 'charge')).toEqual(['api:20.00', 'seats:15.00']);
    expect(traceOf(r, 'other')).toMatchObject({ fired: true, applied: false });
  });
});

describe('tax', () => {
  it('different tax names all apply without compounding: 6% + 2% on 100 → 8.00', () => {
    const r = rate(input([{ plan: hundred }]), { rules: [rule('state', 'tax', { rate: '6', name: 'State' }), rule('city', 'tax', { rate: '2', name: 'City' })] });
    expect(r.taxTotal).toBe('8.00');
    expect(r.lines.filter((l) => l.kind === 'tax')).toEqual([
      { kind: 'tax', rule: 'city', name: 'City', amount: '2.00' },
      { kind: 'tax', rule: 'state', name: 'State', amount: '6.00' },
    ]);
  });
  it('per name the first matching rule in priority order taxes a line', () => {
    const r = rate(input([{ plan: hundred }]), { rules: [rule('vat-exempt', 'tax', { rate: '0', name: 'VAT' }, { priority: 9 }), rule('vat', 'tax', { rate: '10', name: 'VAT' })] });
    expect(r.taxTotal).toBe('0.00');
    expect(traceOf(r, 'vat')).toMatchObject({ fired: true, applied: false });
  });
  it('is summed per name over the invoice and rounded once (3 × 10% of 0.05 = 0.015 → 0.02, not 0.03)', () => {
    const p = plan([
      { code: 'a', type: 'flat', amount: '0.05' },
      { code: 'b', type: 'flat', amount: '0.05' },
      { code: 'c', type: 'flat', amount: '0.05' },
    ]);
    expect(rate(input([{ plan: p }]), { rules: [rule('vat', 'tax', { rate: '10', name: 'VAT' })] }).taxTotal).toBe('0.02');
  });
  it('applies to net amounts after discounts, and only to listed components', () => {
    const p = plan([
      { code: 'base', type: 'flat', amount: '100.00' },
      { code: 'svc', type: 'flat', amount: '50.00' },
    ]);
    const r = rate(input([{ plan: p }]), { rules: [rule('d', 'discount', { percent: '10' }), rule('t', 'tax', { rate: '10', name: 'VAT', components: ['base'] })] });
    expect(r.taxTotal).toBe('9.00');
    expect(r.total).toBe('144.00');
  });
  it('KRW rounds to whole won', () => {
    const p = plan([{ code: 'base', type: 'flat', amount: '9990' }], { currency: 'KRW' });
    const r = rate(input([{ plan: p }], { currency: 'KRW', rounding: 'down' }), { rules: [rule('d', 'discount', { percent: '3' }), rule('vat', 'tax', { rate: '10', name: 'VAT' })] });
    expect(r.lines.map((l) => l.amount)).toEqual(['9990', '-299', '969']);
    expect(r.total).toBe('10660');
  });
});

describe('balances and points', () => {
  it('prepaid balance then points come off after tax', () => {
    const r = rate(input([{ plan: hundred }], { prepaidBalance: '50.00', pointsBalance: '100' }), { rules: [rule('vat', 'tax', { rate: '10', name: 'VAT' })] });
    expect([r.total, r.prepaidApplied, r.pointsApplied, r.amountDue]).toEqual(['110.00', '50.00', '60.00', '0.00']);
  });
  it('a points rule earns a percentage of what is paid with money', () => {
    const r = rate(input([{ plan: hundred }], { pointsBalance: '10.00' }), { rules: [rule('p1', 'points', { earnPercent: '1', expiresInDays: 365 })] });
    expect(r.pointsEarned).toEqual([{ rule: 'p1', points: '0.90', expiresInDays: 365 }]);
    expect(r.amountDue).toBe('90.00');
  });
});

describe('trace and versions', () => {
  it('records every evaluated rule with facts, condition results and document versions', () => {
    const rules = [{ ...rule('corp', 'discount', { percent: '10' }), version: 3, conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }, { not: { fact: 'customer.tags', operator: 'contains', value: 'x' } }] } }];
    const r = rate(input([{ plan: { ...hundred, version: 7 } }], { customer: { type: 'individual', tags: ['x'] } }), { rules: rules as never });
    expect(r.trace).toEqual([
      {
        rule: 'corp', kind: 'discount', version: 3, subscription: 0, fired: false, applied: false, reason: 'conditions not met',
        facts: { 'customer.type': 'individual', 'customer.tags': ['x'] },
        conditions: {
          op: 'all', result: false,
          conditions: [
            { fact: 'customer.type', operator: 'equal', value: 'corporate', factValue: 'individual', valueResult: 'corporate', result: false },
            { op: 'not', result: false, condition: { fact: 'customer.tags', operator: 'contains', value: 'x', factValue: ['x'], valueResult: 'x', result: true } },
          ],
        },
      },
    ]);
    expect(r.versions).toEqual({ plans: [{ code: 'p', version: 7 }], rules: [{ id: 'corp', version: 3 }] });
  });
  it('bill.subtotal is known to discount rules', () => {
    const r = rate(input([{ plan: hundred }]), { rules: [{ ...rule('big', 'discount', { percent: '5' }), conditions: { all: [{ fact: 'bill.subtotal', operator: 'greaterThanInclusive', value: 100 }] } }] });
    expect(r.total).toBe('95.00');
  });
});
