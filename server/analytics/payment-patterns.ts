/**
 * Payment behaviour (README.md "Payment patterns"), from the `payments` table as it is: empty
 * lists until payments exist. Per currency where amounts are summed. Hours are the hour the
 * payment was recorded, in the tenant's time zone (a received date has no hour).
 *
 * Two sources give the same rows: the facts kept by triggers (payment-patterns-facts.ts, read
 * unless a customer type or segment filter is given: those are attributes of the customer, not
 * kept in the facts) and the raw tables (here). `test/api/analytics/payment-facts.test.ts` and the
 * benchmark compare them.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { tenantSettings } from '../tenants/tenant-settings';
import { monthRange, nextMonth, type AnalyticsFilter, type MonthRange } from './filters';
import { ratio } from './mrr-report';
import { patternRowsFromFacts, rowsOf, type PatternRows } from './payment-patterns-facts';

export const DAYS_TO_PAY_BUCKETS = ['0-7', '8-14', '15-30', '31-60', '60+'] as const;

/** The raw tables: every payment and allocation of the range, scanned. */
export async function patternRowsRaw(ctx: Ctx, query: AnalyticsFilter, r: MonthRange): Promise<PatternRows> {
  const { timezone } = await tenantSettings(q(ctx), ctx.tenantId);
  const db = q(ctx);
  const end = nextMonth(r.to);
  const cust = sql.join([
    query.currency ? sql`and p.currency = ${query.currency}` : sql``,
    query.customerType ? sql`and exists (select 1 from customers c where c.id = p.customer_id and c.type = ${query.customerType})` : sql``,
    query.segment ? sql`and exists (select 1 from customers c where c.id = p.customer_id and c.segment = ${query.segment})` : sql``,
  ], sql` `);
  const inRange = sql`p.tenant_id = ${ctx.tenantId} and p.received_on >= ${r.start}::date and p.received_on < ${end}::date ${cust}`;

  const mix = rowsOf(await db.execute(sql`
    select to_char(p.received_on, 'YYYY-MM') as month, p.method, p.currency, count(*)::int as n, sum(p.amount)::text as amount
    from payments p where ${inRange} and p.status in ('succeeded','partially_refunded','refunded') group by 1, 2, 3 order by 1, 2, 3`));
  const outcome = rowsOf(await db.execute(sql`
    select p.method, count(*) filter (where p.status <> 'failed' and p.status <> 'pending')::int as ok, count(*) filter (where p.status = 'failed')::int as failed
    from payments p where ${inRange} group by 1 order by 1`));
  const declines = rowsOf(await db.execute(sql`
    select p.method, coalesce(p.decline_code, 'unknown') as code, count(*)::int as n
    from payments p where ${inRange} and p.status = 'failed' group by 1, 2 order by 3 desc, 1, 2`));
  // Each allocation is one invoice paid (partly) by one payment: days from issue, on time or late.
  const alloc = sql`from payment_allocations a join payments p on p.id = a.payment_id and p.tenant_id = a.tenant_id
    join invoices i on i.id = a.invoice_id and i.tenant_id = a.tenant_id
    left join customers c on c.id = i.customer_id
    left join payers py on py.id = i.bill_to left join customers cb on cb.id = i.bill_to
    where ${inRange}`;
  const daysToPay = rowsOf(await db.execute(sql`
    select p.method, coalesce(c.type, 'unknown') as "customerType",
      case when p.received_on - i.issue_date <= 7 then '0-7' when p.received_on - i.issue_date <= 14 then '8-14'
           when p.received_on - i.issue_date <= 30 then '15-30' when p.received_on - i.issue_date <= 60 then '31-60' else '60+' end as bucket,
      count(*)::int as n
    ${alloc} group by 1, 2, 3 order by 1, 2, 3`));
  const timeliness = rowsOf(await db.execute(sql`
    select count(*) filter (where p.received_on <= i.due_date)::int as "onTime", count(*) filter (where p.received_on > i.due_date)::int as late ${alloc}`))[0];
  const latePayers = rowsOf(await db.execute(sql`
    select i.bill_to as "billTo", coalesce(py.name, cb.name) as name, count(*)::int as late,
      round(avg(p.received_on - i.due_date), 1)::text as "avgDaysLate"
    ${alloc} and p.received_on > i.due_date
    group by 1, 2 order by 3 desc, round(avg(p.received_on - i.due_date), 1) desc, 1 limit 10`)); // by the number: as text, 9.9 came before 10.2
  const heatmap = rowsOf(await db.execute(sql`
    select extract(day from p.received_on)::int as day, extract(hour from p.created_at at time zone ${timezone})::int as hour, count(*)::int as n
    from payments p where ${inRange} and p.status <> 'failed' group by 1, 2 order by 1, 2`));
  return { mix, outcome, declines, daysToPay, timeliness, latePayers, heatmap };
}

/** The endpoint's answer from either source (`facts` is refused with a customer filter). */
export async function paymentPatternsFrom(ctx: Ctx, query: AnalyticsFilter, source: 'facts' | 'raw') {
  const r = await monthRange(ctx, query);
  const x = source === 'facts' ? await patternRowsFromFacts(ctx, query, r) : await patternRowsRaw(ctx, query, r);
  const onTime = Number(x.timeliness?.onTime ?? 0), late = Number(x.timeliness?.late ?? 0);
  return {
    from: r.from, to: r.to, months: r.months,
    methodMix: x.mix.map((m) => ({ month: String(m.month), method: String(m.method), currency: String(m.currency), count: Number(m.n), amount: toMoneyString(new Decimal(String(m.amount)), String(m.currency)) })),
    outcomes: x.outcome.map((m) => ({ method: String(m.method), succeeded: Number(m.ok), failed: Number(m.failed), successRate: ratio(new Decimal(Number(m.ok)), new Decimal(Number(m.ok) + Number(m.failed))) })),
    declines: x.declines.map((m) => ({ method: String(m.method), declineCode: String(m.code), count: Number(m.n) })),
    daysToPay: x.daysToPay.map((m) => ({ method: String(m.method), customerType: String(m.customerType), bucket: String(m.bucket), count: Number(m.n) })),
    timeliness: { onTime, late, onTimeShare: ratio(new Decimal(onTime), new Decimal(onTime + late)) },
    latePayers: x.latePayers.map((m) => ({ billTo: String(m.billTo), name: m.name === null ? null : String(m.name), late: Number(m.late), avgDaysLate: String(m.avgDaysLate) })),
    heatmap: x.heatmap.map((m) => ({ day: Number(m.day), hour: Number(m.hour), count: Number(m.n) })),
  };
}

export async function paymentPatterns({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  return paymentPatternsFrom(ctx, query, query.customerType || query.segment ? 'raw' : 'facts');
}
