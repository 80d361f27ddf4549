import { buildFacts, type FactMap } from '../rules/facts';
import { installmentsLeft, termEndsOn } from './charge-timing';
import { daysBetweenCached } from './proration';
import type { RatingInput, SubscriptionInput } from './types';

const isOwn = (o: object, k: string) => Object.prototype.propertyIsEnumerable.call(o, k);

/**
 * The fact map of one subscription for one period, before pricing (bill.subtotal and
 * invoice.subtotal are null until rate() knows them). Quantities and usage become JS numbers
 * here because conditions only compare them; pricing itself reads the decimal inputs.
 */
export function subscriptionFacts(input: RatingInput, sub: SubscriptionInput, referencedFacts: Iterable<string> = []): FactMap {
  const plan = sub.plan;
  // for-in over own enumerable keys: the keys and order of Object.entries, without its arrays.
  const quantities: Record<string, number> = {};
  const sq = sub.quantities;
  if (sq) for (const k in sq) if (isOwn(sq, k)) quantities[k] = Number(sq[k]);
  const usage: Record<string, number> = {};
  const su = sub.usage;
  if (su)
    for (const k in su)
      if (isOwn(su, k)) {
        const v = su[k];
        usage[k] = typeof v === 'object' && v !== null ? Number(v.amount) : Number(v);
      }
  const a = input.coupons;
  const b = sub.coupons;
  // [...new Set([...a, ...b])], without the Set for the usual zero or one invoice coupon
  const coupons = (!b || b.length === 0) && (!a || a.length <= 1) ? (a && a.length === 1 ? [a[0]] : []) : [...new Set([...(a ?? []), ...(b ?? [])])];
  const cycleIndex = sub.cycleIndex ?? 1;
  return buildFacts({
    customer: input.customer,
    subscription: {
      planCode: plan.code, startDate: sub.startDate ?? input.period.start, cycleIndex, quantities,
      installmentsLeft: installmentsLeft(plan, cycleIndex), termEndsOn: termEndsOn(plan, input.period, cycleIndex),
    },
    plan: { code: plan.code, interval: plan.interval, currency: plan.currency },
    period: { start: input.period.start, end: input.period.end, days: daysBetweenCached(input.period.start, input.period.end) },
    usage,
    coupons,
    referencedFacts,
  });
}
