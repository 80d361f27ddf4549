/**
 * customerRatingFacts({ ctx, customerId, month }): what rating would see for one stored customer
 * in one month, for the rule test to start from real data (issue 9): the customer's facts, the
 * subscriptions active in the period (plan and quantities of the phase in effect, coupons,
 * cycleIndex as the next bill run would number it) and the metered usage so far, per meter.
 *
 * Who may: the rule-test audience, rules:read and customers:read. The usage is the aggregated
 * fact `usage.<meter>` the rules read (marketers write usage conditions), not the events.
 */
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { bills, customers, subscriptionPhases, subscriptions, tenants } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { addInterval, todayInZone } from '../lib/dates';
import { factCustomer } from '../customers/facts';
import { latestChurnFacts } from '../churn/facts';
import { aggregate } from '../metering/usage';
import { tenantMeters } from '../metering/tenant-meters';
import { startOfDayInZone } from '../metering/period';

export async function customerRatingFacts({ ctx, customerId, month }: { ctx: Ctx; customerId: string; month?: string }) {
  assertPermission(ctx, 'rules:read');
  assertPermission(ctx, 'customers:read');
  const [c] = await q(ctx).select().from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, customerId)));
  if (!c) throw notFound('Customer');
  const [tenant] = await q(ctx).select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  const tz = tenant.timezone;
  const start = `${month ?? todayInZone(tz, ctx.now()).slice(0, 7)}-01`;
  const end = addInterval(start, 'month', 1);

  const subs = await q(ctx).select().from(subscriptions).where(and(
    eq(subscriptions.tenantId, ctx.tenantId), eq(subscriptions.customerId, customerId),
    lt(subscriptions.startDate, end), or(isNull(subscriptions.endDate), gt(subscriptions.endDate, start)),
  )).orderBy(asc(subscriptions.startDate), asc(subscriptions.id));
  const ids = subs.map((s) => s.id);
  const phases = ids.length ? await q(ctx).select().from(subscriptionPhases)
    .where(and(eq(subscriptionPhases.tenantId, ctx.tenantId), inArray(subscriptionPhases.subscriptionId, ids)))
    .orderBy(asc(subscriptionPhases.startDate)) : [];
  const prior = ids.length ? await q(ctx).select({ id: bills.subscriptionId, n: sql<number>`count(*)::int` }).from(bills)
    .where(and(eq(bills.tenantId, ctx.tenantId), inArray(bills.subscriptionId, ids), lt(bills.periodStart, start)))
    .groupBy(bills.subscriptionId) : [];
  const priorBills = new Map(prior.map((p) => [p.id, Number(p.n)]));

  const from = startOfDayInZone(start, tz);
  const to = startOfDayInZone(end, tz);
  const usage: Record<string, { value: string; events: number; aggregation: string; unit: string | null; name: string }> = {};
  for (const m of await tenantMeters(q(ctx), ctx.tenantId)) {
    const u = await aggregate(q(ctx), ctx.tenantId, customerId, m, from, to);
    usage[m.code] = { value: u.value, events: u.events, aggregation: u.aggregation, unit: u.unit, name: u.name };
  }

  // The churn facts as a bill run would read them (latest score of the active model), for rules on churnBand.
  const churn = (await latestChurnFacts(q(ctx), ctx.tenantId, [customerId])).get(customerId);
  return {
    customerId, timezone: tz, period: { start, end },
    customer: (() => { const f = factCustomer(c, start, churn); return { ...f, tags: f.tags ? [...f.tags] : f.tags }; })(),
    subscriptions: subs.map((s) => {
      // The phase in effect in the period: the latest that starts before its end and has not ended by its start.
      const inPeriod = phases.filter((p) => p.subscriptionId === s.id && p.startDate < end && (!p.endDate || p.endDate > start));
      const phase = inPeriod.at(-1);
      return {
        id: s.id, planCode: phase?.planCode ?? s.planCode, quantities: phase?.quantities ?? s.quantities,
        startDate: s.startDate, endDate: s.endDate, trialEndDate: s.trialEndDate, coupons: s.coupons, addOn: s.addOn,
        cycleIndex: (priorBills.get(s.id) ?? 0) + 1,
      };
    }),
    usage,
  };
}
