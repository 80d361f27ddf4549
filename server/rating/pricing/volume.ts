import { Decimal, ZERO } from '../../lib/money';
import { parseTiers } from './tiers';
import type { ParsedTier, Pricer } from './types';

/**
 * volume (Step 요율): all q units at the unitAmount of the tier that contains q, plus that
 * tier's flatAmount; q = 0 costs 0. "Contains" uses the inclusive upper bound: q = 5 with
 * upTo 5 is in the first tier.
 */
export function volumePricer(p: { tiers: ReadonlyArray<{ upTo: string | number | null; unitAmount: string; flatAmount?: string }> }, extraFree: Decimal = ZERO): Pricer {
  const tiers: ParsedTier[] = parseTiers(p.tiers);
  return {
    model: 'volume',
    price: ({ quantity }) => {
      const q = Decimal.max(ZERO, quantity.minus(extraFree));
      if (q.isZero()) return ZERO;
      const tier = tiers.find((t) => t.upTo === null || q.lessThanOrEqualTo(t.upTo)) ?? tiers[tiers.length - 1];
      return q.times(tier.unitAmount).plus(tier.flatAmount);
    },
    withFreeUnits: (units) => volumePricer(p, extraFree.plus(units)),
  };
}
