import { describe, expect, it } from 'vitest';
import { parsePreviewRequest, previewRating } from '../../../server/rules/preview';
import type { RuleDoc } from '../../../server/rules/schema';

const corp10: RuleDoc = {
  id: 'corp-10',
  name: 'Corporate 10% off the base fee',
  kind: 'discount',
  priority: 10,
  validFrom: '2025-01-01',
  validTo: null,
  exclusiveGroup: 'base-discounts',
  conditions: {
    all: [
      { fact: 'customer.type', operator: 'equal', value: 'corporate' },
      { fact: 'subscription.cycleIndex', operator: 'lessThanInclusive', value: 12 },
    ],
  },
  event: { type: 'discount', params: { percent: '10', target: { components: ['base'] } } },
};
const vat: RuleDoc = {
  id: 'kr-vat',
  name: 'VAT 10%',
  kind: 'tax',
  conditions: { all: [] },
  event: { type: 'tax', params: { rate: '10', name: 'VAT' } },
};

const body = {
  currency: 'USD',
  rounding: 'half_up',
  customer: { type: 'corporate', country: 'KR', segment: 'smb', tags: [], attributes: {} },
  period: { start: '2025-05-01', end: '2025-06-01' },
  subscriptions: [
    {
      plan: { code: 'api-pro', name: 'API Pro', currency: 'USD', interval: 'month', intervalCount: 1, trialDays: 0, components: [{ code: 'base', type: 'flat', amount: '20.00' }] },
      startDate: '2025-05-01',
      endDate: null,
      cycleIndex: 1,
      quantities: {},
      usage: {},
      coupons: [],
    },
  ],
  rules: [corp10, vat],
  coupons: [],
};

const deps = { tenantRules: [], resolvePlan: () => undefined, defaultCurrency: 'USD', defaultRounding: 'half_up' as const, now: new Date('2025-05-15T00:00:00Z') };

describe('spec §5 preview response example', () => {
  it('reproduces the documented lines and totals exactly', () => {
    const parsed = parsePreviewRequest(body);
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    const res = previewRating(parsed.value, deps);
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    const r = res.value;
    expect(r.currency).toBe('USD');
    // The spec's example shows the amounts; the description and the line price (`pricing`, shown on invoices) come on top.
    expect(r.lines.map(({ description: _d, pricing: _p, ...l }) => l)).toEqual([
      { subscription: 0, component: 'base', kind: 'charge', quantity: '1', amount: '20.00' },
      { subscription: 0, component: 'base', kind: 'discount', rule: 'corp-10', amount: '-2.00' },
      { kind: 'tax', rule: 'kr-vat', name: 'VAT', amount: '1.80' },
    ]);
    expect(typeof r.lines[0].description).toBe('string');
    expect(r.lines[0].pricing).toEqual({ model: 'flat', unitAmount: '20' });
    expect({ subtotal: r.subtotal, discountTotal: r.discountTotal, taxTotal: r.taxTotal, total: r.total, prepaidApplied: r.prepaidApplied, pointsApplied: r.pointsApplied, amountDue: r.amountDue }).toEqual({
      subtotal: '20.00',
      discountTotal: '2.00',
      taxTotal: '1.80',
      total: '19.80',
      prepaidApplied: '0.00',
      pointsApplied: '0.00',
      amountDue: '19.80',
    });
    expect(r.trace.find((t) => t.rule === 'corp-10')).toMatchObject({ rule: 'corp-10', fired: true, applied: true });
    const t = r.trace.find((x) => x.rule === 'corp-10')!;
    expect(t.facts).toEqual({ 'customer.type': 'corporate', 'subscription.cycleIndex': 1 });
    expect(t.conditions).toMatchObject({ op: 'all', result: true, conditions: [{ fact: 'customer.type', result: true }, { fact: 'subscription.cycleIndex', factValue: 1, result: true }] });
  });
});
