import { Decimal, ZERO, roundMoney, sumDecimals, toMoneyString, type RoundingMode } from '../lib/money';
import { allocateProportionally } from './allocate';
import type { RatedLine } from './types';

/**
 * Tax lines from exact (unrounded) tax per tax name and rule (spec §4 step 4): each name's sum is
 * rounded once, then split over the rules of that name in proportion (largest remainder), so each
 * line still names its rule. Names and rules keep the maps' order; zero shares make no line.
 * Used by the reference rater for one rating and by bill runs for a payer's merged invoice.
 */
export function roundTaxByName(byName: ReadonlyMap<string, ReadonlyMap<string, Decimal>>, currency: string, mode: RoundingMode): { lines: RatedLine[]; total: Decimal } {
  const lines: RatedLine[] = [];
  let total = ZERO;
  for (const [name, m] of byName) {
    const rules = [...m.keys()];
    const exact = [...m.values()];
    const rounded = roundMoney(sumDecimals(exact), currency, mode);
    const shares = allocateProportionally(rounded, exact, currency);
    rules.forEach((rule, i) => {
      if (!shares[i].isZero()) lines.push({ kind: 'tax', rule, name, amount: toMoneyString(shares[i], currency) });
    });
    total = total.plus(rounded);
  }
  return { lines, total };
}
