import { daysBetween } from '../lib/dates';
import { buildFacts, type FactMap } from '../rules/facts';
import type { RatingInput, SubscriptionInput } from './types';

/**
 * The fact map of one subscription for one period, before pricing (bill.subtotal and
 * invoice.subtotal are null until rate() knows them). Quantities and usage become JS numbers
 * here because conditions only compare them; pricing itself reads the decimal inputs.
 */
export function subscriptionFacts(input: RatingInput, sub: SubscriptionInput, referencedFacts: Iterable<string> = []): FactMap {
  const plan = sub.plan;
  const quantities: Record<string, number> = {};
  for (const [k, v] of Object.entries(sub.quantities ?? {})) quantities[k] = Number(v);
  const usage: Record<string, number> = {};
  for (const [k, v] of Object.entries(sub.usage ?? {})) usage[k] = typeof v === 'object' && v !== null ? Number(v.amount) : Number(v);
  const coupons = [...new Set([...(input.coupons ?? []), ...(sub.coupons ?? [])])];
  return buildFacts({
    customer: input.customer,
    subscription: { planCode: plan.code, startDate: sub.startDate ?? input.period.start, cycleIndex: sub.cycleIndex ?? 1, quantities },
    plan: { code: plan.code, interval: plan.interval, currency: plan.currency },
    period: { start: input.period.start, end: input.period.end, days: daysBetween(input.period.start, input.period.end) },
    usage,
    coupons,
    referencedFacts,
  });
}
