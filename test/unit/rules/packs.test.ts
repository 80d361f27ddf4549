import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackDir } from '../../../server/rules/load-pack';
import { rate } from '../../../server/rating/rate';
import type { SubscriptionInput } from '../../../server/rating/types';

const packsDir = fileURLToPath(new URL('../../../rules/packs/', import.meta.url));

describe('rule packs', () => {
  for (const name of readdirSync(packsDir)) {
    it(`rules/packs/${name} passes validation`, () => {
      const pack = loadPackDir(`${packsDir}${name}`);
      expect(pack.problems).toEqual([]);
      expect(pack.rules.length + pack.plans.length).toBeGreaterThan(0);
    });
  }
});

const demo = loadPackDir(`${packsDir}demo`);
const planOf = (code: string) => {
  const p = demo.plans.find((x) => x.doc.code === code);
  if (!p) throw new Error(`no plan ${code}`);
  return p.doc;
};
const rules = demo.rules.map((r) => r.doc);
const may = { start: '2025-05-01', end: '2025-06-01' };
const sub = (plan: string, usage: Record<string, number | string> = {}): SubscriptionInput => ({ plan: planOf(plan), startDate: '2025-01-01', cycleIndex: 5, usage });

describe('seed 003: EurekaCodes May 2025 invoices (rules/README.md "Seed 003")', () => {
  it('SecureNet (SCN): items sum to 320.00, the AWS April credit 49.99 comes off → 270.01', () => {
    const r = rate(
      {
        currency: 'USD',
        rounding: 'half_up',
        customer: { id: 'SCN', type: 'corporate', country: 'KR' },
        period: may,
        subscriptions: [
          sub('eureka-pro'), // eureka-backend-cdk
          sub('eureka-api-50', { search_calls: 28500 }), // securenet-backend-api
          sub('eureka-api-40', { search_calls: 30000 }), // securenet-goods-api
          sub('eureka-api-20', { search_calls: 9800 }), // securenet-points-api
          sub('eureka-api-20', { search_calls: 5200 }), // securenet-mailbox-api
          sub('eureka-api-10', { search_calls: 640 }), // lemon-boards-api
        ],
      },
      { rules },
    );
    expect(r.lines.filter((l) => l.kind === 'charge').map((l) => l.amount)).toEqual(['20.00', '50.00', '60.00', '40.00', '60.00', '20.00', '20.00', '20.00', '20.00', '10.00', '0.00']);
    expect(r.subtotal).toBe('320.00');
    expect(r.lines.filter((l) => l.kind === 'discount').every((l) => l.rule === 'scn-aws-credit-2025-04')).toBe(true);
    expect(r.discountTotal).toBe('49.99');
    expect(r.taxTotal).toBe('0.00');
    expect(r.total).toBe('270.01');
    expect(r.amountDue).toBe('270.01');
    // KRW-only rules (VAT, points) are not applied to this USD invoice even though SCN is in KR
    expect(r.trace.find((t) => t.rule === 'kr-vat')).toMatchObject({ fired: true, applied: false, reason: 'rule is for KRW invoices' });
    // the credit is one-off: June has no discount
    const june = rate({ currency: 'USD', customer: { id: 'SCN', type: 'corporate', country: 'KR' }, period: { start: '2025-06-01', end: '2025-07-01' }, subscriptions: [sub('eureka-pro')] }, { rules });
    expect(june.total).toBe('20.00');
  });

  it('GrowingSalon (GRS): items sum to 80.00; AWS cost is free up to $10 → 80.00', () => {
    const subs = (aws: string) => [
      sub('eureka-pro'), // eureka-backend-cdk
      sub('eureka-api-20', { search_calls: 0 }), // growing-backend-api
      sub('eureka-api-10', { search_calls: 0 }), // growing-socials-api
      sub('eureka-api-10', { search_calls: 120 }), // lemon-shares-api
      sub('eureka-api-10', { search_calls: 0 }), // lemon-pushes-api
      sub('eureka-api-10', { search_calls: 35 }), // lemon-boards-api
      sub('aws-passthrough', { aws_cost: aws }), // AWS 실비용, supported by Lemon up to $10
    ];
    const r = rate({ currency: 'USD', rounding: 'half_up', customer: { id: 'GRS', type: 'corporate', country: 'KR' }, period: may, subscriptions: subs('8.40') }, { rules });
    expect(r.lines.filter((l) => l.kind === 'charge').map((l) => l.amount)).toEqual(['20.00', '20.00', '0.00', '10.00', '0.00', '10.00', '0.00', '10.00', '0.00', '10.00', '0.00', '0.00']);
    expect([r.subtotal, r.discountTotal, r.taxTotal, r.total]).toEqual(['80.00', '0.00', '0.00', '80.00']);
    expect(r.trace.find((t) => t.rule === 'grs-aws-support' && t.subscription === 6)).toMatchObject({ fired: true, applied: true });
    // above the $10 support the excess is billed at cost
    expect(rate({ currency: 'USD', customer: { id: 'GRS', type: 'corporate', country: 'KR' }, period: may, subscriptions: subs('13.25') }, { rules }).total).toBe('83.25');
  });
});

describe('demo KRW catalog', () => {
  it('Basic, corporate KR customer: 9,900 + 5,000 × (3 − 1 free) + 2 × 2,000 calls, 5% off base, VAT 10%', () => {
    const r = rate(
      {
        currency: 'KRW',
        rounding: 'half_up',
        customer: { id: 'C-1', type: 'corporate', country: 'KR' },
        period: { start: '2025-06-01', end: '2025-07-01' },
        subscriptions: [{ plan: planOf('basic'), startDate: '2025-03-01', cycleIndex: 4, quantities: { seats: 3 }, usage: { api_calls: 12000 } }],
      },
      { rules },
    );
    expect(r.lines.map((l) => `${l.kind}:${l.rule ?? l.component}:${l.amount}`)).toEqual(['charge:base:9900', 'discount:corp-discount:-495', 'charge:seats:10000', 'charge:api:4000', 'tax:kr-vat:2341']);
    expect([r.subtotal, r.discountTotal, r.taxTotal, r.total]).toEqual(['23900', '495', '2341', '25746']);
    expect(r.pointsEarned).toEqual([{ rule: 'points-1pct', points: '257', expiresInDays: 365 }]);
  });
  it('the launch promotion (first 3 cycles, from May 2025) wins the base-discounts group over the corporate discount', () => {
    const r = rate(
      {
        currency: 'KRW',
        customer: { id: 'C-2', type: 'corporate', country: 'KR' },
        period: { start: '2025-06-01', end: '2025-07-01' },
        subscriptions: [{ plan: planOf('standard'), startDate: '2025-05-01', cycleIndex: 2, quantities: { seats: 2 }, usage: { storage_gb: 150, api_calls: 0 } }],
        coupons: ['WELCOME10'],
      },
      { rules },
    );
    // 29,000 + 9,000 + 150 × 150 = 60,500; −20% = 48,400; WELCOME10 is cycle 1 only
    expect(r.subtotal).toBe('60500');
    expect(r.lines.filter((l) => l.kind === 'discount').map((l) => l.rule)).toEqual(['launch-2025', 'launch-2025', 'launch-2025']);
    expect(r.discountTotal).toBe('12100');
    expect(r.trace.find((t) => t.rule === 'corp-discount')).toMatchObject({ fired: true, applied: false });
    expect(r.trace.find((t) => t.rule === 'welcome10')).toMatchObject({ fired: true, applied: false });
    expect(r.total).toBe('53240');
  });
});
