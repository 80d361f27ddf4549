/**
 * MRR of one subscription phase: THE definition (README.md "MRR"). The recurring amount is what
 * rate() (the one definition of price) charges for one full period of the plan's interval at the
 * phase's quantities, without usage, after the recurring discounts (discount and coupon rules
 * without a `cycles` limit; promotions and limited-cycle discounts are one-off, not MRR), before
 * tax; then normalised to a month and rounded once to the currency's minor unit.
 */
import type { PlanDoc, RuleDoc } from '../rating/types';
import { rate } from '../rating';
import { addInterval, type Interval } from '../lib/dates';
import { Decimal, ZERO, parseDecimal, roundMoney, type RoundingMode } from '../lib/money';
import type { FactCustomer } from '../rules/facts';

/** A month's share of an amount billed every `count` `interval`s: yearly ÷ 12, weekly × 52 ÷ 12, daily × 365 ÷ 12. */
export function monthlyShare(amount: Decimal, interval: Interval, count = 1): Decimal {
  const per = interval === 'month' ? new Decimal(count)
    : interval === 'year' ? new Decimal(12 * count)
      : interval === 'week' ? new Decimal(12 * count).dividedBy(52)
        : new Decimal(12 * count).dividedBy(365);
  return amount.dividedBy(per);
}

/** Rules that keep reducing every period: discounts and coupons with no `cycles` limit. */
export function recurringDiscountRules(rules: readonly RuleDoc[]): RuleDoc[] {
  return rules.filter((r) => (r.kind === 'discount' || r.kind === 'coupon')
    && !(r.event?.params as { cycles?: number } | undefined)?.cycles);
}

export interface PhaseMrrInput {
  plan: PlanDoc;
  quantities: Record<string, string>;
  customer: FactCustomer;
  /** The day the phase starts counting (after any trial). */
  from: string;
  rules: readonly RuleDoc[];
  coupons?: string[];
  rounding: RoundingMode;
}

/** The phase's MRR in the plan's currency, rounded to its minor unit (never negative). */
export function phaseMrr(i: PhaseMrrInput): Decimal {
  const count = i.plan.intervalCount ?? 1;
  let period = { start: i.from, end: addInterval(i.from, i.plan.interval as Interval, count) };
  // A phase starting in the last cycle of the calendar (dates end at 9999-12-31): price the cycle before it.
  if (period.end.length > 10) period = { start: addInterval(i.from, i.plan.interval as Interval, -count), end: i.from };
  const r = rate({
    currency: i.plan.currency, rounding: i.rounding, customer: i.customer, period,
    subscriptions: [{ plan: { ...i.plan, trialDays: 0 }, startDate: i.from, quantities: i.quantities, coupons: i.coupons }],
  }, { rules: recurringDiscountRules(i.rules), trace: 'summary' });
  const net = parseDecimal(r.subtotal).minus(parseDecimal(r.discountTotal));
  const m = roundMoney(monthlyShare(net, i.plan.interval as Interval, count), i.plan.currency, i.rounding);
  return m.isNegative() ? ZERO : m;
}
