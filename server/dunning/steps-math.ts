/** Pure money math of dunning steps (shared by the run and the projections). */
import { Decimal, roundMoney, type RoundingMode } from '../lib/money';

/**
 * A late fee: a percent of what is owed per month (30 days), prorated by the days overdue, or a
 * flat amount; never more, over all of this rule's fees on the invoice, than the cap. Zero when
 * the cap is reached (the caller then records "not due" and claims nothing).
 */
export function lateFeeAmount(p: { percent?: string | number; amount?: string; cap: string }, owed: Decimal, daysOverdue: number, chargedSoFar: Decimal, currency: string, rounding: RoundingMode): Decimal {
  const raw = p.percent !== undefined ? owed.times(p.percent).dividedBy(100).times(daysOverdue).dividedBy(30) : new Decimal(p.amount!);
  const room = Decimal.max(0, new Decimal(p.cap).minus(chargedSoFar));
  return roundMoney(Decimal.min(raw, room), currency, rounding);
}

