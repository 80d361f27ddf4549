/**
 * Step 5 of rating.md §4 (after tax): prepaid balance, then points, come off the invoice total.
 * ONE function, called by both raters (rate.ts, rate-reference.ts: so the preview shows it) and
 * by stored billing when a payer's invoice merges several ratings (server/billing/rate-payer.ts),
 * so a bill run draws exactly what `POST /rating/preview` shows for the same balances and policy.
 *
 * Points are counted in points, not money: a point is worth `pointValue` of the invoice currency
 * (default 1) and at most `maxPointsPerInvoice` points (default: no cap) are spent on one invoice.
 *   pointsApplied (money) = min(round_down(min(points, cap) × pointValue), total − prepaidApplied)
 *   pointsSpent (points)  = round_up(pointsApplied / pointValue), never more than min(points, cap)
 * Balances are rounded down to the currency's minor unit first; negative balances count as zero.
 */
import { Decimal, ZERO, currencyDecimals, parseDecimal, roundTo } from '../lib/money';

export interface PointsPolicy {
  /** Money (invoice currency) one point is worth; decimal string > 0. Default "1". */
  pointValue?: string;
  /** At most this many points are spent on one invoice; null/absent = no cap. */
  maxPointsPerInvoice?: string | null;
}

export interface BalancesApplied {
  prepaidApplied: Decimal;
  /** Money taken off by points. */
  pointsApplied: Decimal;
  /** Points debited from the points wallet for `pointsApplied`. */
  pointsSpent: Decimal;
  amountDue: Decimal;
}

export function applyBalances(total: Decimal, currency: string, balances: { prepaid?: string; points?: string; policy?: PointsPolicy }): BalancesApplied {
  const places = currencyDecimals(currency);
  const bal = (v: string | undefined) => (v === undefined ? ZERO : Decimal.max(ZERO, roundTo(parseDecimal(v), places, 'down')));
  const owed = Decimal.max(ZERO, total);
  const prepaidApplied = Decimal.min(bal(balances.prepaid), owed);
  const value = balances.policy?.pointValue !== undefined ? parseDecimal(balances.policy.pointValue) : new Decimal(1);
  let usable = bal(balances.points);
  const cap = balances.policy?.maxPointsPerInvoice;
  if (cap !== undefined && cap !== null) usable = Decimal.min(usable, Decimal.max(ZERO, parseDecimal(cap)));
  let pointsApplied = ZERO;
  let pointsSpent = ZERO;
  if (value.greaterThan(0) && usable.greaterThan(0)) {
    pointsApplied = Decimal.min(roundTo(usable.times(value), places, 'down'), owed.minus(prepaidApplied));
    pointsSpent = Decimal.min(usable, roundTo(pointsApplied.div(value), places, 'up'));
  }
  return { prepaidApplied, pointsApplied, pointsSpent, amountDue: total.minus(prepaidApplied).minus(pointsApplied) };
}
