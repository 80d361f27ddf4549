/**
 * Billed vs collected and receivables (README.md "Billed vs collected"), per currency, from the
 * invoices and payments as stored. Billed = invoices finalized (issued, not void) by issue date;
 * collected = money received (succeeded payments, less what was refunded) by received date.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { daysBetween } from '../lib/dates';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { ratio } from './mrr-report';

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** The bucket of an amount `daysPastDue` days after its due date (0 or less: not yet due). */
export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '90+';
}

export const ISSUED = sql.raw(`('finalized','partially_paid','paid','payment_failed')`);
export const RECEIVED = sql.raw(`('succeeded','partially_refunded','refunded')`);

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];

/** Invoice/payment filters on the customer (plan filters do not apply to invoices: they span plans). */
function customerFilter(f: AnalyticsFilter, alias: string) {
  const parts = [];
  if (f.customerType) parts.push(sql`and exists (select 1 from customers c where c.id = ${sql.raw(alias)}.customer_id and c.type = ${f.customerType})`);
  if (f.segment) parts.push(sql`and exists (select 1 from customers c where c.id = ${sql.raw(alias)}.customer_id and c.segment = ${f.segment})`);
  if (f.currency) parts.push(sql`and ${sql.raw(alias)}.currency = ${f.currency}`);
  return sql.join(parts, sql` `);
}

export async function receivablesReport({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter & { asOf?: string } }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  const asOf = query.asOf ?? r.today;
  const db = q(ctx);
  const invF = customerFilter(query, 'i');
  const payF = customerFilter(query, 'p');
  const billed = rowsOf(await db.execute(sql`
    select to_char(i.issue_date, 'YYYY-MM') as month, i.currency, sum(i.total)::text as amount, count(*)::int as n
    from invoices i where i.tenant_id = ${ctx.tenantId} and i.status in ${ISSUED}
      and i.issue_date >= ${r.start}::date and i.issue_date < ${nextMonth(r.to)}::date ${invF}
    group by 1, 2`));
  const collected = rowsOf(await db.execute(sql`
    select to_char(p.received_on, 'YYYY-MM') as month, p.currency, sum(p.amount - p.refunded_amount)::text as amount, count(*)::int as n
    from payments p where p.tenant_id = ${ctx.tenantId} and p.status in ${RECEIVED}
      and p.received_on >= ${r.start}::date and p.received_on < ${nextMonth(r.to)}::date ${payF}
    group by 1, 2`));
  // What was owed at each month's end: issued by then, less allocations of payments received by then.
  const outstanding = rowsOf(await db.execute(sql`
    select to_char(m, 'YYYY-MM') as month, i.currency,
      sum(i.amount_due - coalesce((select sum(a.amount) from payment_allocations a join payments p on p.id = a.payment_id
        where a.tenant_id = i.tenant_id and a.invoice_id = i.id and p.received_on < (m + interval '1 month')::date), 0))::text as amount
    from generate_series(${r.start}::date, ${`${r.to}-01`}::date, interval '1 month') m
    join invoices i on i.tenant_id = ${ctx.tenantId} and i.status in ${ISSUED} and i.issue_date < (m + interval '1 month')::date ${invF}
    group by 1, 2`));
  const currencies = [...new Set([...billed, ...collected, ...outstanding].map((x) => x.currency))].sort();
  const get = (rows: Record<string, string>[], month: string, cur: string) => new Decimal(rows.find((x) => x.month === month && x.currency === cur)?.amount ?? '0');
  const months = r.months.flatMap((month) => currencies.map((cur) => {
    const b = get(billed, month, cur), c = get(collected, month, cur), o = get(outstanding, month, cur);
    const days = daysBetween(`${month}-01`, nextMonth(month));
    return {
      month, currency: cur, billed: toMoneyString(b, cur), collected: toMoneyString(c, cur), outstanding: toMoneyString(o, cur),
      collectionRate: ratio(c, b),
      /** Days sales outstanding: receivables at month end ÷ billed in the month × days in the month. */
      dso: b.isZero() ? null : o.dividedBy(b).times(days).toFixed(1),
    };
  }));
  return { from: r.from, to: r.to, months: r.months, asOf, billedVsCollected: months, aging: await aging(ctx, query, asOf) };
}

/** Open invoices on `asOf` by days past due, per currency; `invoices` lists them for drill-down. */
export async function aging(ctx: Ctx, f: AnalyticsFilter, asOf: string) {
  const open = rowsOf(await q(ctx).execute(sql`
    select i.id, i.number, i.customer_id as "customerId", i.bill_to as "billTo", i.currency, i.due_date::text as "dueDate",
      (i.amount_due - i.amount_paid)::text as open
    from invoices i where i.tenant_id = ${ctx.tenantId} and i.status in ('finalized','partially_paid','payment_failed')
      and i.issue_date <= ${asOf}::date and i.amount_due > i.amount_paid ${customerFilter(f, 'i')}
    order by i.due_date, i.id`));
  const byCur = new Map<string, Record<AgingBucket, { amount: Decimal; count: number }>>();
  const invoices = open.map((x) => {
    const bucket = agingBucket(daysBetween(x.dueDate, asOf));
    const cur = byCur.get(x.currency) ?? Object.fromEntries(AGING_BUCKETS.map((k) => [k, { amount: ZERO, count: 0 }])) as Record<AgingBucket, { amount: Decimal; count: number }>;
    cur[bucket] = { amount: cur[bucket].amount.plus(x.open), count: cur[bucket].count + 1 };
    byCur.set(x.currency, cur);
    return { id: x.id, number: x.number, customerId: x.customerId, billTo: x.billTo, currency: x.currency, dueDate: x.dueDate,
      daysPastDue: Math.max(0, daysBetween(x.dueDate, asOf)), bucket, open: toMoneyString(new Decimal(x.open), x.currency) };
  });
  return {
    asOf,
    buckets: [...byCur].sort(([a], [b]) => a.localeCompare(b)).flatMap(([currency, b]) => AGING_BUCKETS.map((bucket) => ({
      currency, bucket, amount: toMoneyString(b[bucket].amount, currency), count: b[bucket].count,
    }))),
    overdue: [...byCur].map(([currency, b]) => ({ currency, amount: toMoneyString(AGING_BUCKETS.slice(1).reduce((s, k) => s.plus(b[k].amount), ZERO as Decimal), currency) })),
    invoices: invoices.slice(0, 500),
  };
}
