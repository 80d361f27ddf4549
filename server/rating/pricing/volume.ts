import { Decimal, ZERO } from '../../lib/money';
import { freeUnitsOf, parseTiers, tierUse } from './tiers';
import type { ParsedTier, Pricer } from './types';

/**
 * volume (Step 요율): all q units at the unitAmount of the tier that contains q, plus that
 * tier's flatAmount; q = 0 costs 0. "Contains" uses the inclusive upper bound: q = 5 with
 * upTo 5 is in the first tier.
 */
export function volumePricer(p: { tiers: ReadonlyArray<{ upTo: string | number | null; unitAmount: string; flatAmount?: string }> }, extraFree: Decimal = ZERO): Pricer {
  const tiers: ParsedTier[] = parseTiers(p.tiers);
  const tierOf = (q: Decimal) => {
    const i = tiers.findIndex((t) => t.upTo === null || q.lessThanOrEqualTo(t.upTo));
    return i < 0 ? tiers.length - 1 : i;
  };
  return {
    model: 'volume',
    price: ({ quantity }) => {
      const q = Decimal.max(ZERO, quantity.minus(extraFree));
      if (q.isZero()) return ZERO;
      const tier = tiers[tierOf(q)];
      return q.times(tier.unitAmount).plus(tier.flatAmount);
    },
    withFreeUnits: (units) => volumePricer(p, extraFree.plus(units)),
    breakdown: ({ quantity }) => {
      const q = Decimal.max(ZERO, quantity.minus(extraFree));
      const i = tierOf(q);
      return { model: 'volume', unitAmount: tiers[i].unitAmount.toString(), tiers: q.isZero() ? [] : [tierUse(tiers, i, q)], ...freeUnitsOf(extraFree) };
    },
  };
}
