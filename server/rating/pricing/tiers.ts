import { Decimal, parseDecimal, ZERO } from '../../lib/money';
import type { ParsedTier, TierUse } from './types';

export function parseTiers(tiers: ReadonlyArray<{ upTo: string | number | null; unitAmount: string; flatAmount?: string }>): ParsedTier[] {
  return tiers.map((t) => ({
    upTo: t.upTo === null ? null : parseDecimal(t.upTo),
    unitAmount: parseDecimal(t.unitAmount),
    flatAmount: t.flatAmount === undefined ? ZERO : parseDecimal(t.flatAmount),
  }));
}

/** One tier's use as a line shows it (`amount` = units × unitAmount + flatAmount, unrounded). */
export function tierUse(tiers: readonly ParsedTier[], i: number, units: Decimal): TierUse {
  const t = tiers[i];
  const from = i === 0 ? ZERO : (tiers[i - 1].upTo ?? ZERO);
  return {
    from: from.toString(), upTo: t.upTo === null ? null : t.upTo.toString(), units: units.toString(), unitAmount: t.unitAmount.toString(),
    ...(t.flatAmount.isZero() ? {} : { flatAmount: t.flatAmount.toString() }),
    amount: units.times(t.unitAmount).plus(t.flatAmount).toString(),
  };
}

/** Free units as a line shows them: absent when none. */
export function freeUnitsOf(free: Decimal): { freeUnits?: string } {
  return free.isZero() ? {} : { freeUnits: free.toString() };
}
