import { Decimal, ZERO, currencyDecimals, minorUnit, roundTo, sumDecimals } from '../lib/money';

/**
 * Splits `total` over `weights` in proportion, in whole minor units, so that the shares add up
 * to exactly `total` (largest-remainder method: every share is first cut toward zero, then the
 * leftover minor units go to the largest cut-off fractions, earlier lines winning ties).
 * With total ≤ sum(weights) and weights in whole minor units, no share exceeds its weight.
 */
export function allocateProportionally(total: Decimal, weights: readonly Decimal[], currency: string): Decimal[] {
  if (weights.length === 1) return [total];
  const W = sumDecimals(weights);
  if (total.isZero() || W.isZero()) return weights.map(() => ZERO);
  const places = currencyDecimals(currency);
  const exact = weights.map((w) => total.times(w).dividedBy(W));
  const shares = exact.map((e) => roundTo(e, places, 'down'));
  const unit = minorUnit(currency);
  let left = total.minus(sumDecimals(shares)).dividedBy(unit).round().toNumber();
  // Remainders compared exactly (total·wᵢ − shareᵢ·W, no division): a 40-digit quotient's
  // fraction would break exact ties by the length of its integer part.
  const order = weights
    .map((w, i) => ({ i, rem: total.times(w).minus(shares[i].times(W)) }))
    .sort((a, b) => b.rem.comparedTo(a.rem) || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = shares[i].plus(unit);
    left--;
  }
  return shares;
}
