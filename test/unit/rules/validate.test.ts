import { describe, expect, it } from 'vitest';
import { validatePlan, validateRule } from '../../../server/rules/validate';
import { parsePreviewRequest, previewRating } from '../../../server/rules/preview';

const paths = (issues: { path: string }[]) => issues.map((i) => i.path).sort();
const goodPlan = {
  code: 'api-pro', name: 'API Pro', currency: 'USD', interval: 'month', intervalCount: 1, trialDays: 0, minimumAmount: '100.00',
  eligibility: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  components: [
    { code: 'base', type: 'flat', amount: '20.00' },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '5.00' } },
    { code: 'search', type: 'usage', meter: 'search_calls', pricing: { model: 'graduated', tiers: [{ upTo: '1000', unitAmount: '0' }, { upTo: null, unitAmount: '0.01', flatAmount: '2.00' }] } },
  ],
};
const goodRule = {
  id: 'corp-10', name: 'Corporate 10% off the base fee', kind: 'discount', priority: 10, validFrom: '2025-01-01', validTo: null, exclusiveGroup: 'base-discounts',
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }, { fact: 'subscription.cycleIndex', operator: 'lessThanInclusive', value: 12 }] },
  event: { type: 'discount', params: { percent: '10', target: { components: ['base'] } } },
};
const clone = <T>(x: T): T => structuredClone(x);

describe('validatePlan', () => {
  it('accepts the spec example plan', () => expect(validatePlan(goodPlan)).toEqual([]));
  it('reports tier order, the open last tier, money as numbers and unknown fields with full paths', () => {
    const p = clone(goodPlan) as any;
    p.components[2].pricing.tiers = [{ upTo: 10, unitAmount: '1' }, { upTo: 5, unitAmount: '0.5' }, { upTo: 100, unitAmount: 0.1 }];
    p.components[0].amount = 20;
    p.components[1].pricing.unitAmout = '5';
    expect(paths(validatePlan(p, 'subscriptions[0].plan'))).toEqual(
      [
        'subscriptions[0].plan.components[0].amount',
        'subscriptions[0].plan.components[1].pricing.unitAmout',
        'subscriptions[0].plan.components[2].pricing.tiers[1].upTo',
        'subscriptions[0].plan.components[2].pricing.tiers[2].unitAmount',
        'subscriptions[0].plan.components[2].pricing.tiers[2].upTo',
      ].sort(),
    );
    expect(validatePlan(p).find((i) => i.path === 'components[0].amount')!.message).toMatch(/decimal string/);
  });
  it('reports an unknown component type, duplicate codes and a bad eligibility fact', () => {
    const p = clone(goodPlan) as any;
    p.components[1].type = 'seat';
    p.components[2].code = 'base';
    p.eligibility.all[0].fact = 'customer.kind';
    expect(paths(validatePlan(p))).toEqual(['components[1].type', 'components[2].code', 'eligibility.all[0].fact']);
  });
});

describe('validateRule', () => {
  it('accepts the spec example rule', () => expect(validateRule(goodRule)).toEqual([]));
  const bad = (mutate: (r: any) => void, base?: string) => {
    const r = clone(goodRule) as any;
    mutate(r);
    return validateRule(r, base);
  };
  it('event.type must equal kind', () => expect(bad((r) => (r.event.type = 'coupon'))).toMatchObject([{ path: 'event.type', message: 'event.type must equal kind "discount"' }]));
  it('rejects unknown facts, JSONPath path, operators that do not fit the fact type, wrong value types and enums', () => {
    expect(paths(bad((r) => (r.conditions.all[0].fact = 'customer.typ')))).toEqual(['conditions.all[0].fact']);
    expect(bad((r) => (r.conditions.all[0].path = '$.x'))[0]).toMatchObject({ path: 'conditions.all[0].path', code: 'path_forbidden' });
    expect(bad((r) => (r.conditions.all[0].operator = 'greaterThan'))[0]).toMatchObject({ path: 'conditions.all[0].operator', code: 'operator_type_mismatch' });
    expect(bad((r) => (r.conditions.all[1].value = '12'))[0]).toMatchObject({ path: 'conditions.all[1].value' });
    expect(bad((r) => (r.conditions.all[0].value = 'company'))[0]).toMatchObject({ path: 'conditions.all[0].value', code: 'invalid_enum_value' });
    expect(bad((r) => (r.conditions.all[0].operator = 'matches'))[0]).toMatchObject({ path: 'conditions.all[0].operator', code: 'unknown_operator' });
    expect(bad((r) => (r.conditions = { any: [{ fact: 'customer.tags', operator: 'equal', value: 'vip' }] }))[0]).toMatchObject({ path: 'conditions.any[0].operator' });
    expect(bad((r) => (r.conditions = { fact: 'customer.type', operator: 'equal', value: 'public' }))[0]).toMatchObject({ path: 'conditions', message: expect.stringMatching(/root/) });
    expect(bad((r) => (r.conditions.all[0] = { fact: 'invoice.daysOverdue', operator: 'greaterThan', value: 3 }))[0]).toMatchObject({ code: 'fact_out_of_scope' });
  });
  it('accepts dynamic facts and dunning facts in dunning rules', () => {
    expect(bad((r) => (r.conditions.all[0] = { fact: 'usage.search_calls', operator: 'greaterThan', value: 1000 }))).toEqual([]);
    expect(bad((r) => (r.conditions.all[0] = { fact: 'customer.attributes.partner', operator: 'equal', value: true }))).toEqual([]);
    const dunning = { id: 'remind-3', name: 'Remind', kind: 'dunning', conditions: { all: [{ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: 3 }, { fact: 'customer.dunningExcluded', operator: 'notEqual', value: true }] }, event: { type: 'dunning', params: { action: 'remind', template: 'overdue-3', repeatEveryDays: 7 } } };
    expect(validateRule(dunning)).toEqual([]);
  });
  it('checks params per kind with paths under event.params', () => {
    expect(bad((r) => (r.event.params = { percent: '10', amount: '5.00' }))[0]).toMatchObject({ path: 'event.params' });
    expect(bad((r) => (r.event.params.amount = 5), 'rules[3]').map((i) => i.path)).toContain('rules[3].event.params.amount');
    expect(bad((r) => (r.event.params.percent = '120'))[0]).toMatchObject({ path: 'event.params.percent' });
    expect(bad((r) => (r.kind = 'rebate'))[0]).toMatchObject({ path: 'kind' });
    expect(bad((r) => (r.validTo = '2024-01-01'))[0]).toMatchObject({ path: 'validTo' });
    const tax = { id: 't', name: 't', kind: 'tax', conditions: { all: [] }, event: { type: 'tax', params: { rate: '10' } } };
    expect(validateRule(tax)[0]).toMatchObject({ path: 'event.params.name' });
  });
});

describe('parsePreviewRequest', () => {
  it('lists every problem with its JSON path and never throws', () => {
    const body = {
      currency: 'usd',
      period: { start: '2025-05-01', end: '2025-04-01' },
      subscriptions: [
        { plan: { ...goodPlan, components: [goodPlan.components[0], goodPlan.components[1], { ...goodPlan.components[2], pricing: { model: 'graduated', tiers: [{ upTo: '1000', unitAmount: '0' }, { upTo: '500', unitAmount: '0.01' }] } }] }, quantities: { seats: 'three' } },
        { planCode: 'x', plan: goodPlan },
      ],
      rules: [{ ...goodRule, event: { type: 'discount', params: { percent: 10, target: { components: ['base'] } } } }, { ...goodRule }],
    };
    const r = parsePreviewRequest(body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(paths(r.issues)).toEqual(
      [
        'currency',
        'period.end',
        'subscriptions[0].plan.components[2].pricing.tiers[1].upTo', // the last tier must be open
        'subscriptions[0].plan.components[2].pricing.tiers[1].upTo', // and bounds must increase
        'subscriptions[0].quantities.seats',
        'subscriptions[1]',
        'rules[1].id',
      ].sort(),
    );
    for (const junk of [null, 42, 'x', [], { subscriptions: 'no' }]) expect(parsePreviewRequest(junk).ok).toBe(false);
  });
  it('reports an unknown planCode and an ineligible customer at the subscription', () => {
    const deps = { tenantRules: [], resolvePlan: (c: string) => (c === 'api-pro' ? (goodPlan as never) : undefined), defaultCurrency: 'USD', defaultRounding: 'half_up' as const, now: new Date('2025-05-10T00:00:00Z') };
    const parsed = parsePreviewRequest({ customer: { type: 'individual' }, subscriptions: [{ planCode: 'nope' }, { planCode: 'api-pro' }, { plan: goodPlan }] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const res = previewRating(parsed.value, deps);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.issues.map((i) => [i.path, i.code])).toEqual([
      ['subscriptions[0].planCode', 'not_found'],
      ['subscriptions[1].planCode', 'not_eligible'],
      ['subscriptions[2].plan.eligibility', 'not_eligible'],
    ]);
    expect(res.issues[1].message).toContain('customer.type equal "corporate" (is "individual")');
  });
});
