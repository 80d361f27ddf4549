import { describe, expect, it } from 'vitest';
import { Decimal, roundMoney, toMoneyString } from '../../../server/lib/money';
import { createPricer } from '../../../server/rating/pricing';
import type { Pricing } from '../../../server/rules/schema';

const price = (p: Pricing, q: number | string, extra: { amount?: string; count?: number } = {}) =>
  toMoneyString(
    roundMoney(
      createPricer(p).price({ quantity: new Decimal(q), amount: extra.amount !== undefined ? new Decimal(extra.amount) : undefined, count: extra.count !== undefined ? new Decimal(extra.count) : undefined }),
      'USD',
      'half_up',
    ),
    'USD',
  );
// Stripe's tiered-pricing example, also the spec's: 1–5 at $7, 6–10 at $6.50, 11+ at $6.
const tiers = [
  { upTo: 5, unitAmount: '7.00' },
  { upTo: 10, unitAmount: '6.50' },
  { upTo: null, unitAmount: '6.00' },
];

describe('graduated (Tier 요율)', () => {
  const p: Pricing = { model: 'graduated', tiers };
  it('q=6 → 5×7 + 1×6.50 = 41.50 (spec / Stripe)', () => expect(price(p, 6)).toBe('41.50'));
  it('q=12 → 35 + 32.50 + 12 = 79.50', () => expect(price(p, 12)).toBe('79.50'));
  it('q=0 → 0 and q=5 stays in the first tier', () => {
    expect(price(p, 0)).toBe('0.00');
    expect(price(p, 5)).toBe('35.00');
  });
  it('adds a tier flat fee only when units fall inside the tier (spec example plan: 1500 calls → 5×0.01 + 2.00)', () => {
    const search: Pricing = { model: 'graduated', tiers: [{ upTo: '1000', unitAmount: '0' }, { upTo: null, unitAmount: '0.01', flatAmount: '2.00' }] };
    expect(price(search, 1500)).toBe('7.00');
    expect(price(search, 1000)).toBe('0.00');
  });
  it('prices fractional quantities (GB) inside the tier bounds', () => expect(price(p, '5.5')).toBe('38.25'));
});

describe('volume (Step 요율)', () => {
  const p: Pricing = { model: 'volume', tiers };
  it('q=6 → 6×6.50 = 39.00 (spec / Stripe)', () => expect(price(p, 6)).toBe('39.00'));
  it('q=5 → 35.00, q=11 → 66.00, q=0 → 0', () => {
    expect(price(p, 5)).toBe('35.00');
    expect(price(p, 11)).toBe('66.00');
    expect(price(p, 0)).toBe('0.00');
  });
  it('adds the reached tier flat fee', () => {
    expect(price({ model: 'volume', tiers: [{ upTo: 10, unitAmount: '1.00', flatAmount: '5.00' }, { upTo: null, unitAmount: '0.50', flatAmount: '10.00' }] }, 20)).toBe('20.00');
  });
});

describe('package', () => {
  // Lago-style package: 1,000 units for $5, the first 100 free; a started package is paid in full.
  const p: Pricing = { model: 'package', packageSize: 1000, packageAmount: '5.00', freeUnits: 100 };
  it('1,500 units → ceil(1,400 / 1,000) = 2 packages = 10.00', () => expect(price(p, 1500)).toBe('10.00'));
  it('100 units are all free; 1,100 → 1 package; 1,101 → 2', () => {
    expect(price(p, 100)).toBe('0.00');
    expect(price(p, 1100)).toBe('5.00');
    expect(price(p, 1101)).toBe('10.00');
  });
});

describe('standard', () => {
  it('units × price minus free units', () => {
    expect(price({ model: 'standard', unitAmount: '5.00' }, 3)).toBe('15.00');
    expect(price({ model: 'standard', unitAmount: '5.00', freeUnits: 1 }, 3)).toBe('10.00');
    expect(price({ model: 'standard', unitAmount: '5.00', freeUnits: 5 }, 3)).toBe('0.00');
  });
  it('keeps sub-cent unit prices exact until the line is rounded', () => expect(price({ model: 'standard', unitAmount: '0.0015' }, 1003)).toBe('1.50'));
});

describe('percentage', () => {
  // Lago-style percentage charge: 1.5% of the amount plus $0.10 per transaction, 3 free transactions.
  const p: Pricing = { model: 'percentage', rate: '1.5', fixedAmount: '0.10', freeEvents: 3 };
  it('1.5% × 10,000 + 0.10 × (5 − 3) = 150.20', () => expect(price(p, 0, { amount: '10000', count: 5 })).toBe('150.20'));
  it('free amount comes off before the rate', () => {
    expect(price({ model: 'percentage', rate: '2', freeAmount: '500.00' }, 0, { amount: '1000.00', count: 10 })).toBe('10.00');
    expect(price({ model: 'percentage', rate: '2', freeAmount: '500.00' }, 0, { amount: '400.00', count: 10 })).toBe('0.00');
  });
});
