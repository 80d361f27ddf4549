import { Decimal, ZERO, parseDecimal } from '../../lib/money';
import { freeUnitsOf } from './tiers';
import type { LinePricing, Pricer } from './types';

/** standard: max(0, q − freeUnits) × unitAmount. */
export function standardPricer(p: { unitAmount: string; freeUnits?: string | number }, extraFree: Decimal = ZERO): Pricer {
  const unit = parseDecimal(p.unitAmount);
  const free = parseDecimal(p.freeUnits ?? 0).plus(extraFree);
  let shown: LinePricing | undefined;
  return {
    model: 'standard',
    price: ({ quantity }) => Decimal.max(ZERO, quantity.minus(free)).times(unit),
    withFreeUnits: (units) => standardPricer(p, extraFree.plus(units)),
    breakdown: () => (shown ??= { model: 'standard', unitAmount: unit.toString(), ...freeUnitsOf(free) }),
  };
}
