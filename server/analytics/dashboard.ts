import { and, eq, gte, lt, sql, inArray, type SQL } from 'drizzle-orm';
import { bills, invoices, subscriptions, tenants } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { addInterval, todayInZone } from '../lib/dates';
import { invalid } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import { ISSUED as ISSUED_SQL } from './receivables';

export interface DashboardQuery { from?: string; to?: string; planCode?: string }

/** Invoices that count as revenue: issued and not voided. Drafts are not revenue yet. */
const ISSUED = ['finalized', 'partially_paid', 'paid', 'payment_failed'];

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = `${from}-01`; m <= `${to}-01`; m = addInterval(m, 'month', 1)) out.push(m.slice(0, 7));
  return out;
}

/**
 * The executive dashboard (deprecated: bill based), exact and "real-time". Months are calendar
 * months of the billing period.
 * - revenue: totals of issued invoices (tax included) by period month and currency;
 * - MRR: net recurring charges (bill subtotal − discounts) of the bills of each month;
 * - subscribers: active at the end of each month, new (started in it) and churned (ended in it);
 * - invoices by status and top plans by net billed amount over the range.
 * Revenue (without a plan filter), invoices by status and subscribers are sums of the facts that
 * triggers keep (invoice_period_facts, subscription_span_facts; README.md "Dashboard (bill
 * based)"); `dashboardFrom(…, 'raw')` computes them from every invoice and subscription, as the
 * benchmark and the tests compare.
 */
export async function dashboard({ ctx, query }: { ctx: Ctx; query: DashboardQuery }) {
  assertPermission(ctx, 'analytics:read');
  return dashboardFrom(ctx, query, 'facts');
}

export async function dashboardFrom(ctx: Ctx, query: DashboardQuery, source: 'facts' | 'raw') {
  const [tenant] = await q(ctx).select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  const thisMonth = todayInZone(tenant.timezone, ctx.now()).slice(0, 7);
  const to = query.to ?? thisMonth;
  const from = query.from ?? addInterval(`${to}-01`, 'month', -11).slice(0, 7);
  if (from > to) throw invalid([{ path: 'query.from', message: 'must not be after `to`' }]);
  const months = monthsBetween(from, to);
  if (months.length > 60) throw invalid([{ path: 'query.from', message: 'at most 60 months at a time' }]);
  const start = `${from}-01`;
  const end = addInterval(`${to}-01`, 'month', 1);
  const db = q(ctx);
  const month = (col: SQL | unknown) => sql<string>`to_char(${col}, 'YYYY-MM')`;

  const planFilterSubs: SQL[] = query.planCode ? [eq(subscriptions.planCode, query.planCode)] : [];
  // With a plan filter, revenue is what that plan's bills contributed (net of discounts, before tax).
  const revenue = query.planCode
    ? await db.select({ month: month(bills.periodStart), currency: bills.currency, amount: sql<string>`sum(${bills.subtotal} - ${bills.discountTotal})::text` })
      .from(bills).innerJoin(subscriptions, eq(subscriptions.id, bills.subscriptionId))
      .innerJoin(invoices, eq(invoices.id, bills.invoiceId))
      .where(and(eq(bills.tenantId, ctx.tenantId), gte(bills.periodStart, start), lt(bills.periodStart, end), inArray(invoices.status, ISSUED), ...planFilterSubs))
      .groupBy(sql`1`, bills.currency).orderBy(sql`1`)
    : source === 'facts'
      ? rowsOf(await db.execute(sql`select to_char(month, 'YYYY-MM') as month, currency, sum(total)::text as amount from invoice_period_facts
          where tenant_id = ${ctx.tenantId} and month >= ${start}::date and month < ${end}::date and status in ${ISSUED_SQL}
          group by month, currency having sum(invoices) <> 0 order by month, currency`)) as Array<{ month: string; currency: string; amount: string }>
      : await db.select({ month: month(invoices.periodStart), currency: invoices.currency, amount: sql<string>`sum(${invoices.total})::text` })
      .from(invoices)
      .where(and(eq(invoices.tenantId, ctx.tenantId), gte(invoices.periodStart, start), lt(invoices.periodStart, end), inArray(invoices.status, ISSUED)))
      .groupBy(sql`1`, invoices.currency).orderBy(sql`1`, invoices.currency);

  const mrr = await db.select({ month: month(bills.periodStart), currency: bills.currency, amount: sql<string>`sum(${bills.subtotal} - ${bills.discountTotal})::text` })
    .from(bills).innerJoin(subscriptions, eq(subscriptions.id, bills.subscriptionId))
    .where(and(eq(bills.tenantId, ctx.tenantId), gte(bills.periodStart, start), lt(bills.periodStart, end), ...planFilterSubs))
    .groupBy(sql`1`, bills.currency).orderBy(sql`1`);

  // One query over a generated series of month starts: active at month end, new and churned in it
  // (facts: start month ≤ m and no end month or one after m; started in m; ended in m).
  const planCond = query.planCode ? sql`and s.plan_code = ${query.planCode}` : sql``;
  const subsRows = source === 'facts' ? await db.execute(sql`
    select to_char(m, 'YYYY-MM') as month,
      coalesce(sum(s.subscriptions) filter (where s.start_month <= m and (s.end_month is null or s.end_month > m)), 0) as active,
      coalesce(sum(s.subscriptions) filter (where s.start_month = m), 0) as new,
      coalesce(sum(s.subscriptions) filter (where s.end_month = m), 0) as churned
    from generate_series(${start}::date, ${addInterval(`${to}-01`, 'month', 0)}::date, interval '1 month') as m
    left join subscription_span_facts s on s.tenant_id = ${ctx.tenantId} ${planCond}
    group by m order by m`) : await db.execute(sql`
    select to_char(m, 'YYYY-MM') as month,
      count(*) filter (where s.start_date < (m + interval '1 month')::date and (s.end_date is null or s.end_date >= (m + interval '1 month')::date)) as active,
      count(*) filter (where s.start_date >= m::date and s.start_date < (m + interval '1 month')::date) as new,
      count(*) filter (where s.end_date >= m::date and s.end_date < (m + interval '1 month')::date) as churned
    from generate_series(${start}::date, ${addInterval(`${to}-01`, 'month', 0)}::date, interval '1 month') as m
    left join subscriptions s on s.tenant_id = ${ctx.tenantId} ${planCond}
    group by m order by m`);
  const subscribers = rowsOf(subsRows).map((r) => ({ month: String(r.month), active: Number(r.active), new: Number(r.new), churned: Number(r.churned) }));

  const byStatus = source === 'facts'
    ? rowsOf(await db.execute(sql`select status, currency, sum(invoices)::int as count, sum(total)::text as amount from invoice_period_facts
        where tenant_id = ${ctx.tenantId} and month >= ${start}::date and month < ${end}::date
        group by status, currency having sum(invoices) <> 0 order by status, currency`)) as Array<{ status: string; currency: string; count: number; amount: string }>
    : await db.select({ status: invoices.status, currency: invoices.currency, count: sql<number>`count(*)::int`, amount: sql<string>`sum(${invoices.total})::text` })
    .from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), gte(invoices.periodStart, start), lt(invoices.periodStart, end)))
    .groupBy(invoices.status, invoices.currency).orderBy(invoices.status, invoices.currency);

  const topPlans = await db.select({
    planCode: subscriptions.planCode, currency: bills.currency,
    amount: sql<string>`sum(${bills.subtotal} - ${bills.discountTotal})::text`, subscriptions: sql<number>`count(distinct ${subscriptions.id})::int`,
  }).from(bills).innerJoin(subscriptions, eq(subscriptions.id, bills.subscriptionId))
    .where(and(eq(bills.tenantId, ctx.tenantId), gte(bills.periodStart, start), lt(bills.periodStart, end), ...planFilterSubs))
    .groupBy(subscriptions.planCode, bills.currency).orderBy(sql`sum(${bills.subtotal} - ${bills.discountTotal}) desc`).limit(10);

  // Sums of stored (already rounded) amounts: shown with the currency's minor units, as stored.
  const money = <T extends { currency: string; amount: string }>(rows: T[]) =>
    rows.map((r) => ({ ...r, amount: toMoneyString(new Decimal(r.amount ?? '0'), r.currency) }));
  return {
    currency: tenant.currency, from, to, months, planCode: query.planCode ?? null,
    revenue: money(revenue), mrr: money(mrr), subscribers, invoicesByStatus: money(byStatus), topPlans: money(topPlans),
  };
}

/** postgres.js returns the rows as an array; PGlite returns `{ rows }`. */
function rowsOf(r: unknown): Record<string, unknown>[] {
  return (Array.isArray(r) ? r : (r as { rows: Record<string, unknown>[] }).rows) ?? [];
}
