/**
 * Demo billing (idempotent): bill-run groups (day 1, day 15), subscriptions for the demo
 * customers on the demo plans, and bill runs for the last 3 closed periods of each group, run
 * in-process, so the console shows real invoices on first start; the oldest month is issued at
 * its period end and paid with real payments (./payment-history.ts), the middle one finalized,
 * the latest left as drafts. A tenant that has subscriptions is left alone.
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { billRunGroups, customers, invoices, subscriptions } from '../server/db/schema';
import type { Ctx } from '../server/lib/context';
import { ServiceError } from '../server/lib/errors';
import { addInterval, periodContaining, todayInZone } from '../server/lib/dates';
import { createOrder, transitionOrder } from '../server/subscriptions/orders';
import { tenantSettings } from '../server/tenants/tenant-settings';
import { runBillRunNow } from '../server/billing/bill-run-job';
import { upsertGroup } from '../server/billing/bill-run-groups';
import { finalizeInvoice } from '../server/invoices/invoices';
import { grantRedeemablePoints, payClosedMonth } from './payment-history';
import { DEMO_CATALOG_FROM } from './catalog';

const GROUPS = [{ code: 'cycle-1', name: '매월 1일 청구 (Day 1)', cycleDay: 1 }, { code: 'cycle-15', name: '매월 15일 청구 (Day 15)', cycleDay: 15 }];

/** Plans per customer, first eligible choice wins (enterprise has an eligibility rule). */
function plansFor(c: typeof customers.$inferSelect): string[][] {
  if (c.externalId === 'SCN') return [['eureka-pro', 'eureka-api-50', 'eureka-api-40', 'eureka-api-20', 'aws-passthrough']];
  if (c.externalId === 'GRS') return [['eureka-pro', 'eureka-api-20', 'eureka-api-10', 'aws-passthrough']];
  if (c.type === 'corporate') return [['enterprise'], ['standard']];
  if (c.type === 'public') return [['standard']];
  return [['basic'], ['free']];
}

/** How long (months before the first billed period) the established demo customers have subscribed, spread. */
const TENURE_MONTHS = [1, 3, 6, 9, 12, 15, 18, 21, 24, 30, 36, 48];

/** `months` cycles before `first`, on the cycle day, but not before the demo plans take effect. */
function backdated(first: string, months: number, day: number): string {
  let start = addInterval(first, 'month', -months, day);
  while (start < DEMO_CATALOG_FROM) start = addInterval(start, 'month', 1, day);
  return start < first ? start : first;
}

export async function seedBilling(ctx: Ctx): Promise<void> {
  const [{ n }] = await ctx.db.select({ n: count() }).from(subscriptions).where(eq(subscriptions.tenantId, ctx.tenantId));
  if (Number(n) > 0) return;
  for (const g of GROUPS) {
    const [exists] = await ctx.db.select({ id: billRunGroups.id }).from(billRunGroups).where(and(eq(billRunGroups.tenantId, ctx.tenantId), eq(billRunGroups.code, g.code)));
    if (!exists) await upsertGroup({ ctx, input: g });
  }
  const { timezone } = await tenantSettings(ctx.db, ctx.tenantId);
  const today = todayInZone(timezone, ctx.now());
  const cs = await ctx.db.select().from(customers).where(eq(customers.tenantId, ctx.tenantId)).orderBy(asc(customers.externalId));
  const paying = new Set<string>();
  for (const [i, c] of cs.entries()) {
    const day = GROUPS.find((g) => g.code === c.billingGroup)?.cycleDay ?? 1;
    // Three closed periods are billed (below). A quarter of the customers joined in the first of them, mid-period
    // (prorated first bill); the others have been customers for months or years: their start dates are backdated (on
    // the cycle day, never before the demo catalog takes effect) without billing the older periods, so tenures vary
    // as in a real customer base (churn features read tenure; every customer 97 days old made the demo look new).
    const first = addInterval(periodContaining(today, day).start, 'month', -3, day);
    const start = i % 4 === 3 ? addInterval(first, 'day', 9) : backdated(first, TENURE_MONTHS[(i * 5) % TENURE_MONTHS.length], day);
    for (const items of plansFor(c)) {
      try {
        const o = await createOrder({ ctx, input: { customerId: c.id, items: items.map((planCode, k) => ({ planCode, addOn: k > 0, quantities: {} })) } });
        await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
        if (!items.includes('free')) paying.add(c.id);
        break;
      } catch (err) {
        if (!(err instanceof ServiceError) || (err.code !== 'NOT_ELIGIBLE' && err.code !== 'VALIDATION_FAILED')) throw err;
      }
    }
  }
  // Points that the first bill runs below redeem (the demo otherwise only ever earns them).
  const oldestStart = addInterval(periodContaining(today, 1).start, 'month', -3, 1);
  await grantRedeemablePoints(ctx, cs.map((c) => ({ id: c.id, payerId: c.payerId, currency: c.currency, paying: paying.has(c.id) })), oldestStart);
  // Bill runs for the last 3 closed periods of every group, oldest first; then statuses.
  const runs: { periodStart: string; ids: string[] }[] = [];
  for (const groupCode of [undefined, ...GROUPS.map((g) => g.code)]) {
    const day = GROUPS.find((g) => g.code === groupCode)?.cycleDay ?? 1;
    const current = periodContaining(today, day).start;
    for (let back = 3; back >= 1; back--) {
      const periodStart = addInterval(current, 'month', -back, day);
      const run = await runBillRunNow({ ctx, input: { groupCode, periodStart } });
      runs.push({ periodStart, ids: (run.payers ?? []).map((p) => p.invoiceId).filter((x): x is string => !!x) });
    }
  }
  const oldestFirst = await ctx.db.select({ id: invoices.id, periodStart: invoices.periodStart }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), inArray(invoices.id, runs.flatMap((r) => r.ids).length ? runs.flatMap((r) => r.ids) : ['00000000-0000-4000-8000-000000000000'])))
    .orderBy(asc(invoices.periodStart), asc(invoices.id));
  const starts = [...new Set(oldestFirst.map((i) => i.periodStart))].sort();
  const latestTwo = new Set(starts.slice(-2));
  const closed: string[] = [];
  for (const inv of oldestFirst) {
    if (latestTwo.has(inv.periodStart) && starts.indexOf(inv.periodStart) === starts.length - 1) continue; // newest: drafts
    if (!latestTwo.has(inv.periodStart)) closed.push(inv.id); // oldest: issued back then and paid with real payments
    else await finalizeInvoice({ ctx, id: inv.id });
  }
  await payClosedMonth(ctx, closed);
}
