import { Decimal, ZERO } from '../../lib/money';
import { freeUnitsOf, parseTiers, tierUse } from './tiers';
import type { ParsedTier, Pricer, TierUse } from './types';

/**
 * graduated (Tier 요율): each tier prices the units inside (previous upTo, upTo] at its own
 * unitAmount, plus its flatAmount when at least some of the quantity falls inside it.
 * Free units (from free_units rules) are taken off the quantity before the tiers apply.
 */
export function graduatedPricer(p: { tiers: ReadonlyArray<{ upTo: string | number | null; unitAmount: string; flatAmount?: string }> }, extraFree: Decimal = ZERO): Pricer {
  const tiers: ParsedTier[] = parseTiers(p.tiers);
  return {
    model: 'graduated',
    price: ({ quantity }) => {
      const q = Decimal.max(ZERO, quantity.minus(extraFree));
      let total = ZERO;
      let from = ZERO;
      for (const t of tiers) {
        if (!q.greaterThan(from)) break;
        const to = t.upTo === null ? q : Decimal.min(q, t.upTo);
        const units = to.minus(from);
        if (units.greaterThan(0)) total = total.plus(units.times(t.unitAmount)).plus(t.flatAmount);
        if (t.upTo === null) break;
        from = t.upTo;
      }
      return total;
    },
    withFreeUnits: (units) => graduatedPricer(p, extraFree.plus(units)),
    // The same walk as price(): every tier with units in it.
    breakdown: ({ quantity }) => {
      const q = Decimal.max(ZERO, quantity.minus(extraFree));
      const used: TierUse[] = [];
      let from = ZERO;
      for (let i = 0; i < tiers.length; i++) {
        const t = tiers[i];
        if (!q.greaterThan(from)) break;
        const to = t.upTo === null ? q : Decimal.min(q, t.upTo);
        const units = to.minus(from);
        if (units.greaterThan(0)) used.push(tierUse(tiers, i, units));
        if (t.upTo === null) break;
        from = t.upTo;
      }
      return { model: 'graduated', tiers: used, ...freeUnitsOf(extraFree) };
    },
  };
}
