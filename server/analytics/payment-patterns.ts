/**
 * Payment behaviour (README.md "Payment patterns"), from the `payments` table as it is: empty
 * lists until payments exist. Per currency where amounts are summed. Hours are the hour the
 * payment was recorded, in the tenant's time zone (a received date has no hour).
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { tenantSettings } from '../tenants/tenant-settings';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { ratio } from './mrr-report';

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string | number | null>[];

export const DAYS_TO_PAY_BUCKETS = ['0-7', '8-14', '15-30', '31-60', '60+'] as const;

export async function paymentPatterns({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
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
    group by 1, 2 order by 3 desc, 4 desc, 1 limit 10`));
  const heatmap = rowsOf(await db.execute(sql`
    select extract(day from p.received_on)::int as day, extract(hour from p.created_at at time zone ${timezone})::int as hour, count(*)::int as n
    from payments p where ${inRange} and p.status <> 'failed' group by 1, 2 order by 1, 2`));

  const onTime = Number(timeliness?.onTime ?? 0), late = Number(timeliness?.late ?? 0);
  return {
    from: r.from, to: r.to, months: r.months,
    methodMix: mix.map((x) => ({ month: String(x.month), method: String(x.method), currency: String(x.currency), count: Number(x.n), amount: toMoneyString(new Decimal(String(x.amount)), String(x.currency)) })),
    outcomes: outcome.map((x) => ({ method: String(x.method), succeeded: Number(x.ok), failed: Number(x.failed), successRate: ratio(new Decimal(Number(x.ok)), new Decimal(Number(x.ok) + Number(x.failed))) })),
    declines: declines.map((x) => ({ method: String(x.method), declineCode: String(x.code), count: Number(x.n) })),
    daysToPay: daysToPay.map((x) => ({ method: String(x.method), customerType: String(x.customerType), bucket: String(x.bucket), count: Number(x.n) })),
    timeliness: { onTime, late, onTimeShare: ratio(new Decimal(onTime), new Decimal(onTime + late)) },
    latePayers: latePayers.map((x) => ({ billTo: String(x.billTo), name: x.name === null ? null : String(x.name), late: Number(x.late), avgDaysLate: String(x.avgDaysLate) })),
    heatmap: heatmap.map((x) => ({ day: Number(x.day), hour: Number(x.hour), count: Number(x.n) })),
  };
}
