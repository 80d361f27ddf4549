import { Decimal, currencyDecimals, toMoneyString } from '../../server/lib/money';

/**
 * A stored numeric(40,15) amount ("4.000000000000000") as the currency's money string ("4.00"),
 * failing on any digit beyond the minor unit: `Number(v).toFixed(2)` would round a stray
 * "4.004999" to "4.00" and hide it.
 */
export function storedMoney(v: string, currency: string): string {
  const d = new Decimal(v);
  if (d.decimalPlaces() > currencyDecimals(currency)) throw new Error(`stored amount ${v} has digits beyond the ${currency} minor unit`);
  return toMoneyString(d, currency);
}
