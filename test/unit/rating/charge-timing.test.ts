/**
 * Charge timing (rating.md "Charge timing, one-time charges, installments, fixed terms"), worked
 * by hand and checked on BOTH raters (the fast path must run, not fall back), plus a property:
 * installments add up exactly in every currency precision and rounding mode.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rate, rateStats } from '../../../server/rating/rate';
import { rateReference } from '../../../server/rating/rate-reference';
import { subscriptionFacts } from '../../../server/rating/subscription-facts';
import { Decimal, currencyDecimals, roundMoney, type RoundingMode } from '../../../server/lib/money';
import { validatePlan } from '../../../server/rules/validate';
import type { PlanDoc } from '../../../server/rules/schema';
import type { RatingInput, RatingResult, SubscriptionInput } from '../../../server/rating/types';
import { input, plan, rule } from './helpers';

/** Rates with both raters, asserts they agree and that the fast path itself ran. */
function both(i: RatingInput, rules = [] as Parameters<typeof rate>[1]['rules']): RatingResult {
  const before = rateStats.fast;
  const fast = rate(i, { rules });
  expect(rateStats.fast).toBe(before + 1);
  expect(fast).toEqual(rateReference(i, { rules }));
  return fast;
}
const charges = (r: RatingResult) => r.lines.filter((l) => l.kind === 'charge').map((l) => ({ component: l.component, amount: l.amount, detail: l.detail }));

const device: PlanDoc = plan(
  [
    { code: 'setup', name: 'Setup fee', type: 'flat', amount: '30000', charge: 'one_time' },
    { code: 'device', name: 'Device', type: 'flat', amount: '1000000', installments: { count: 24 } },
    { code: 'service', name: 'Service', type: 'flat', amount: '33000' },
  ],
  { currency: 'KRW', code: 'phone' },
);
const krw = (subs: SubscriptionInput[], extra: Partial<RatingInput> = {}) => input(subs, { currency: 'KRW', period: { start: '2026-01-01', end: '2026-02-01' }, ...extra });

describe('one-time charges and installments', () => {
  it('cycle 1 charges the setup fee in full (not prorated), installment 1 and the prorated service', () => {
    const r = both(krw([{ plan: device, startDate: '2026-01-11', cycleIndex: 1 }]));
    expect(charges(r)).toEqual([
      { component: 'setup', amount: '30000', detail: { code: 'one_time' } },
      { component: 'device', amount: '41667', detail: { code: 'installment', installment: 1, of: 24 } },
      // 33000 × 21/31 = 22354.8… → 22355
      { component: 'service', amount: '22355', detail: undefined },
    ]);
    expect(r.lines[0].description).toContain('one-time');
    expect(r.lines[1].description).toContain('installment 1 of 24');
  });

  it('the spec example: 41,667 × 23 then 41,659 in cycle 24; nothing after; the setup fee never again', () => {
    const at = (cycleIndex: number) => charges(both(krw([{ plan: device, cycleIndex }])));
    expect(at(2)).toEqual([
      { component: 'device', amount: '41667', detail: { code: 'installment', installment: 2, of: 24 } },
      { component: 'service', amount: '33000', detail: undefined },
    ]);
    expect(at(24)[0]).toEqual({ component: 'device', amount: '41659', detail: { code: 'installment', installment: 24, of: 24 } });
    expect(at(25)).toEqual([{ component: 'service', amount: '33000', detail: undefined }]);
  });

  it('a quantity or plan change inside cycle 1 (two segments of one subscription) charges them once', () => {
    const segs: SubscriptionInput[] = [
      { id: 'S', plan: device, startDate: '2026-01-01', endDate: '2026-01-16', cycleIndex: 1 },
      { id: 'S', plan: { ...device, code: 'phone-plus' }, startDate: '2026-01-16', cycleIndex: 1 },
    ];
    const r = both(krw(segs));
    expect(r.lines.filter((l) => l.component === 'setup').map((l) => [l.subscription, l.amount])).toEqual([[0, '30000']]);
    expect(r.lines.filter((l) => l.component === 'device').map((l) => [l.subscription, l.amount])).toEqual([[0, '41667']]);
    // Without a shared id they are two subscriptions, each with its own setup fee.
    const two = both(krw(segs.map(({ id: _id, ...s }) => s)));
    expect(two.lines.filter((l) => l.component === 'setup')).toHaveLength(2);
  });

  it('a one-time quantity component prices its units once, in full', () => {
    const p = plan([{ code: 'sim', type: 'quantity', quantityKey: 'sims', charge: 'one_time', pricing: { model: 'standard', unitAmount: '5.00' } }]);
    expect(charges(both(input([{ plan: p, startDate: '2025-05-20', quantities: { sims: 3 }, cycleIndex: 1 }])))).toEqual([{ component: 'sim', amount: '15.00', detail: { code: 'one_time' } }]);
    expect(charges(both(input([{ plan: p, quantities: { sims: 3 }, cycleIndex: 2 }])))).toEqual([]);
  });
});

describe('billing in advance', () => {
  const monthly = plan(
    [
      { code: 'base', name: 'Base', type: 'flat', amount: '50.00' },
      { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'standard', unitAmount: '0.01' } },
    ],
    { timing: 'in_advance' },
  );
  const aug = { start: '2025-08-01', end: '2025-09-01' };

  it('the first invoice charges the first (prorated) period and the next one; usage of the period that ended', () => {
    const r = both(input([{ plan: monthly, startDate: '2025-08-10', cycleIndex: 1, usage: { calls: 100 } }], { period: aug }));
    expect(charges(r)).toEqual([
      { component: 'base', amount: '35.48', detail: undefined }, // 50 × 22/31, the spec's own example
      { component: 'base', amount: '50.00', detail: { code: 'in_advance', servicePeriod: { start: '2025-09-01', end: '2025-10-01' } } },
      { component: 'calls', amount: '1.00', detail: undefined },
    ]);
    expect(r.lines[1].description).toContain('service 2025-09-01 – 2025-10-01');
  });

  it('later invoices charge the next period only; a subscription ending inside it is prorated, one ended before it pays nothing for it', () => {
    const sep = { start: '2025-09-01', end: '2025-10-01' };
    expect(charges(both(input([{ plan: monthly, startDate: '2025-08-10', cycleIndex: 2 }], { period: sep })))[0])
      .toEqual({ component: 'base', amount: '50.00', detail: { code: 'in_advance', servicePeriod: { start: '2025-10-01', end: '2025-11-01' } } });
    // Ends Oct 16: 15 of October's 31 days → 24.19.
    expect(charges(both(input([{ plan: monthly, startDate: '2025-08-10', endDate: '2025-10-16', cycleIndex: 2 }], { period: sep })))[0].amount).toBe('24.19');
    expect(charges(both(input([{ plan: monthly, startDate: '2025-08-10', endDate: '2025-10-01', cycleIndex: 2 }], { period: sep })))).toEqual([{ component: 'calls', amount: '0.00', detail: undefined }]);
  });

  it('after a mid-period change (creditedFrom), the new segment is also charged its remaining days of the period, recurring components only', () => {
    const sep = { start: '2025-09-01', end: '2025-10-01' };
    const bigger = plan([
      { code: 'base', name: 'Base', type: 'flat', amount: '80.00' },
      { code: 'dev', name: 'Device', type: 'flat', amount: '90.00', installments: { count: 6 } },
    ], { timing: 'in_advance', code: 'big' });
    // September was paid in advance at 50.00; upgraded on Sep 11, the old plan credited from then.
    const segs: SubscriptionInput[] = [
      { id: 'S', plan: monthly, startDate: '2025-08-10', endDate: '2025-09-11', cycleIndex: 3, creditedFrom: '2025-09-11', usage: { calls: 100 } },
      { id: 'S', plan: bigger, startDate: '2025-09-11', cycleIndex: 3, creditedFrom: '2025-09-11' },
    ];
    expect(charges(both(input(segs, { period: sep })))).toEqual([
      { component: 'calls', amount: '1.00', detail: undefined }, // the old segment: its usage only (September is paid, October not its own)
      // 80.00 × 20/30 (Sep 11 – Oct 1) = 53.333… → 53.33
      { component: 'base', amount: '53.33', detail: { code: 'in_advance', servicePeriod: { start: '2025-09-11', end: '2025-10-01' } } },
      { component: 'base', amount: '80.00', detail: { code: 'in_advance', servicePeriod: { start: '2025-10-01', end: '2025-11-01' } } },
      // Installment 3 went with September's advance; October's is installment 4 (90.00 / 6 = 15.00), charged once.
      { component: 'dev', amount: '15.00', detail: { code: 'installment', installment: 4, of: 6, servicePeriod: { start: '2025-10-01', end: '2025-11-01' } } },
    ]);
    // A date outside the period, a first invoice or an in-arrears plan: no catch-up.
    const base = (r: RatingResult) => charges(r).filter((l) => l.component === 'base').map((l) => l.amount);
    expect(base(both(input([{ ...segs[1], creditedFrom: '2025-08-20' }], { period: sep })))).toEqual(['80.00']);
    expect(base(both(input([{ ...segs[1], cycleIndex: 1 }], { period: sep })))).toEqual(['53.33', '80.00']);
    expect(base(both(input([{ ...segs[1], plan: { ...bigger, timing: 'in_arrears' } }], { period: sep })))).toEqual(['53.33']);
    // A segment that ends before the credited date (cancelled) is charged nothing more.
    expect(base(both(input([{ ...segs[0], creditedFrom: '2025-09-20' }], { period: sep })))).toEqual([]);
  });

  it('a subscription that ends (ends): the installments left are one accelerated line on its last invoice, so all add up to the price', () => {
    const jan = { start: '2026-01-01', end: '2026-02-01' };
    const apr = { start: '2026-04-01', end: '2026-05-01' };
    const dev = (l: RatingResult) => charges(l).filter((c) => c.component === 'device').map((c) => [c.amount, c.detail?.installment, c.detail?.through ?? null]);
    // In arrears, cycle 4, ending April 15: installment 4, then 5-24 = 1,000,000 − 4 × 41,667 = 833,332.
    expect(dev(both(krw([{ plan: device, startDate: '2026-01-01', endDate: '2026-04-15', cycleIndex: 4, ends: true }], { period: apr }))))
      .toEqual([['41667', 4, null], ['833332', 5, 24]]);
    // Without `ends`, or ending after the window: no acceleration.
    expect(dev(both(krw([{ plan: device, startDate: '2026-01-01', endDate: '2026-04-15', cycleIndex: 4 }], { period: apr })))).toEqual([['41667', 4, null]]);
    expect(dev(both(krw([{ plan: device, startDate: '2026-01-01', endDate: '2026-05-15', cycleIndex: 4, ends: true }], { period: apr })))).toEqual([['41667', 4, null]]);
    // Ending in the last cycle: nothing left to accelerate.
    expect(dev(both(krw([{ plan: device, startDate: '2024-01-01', endDate: '2026-01-20', cycleIndex: 24, ends: true }], { period: jan })))).toEqual([['41659', 24, null]]);
    // In advance, ending inside the next period: that period's installment (5) in advance, then 6-24 = 1,000,000 − 5 × 41,667 = 791,665.
    const adv = { ...device, timing: 'in_advance' } as PlanDoc;
    expect(dev(both(krw([{ plan: adv, startDate: '2026-01-01', endDate: '2026-05-15', cycleIndex: 4, ends: true }], { period: apr }))))
      .toEqual([['41667', 5, null], ['791665', 6, 24]]);
    // In advance, ending in the invoice's own period (its installment went with the last advance): 5-24.
    expect(dev(both(krw([{ plan: adv, startDate: '2026-01-01', endDate: '2026-04-15', cycleIndex: 4, ends: true }], { period: apr })))).toEqual([['833332', 5, 24]]);
  });

  it('catchUpOnly (a yearly plan changed mid-year): only the days of the year from creditedFrom on, recurring components only', () => {
    const year = { start: '2026-01-01', end: '2027-01-01' };
    const yearly = { ...device, interval: 'year', code: 'phone-y' } as PlanDoc;
    const sub: SubscriptionInput = { id: 'Y', plan: yearly, startDate: '2026-06-01', cycleIndex: 2, creditedFrom: '2026-06-01', catchUpOnly: true };
    // 33,000 × 214/365 (June 1 – January 1) = 19,347.9… → 19,348; no setup fee, no installment.
    expect(charges(both(krw([sub], { period: year })))).toEqual([
      { component: 'service', amount: '19348', detail: { code: 'in_advance', servicePeriod: { start: '2026-06-01', end: '2027-01-01' } } },
    ]);
    // Ending (a later change already credited) on September 1: 92 days → 8,317.8… → 8,318.
    expect(charges(both(krw([{ ...sub, endDate: '2026-09-01' }], { period: year })))[0].amount).toBe('8318');
    // On the anniversary itself or outside the year: nothing (the anniversary run bills the whole year).
    expect(charges(both(krw([{ ...sub, creditedFrom: '2026-01-01' }], { period: year })))).toEqual([]);
    expect(charges(both(krw([{ ...sub, creditedFrom: '2027-02-01' }], { period: year })))).toEqual([]);
  });

  it('anniversary (a yearly renewal split by a change made before its run): each segment for its own days, with its service period', () => {
    const year = { start: '2026-06-01', end: '2027-06-01' };
    const a = { ...device, interval: 'year', code: 'phone-a', timing: 'in_advance' } as PlanDoc;
    const b = { ...a, code: 'phone-b', components: a.components.map((c) => (c.code === 'service' ? { ...c, amount: '66000' } : c)) } as PlanDoc;
    const segs: SubscriptionInput[] = [
      { id: 'Y', plan: a, startDate: '2026-06-01', endDate: '2026-06-10', cycleIndex: 1, anniversary: true },
      { id: 'Y', plan: b, startDate: '2026-06-10', cycleIndex: 1, anniversary: true },
    ];
    // A: 33,000 × 9/365 = 813.7 → 814; B: 66,000 × 356/365 = 64,372.6… → 64,373. The setup fee and installment 1 once,
    // on the segment active first (A), whole; timing is ignored (no year after is charged).
    expect(charges(both(krw(segs, { period: year })))).toEqual([
      { component: 'setup', amount: '30000', detail: { code: 'one_time' } },
      { component: 'device', amount: '41667', detail: { code: 'installment', installment: 1, of: 24, servicePeriod: { start: '2026-06-01', end: '2026-06-10' } } },
      { component: 'service', amount: '814', detail: { code: 'in_advance', servicePeriod: { start: '2026-06-01', end: '2026-06-10' } } },
      { component: 'service', amount: '64373', detail: { code: 'in_advance', servicePeriod: { start: '2026-06-10', end: '2027-06-01' } } },
    ]);
  });

  it('the service period of an in-advance line is the part of the next period the segment covers', () => {
    const sep = { start: '2025-09-01', end: '2025-10-01' };
    const r = both(input([{ plan: monthly, startDate: '2025-08-10', endDate: '2025-10-16', cycleIndex: 2 }], { period: sep }));
    // 50.00 × 15/31 = 24.19 for Oct 1 – Oct 16: a credit on Oct 10 gives back 6 of those 15 days.
    expect(charges(r)[0]).toEqual({ component: 'base', amount: '24.19', detail: { code: 'in_advance', servicePeriod: { start: '2025-10-01', end: '2025-10-16' } } });
  });

  it('installments follow service cycles: the first in-advance invoice carries installments 1 and 2', () => {
    const p = plan([{ code: 'dev', type: 'flat', amount: '100.00', installments: { count: 3 } }], { timing: 'in_advance' });
    const lines = (c: number) => charges(both(input([{ plan: p, cycleIndex: c }]))).map((l) => `${l.detail?.installment}:${l.amount}`);
    expect(lines(1)).toEqual(['1:33.33', '2:33.33']);
    expect(lines(2)).toEqual(['3:33.34']);
    expect(lines(3)).toEqual([]);
  });
});

describe('facts: subscription.installmentsLeft and subscription.termEndsOn', () => {
  it('are computed from the plan and the cycle, null when the plan has none', () => {
    const i = krw([]);
    const facts = (p: PlanDoc, cycleIndex: number) => subscriptionFacts(i, { plan: p, cycleIndex });
    expect(facts(device, 1)['subscription.installmentsLeft']).toBe(23);
    expect(facts(device, 24)['subscription.installmentsLeft']).toBe(0);
    expect(facts(device, 30)['subscription.installmentsLeft']).toBe(0);
    expect(facts(device, 1)['subscription.termEndsOn']).toBe(null);
    const term = { ...device, components: device.components.slice(2), termCycles: 12, renewal: 'auto' as const };
    expect(facts(term, 1)['subscription.installmentsLeft']).toBe(null);
    expect(facts(term, 1)['subscription.termEndsOn']).toBe('2027-01-01');
    expect(facts(term, 12)['subscription.termEndsOn']).toBe('2026-02-01');
    // Cycle 13 opens the renewed term (13..24): it ends 11 periods after this one.
    expect(facts(term, 13)['subscription.termEndsOn']).toBe('2027-01-01');
  });

  it('drive rules: a discount on the last installment fires only when none are left', () => {
    const lastOne = rule('last-installment', 'discount', { amount: '1659', target: { components: ['device'] } }, {
      conditions: { all: [{ fact: 'subscription.installmentsLeft', operator: 'equal', value: 0 }] },
    });
    expect(both(krw([{ plan: device, cycleIndex: 23 }]), [lastOne]).discountTotal).toBe('0');
    expect(both(krw([{ plan: device, cycleIndex: 24 }]), [lastOne]).discountTotal).toBe('1659');
  });
});

describe('installments add up exactly (property)', () => {
  it('in KRW, JPY, USD and BHD, every rounding mode, on both raters: N−1 equal installments and a remainder', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('KRW', 'JPY', 'USD', 'BHD'),
        fc.constantFrom<RoundingMode>('half_up', 'half_even', 'down', 'up'),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 36 }),
        (currency, rounding, minor, n) => {
          const places = currencyDecimals(currency);
          const amount = new Decimal(minor.toString()).dividedBy(10 ** places).toFixed(places);
          const p: PlanDoc = { ...plan([{ code: 'dev', type: 'flat', amount, installments: { count: n } }]), currency };
          const got: string[] = [];
          for (let c = 1; c <= n + 1; c++) {
            const i = input([{ plan: p, cycleIndex: c }], { currency, rounding });
            const fast = rate(i, { rules: [] });
            expect(fast).toEqual(rateReference(i, { rules: [] }));
            got.push(...fast.lines.map((l) => l.amount));
          }
          expect(got).toHaveLength(n); // nothing after cycle N
          const each = roundMoney(new Decimal(amount).dividedBy(n), currency, rounding).toFixed(places);
          expect(got.slice(0, -1).every((a) => a === each)).toBe(true);
          expect(got.reduce((s, a) => s.plus(a), new Decimal(0)).toFixed(places)).toBe(amount);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});

describe('plan documents: charge timing fields are checked at the field', () => {
  const paths = (doc: unknown) => validatePlan(doc).map((i) => `${i.path}: ${i.message}`);
  const base = device as unknown as Record<string, any>;
  it('accepts the device plan, in-advance timing and terms', () => {
    expect(paths({ ...base, timing: 'in_advance', termCycles: 24, renewal: { planCode: 'sim-only' } })).toEqual([]);
    expect(paths({ ...base, termCycles: 12, renewal: 'auto' })).toEqual([]);
  });
  it('refuses installments on a usage or quantity component, count < 1, one-time with installments, bad terms', () => {
    const comps = (extra: object) => ({ ...base, components: [...base.components, extra] });
    expect(paths(comps({ code: 'u', type: 'usage', meter: 'm', pricing: { model: 'standard', unitAmount: '1' }, installments: { count: 3 } }))).toEqual([
      'components[3].installments: installments apply to flat components only (a total paid over N cycles)',
    ]);
    expect(paths(comps({ code: 'q', type: 'quantity', quantityKey: 'k', pricing: { model: 'standard', unitAmount: '1' }, installments: { count: 3 } }))[0]).toMatch(/^components\[3\]\.installments: installments apply/);
    expect(paths(comps({ code: 'u', type: 'usage', meter: 'm', pricing: { model: 'standard', unitAmount: '1' }, charge: 'one_time' }))[0]).toMatch(/^components\[3\]\.charge: usage components/);
    expect(paths(comps({ code: 'f', type: 'flat', amount: '1', installments: { count: 0 } }))[0]).toMatch(/^components\[3\]\.installments\.count/);
    expect(paths(comps({ code: 'f', type: 'flat', amount: '1', installments: { count: 2 }, charge: 'one_time' }))).toEqual([
      'components[3].installments: a component is either charged once (charge "one_time") or in installments, not both',
    ]);
    expect(paths({ ...base, termCycles: 1.5 })[0]).toMatch(/^termCycles: /);
    expect(paths({ ...base, renewal: 'auto' })).toEqual(['renewal: renewal needs termCycles (the length of the term that renews)']);
    expect(paths({ ...base, termCycles: 3, renewal: 'sometimes' })[0]).toMatch(/^renewal: /);
    expect(paths({ ...base, timing: 'later' })[0]).toMatch(/^timing: /);
  });
});
