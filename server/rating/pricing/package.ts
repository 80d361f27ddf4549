import { Decimal, ZERO, parseDecimal } from '../../lib/money';
import { freeUnitsOf } from './tiers';
import type { LinePricing, Pricer } from './types';

/** package: ceil(max(0, q − freeUnits) / packageSize) × packageAmount (a started package is paid). */
export function packagePricer(
  p: { packageSize: string | number; packageAmount: string; freeUnits?: string | number },
  extraFree: Decimal = ZERO,
): Pricer {
  const size = parseDecimal(p.packageSize);
  const amount = parseDecimal(p.packageAmount);
  const free = parseDecimal(p.freeUnits ?? 0).plus(extraFree);
  let shown: LinePricing | undefined;
  return {
    model: 'package',
    price: ({ quantity }) => Decimal.max(ZERO, quantity.minus(free)).dividedBy(size).ceil().times(amount),
    withFreeUnits: (units) => packagePricer(p, extraFree.plus(units)),
    breakdown: () => (shown ??= { model: 'package', unitAmount: amount.toString(), packageSize: size.toString(), ...freeUnitsOf(free) }),
  };
}
