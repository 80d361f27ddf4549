/**
 * The optimised rate() (exact integers in minor units, ./server/rating/exact.ts) must give the
 * same result as the straightforward decimal.js implementation (rateReference) on random
 * invoices: every pricing model, proration and trials, minimums, every rule kind, exclusive
 * groups, cycles, coupons, budgets, several subscriptions, all rounding modes and currencies
 * with 0, 2 and 3 decimals; one-time charges, installments, in-advance timing (with the catch-up
 * after a mid-period change, `creditedFrom`, alone for yearly plans: `catchUpOnly`) and terms, with segments of one subscription sharing
 * an id. Equal means deep-equal results, trace included (the property: ./fast-path-property.ts).
 *
 * 1,000 invoices here; `npm run bench:rating` runs 20,000 with the same seed, or
 * `FAST_PATH_RUNS=20000 npx vitest run <this file>`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rateStats } from '../../../server/rating/rate';
import { allocateProportionally } from '../../../server/rating/allocate';
import { allocateInt, formatMinor, roundDiv } from '../../../server/rating/exact';
import { Decimal, roundMoney } from '../../../server/lib/money';
import { FAST_PATH_SEED, fastPathProperty, fastPathRuns, mode } from './fast-path-property';

describe('optimised rate() = straightforward decimal.js rateReference()', () => {
  it('gives identical results on random invoices (every model, rule kind, rounding mode, currency)', () => {
    const before = { ...rateStats };
    fc.assert(fastPathProperty((fast, ref) => expect(fast).toEqual(ref)), { numRuns: fastPathRuns(1000), seed: FAST_PATH_SEED });
    // The comparison must exercise the fast path, not its fallback.
    const fast = rateStats.fast - before.fast;
    const fallbacks = rateStats.fallbacks - before.fallbacks;
    expect(fast).toBeGreaterThan(fallbacks * 2);
  });

  it('integer rounding, formatting and allocation equal decimal.js', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), mode, fc.constantFrom(0, 2, 3), (n, d, m, places) => {
        const exact = new Decimal(n).dividedBy(d);
        expect(String(roundDiv(n, d, m))).toBe(roundMoney(exact, 'KRW', m).toFixed(0));
        expect(formatMinor(n, places)).toBe(new Decimal(n).dividedBy(10 ** places).toFixed(places));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e7 }), { minLength: 1, maxLength: 6 }), fc.nat(), (weights, t) => {
        const W = weights.reduce((a, b) => a + b, 0);
        const total = W === 0 ? 0 : t % (W + 1);
        const ref = allocateProportionally(new Decimal(total).dividedBy(100), weights.map((w) => new Decimal(w).dividedBy(100)), 'USD').map((x) => x.times(100).toNumber());
        expect(allocateInt(total, weights)).toEqual(ref);
      }),
      { numRuns: 3000 },
    );
  });
});
