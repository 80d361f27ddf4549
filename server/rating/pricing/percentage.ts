import { Decimal, HUNDRED, ZERO, parseDecimal } from '../../lib/money';
import type { Pricer } from './types';

/**
 * percentage: rate% × max(0, amount − freeAmount) + fixedAmount × max(0, count − freeEvents).
 * A percentage meter reports { amount, count }; free units from a free_units rule count as
 * free events (the unit of such a meter is the event).
 */
export function percentagePricer(
  p: { rate: string | number; fixedAmount?: string; freeAmount?: string; freeEvents?: number },
  extraFree: Decimal = ZERO,
): Pricer {
  const rate = parseDecimal(p.rate).dividedBy(HUNDRED);
  const fixed = parseDecimal(p.fixedAmount ?? '0');
  const freeAmount = parseDecimal(p.freeAmount ?? '0');
  const freeEvents = parseDecimal(p.freeEvents ?? 0).plus(extraFree);
  return {
    model: 'percentage',
    price: ({ quantity, amount, count }) => {
      const amt = amount ?? quantity;
      const n = count ?? ZERO;
      return Decimal.max(ZERO, amt.minus(freeAmount))
        .times(rate)
        .plus(fixed.times(Decimal.max(ZERO, n.minus(freeEvents))));
    },
    withFreeUnits: (units) => percentagePricer(p, extraFree.plus(units)),
    breakdown: () => undefined,
  };
}
