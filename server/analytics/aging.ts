/**
 * A/R aging (README.md "Billed vs collected"): open invoices on a date by days past their due
 * date, per currency. Summed from `open_receivable_facts` (kept by a trigger on invoices), or with a
 * customer filter bucketed in SQL over the open invoices (partial index `invoices_open_due_idx`);
 * just the first 500 invoices are read out for the drill-down list.
 */
import { sql } from 'drizzle-orm';
import { q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { daysBetween } from '../lib/dates';
import type { AnalyticsFilter } from './filters';

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
/** agingBucket in SQL, over a day difference. */
const bucketSql = (days: ReturnType<typeof sql>) => sql`case when ${days} <= 0 then 'current' when ${days} <= 30 then '1-30'
  when ${days} <= 60 then '31-60' when ${days} <= 90 then '61-90' else '90+' end`;

export const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string>[];

/** Invoice/payment filters on the customer (plan filters do not apply to invoices: they span plans). */
export function customerFilter(f: AnalyticsFilter, alias: string) {
  const parts = [];
  if (f.customerType) parts.push(sql`and exists (select 1 from customers c where c.id = ${sql.raw(alias)}.customer_id and c.type = ${f.customerType})`);
  if (f.segment) parts.push(sql`and exists (select 1 from customers c where c.id = ${sql.raw(alias)}.customer_id and c.segment = ${f.segment})`);
  if (f.currency) parts.push(sql`and ${sql.raw(alias)}.currency = ${f.currency}`);
  return sql.join(parts, sql` `);
}

/** Open invoices on `asOf` by days past due, per currency; `invoices` lists the first 500 (by due date) for drill-down. */
export async function aging(ctx: Ctx, f: AnalyticsFilter, asOf: string, source: 'facts' | 'raw' = f.customerType || f.segment ? 'raw' : 'facts') {
  const open = sql`from invoices i where i.tenant_id = ${ctx.tenantId} and i.status in ('finalized','partially_paid','payment_failed')
      and i.amount_due > i.amount_paid and i.issue_date <= ${asOf}::date ${customerFilter(f, 'i')}`;
  const db = q(ctx);
  // the sums per bucket: from open_receivable_facts (a few rows per issue and due date) unless a customer
  // filter applies, then from the open invoices themselves (the reference the facts are tested against)
  const sums = rowsOf(await db.execute(source === 'facts'
    ? sql`select f.currency, ${bucketSql(sql`(${asOf}::date - f.due_date)`)} as bucket, sum(f.open)::text as amount, sum(f.invoices)::int as n
      from open_receivable_facts f where f.tenant_id = ${ctx.tenantId} and f.issue_date <= ${asOf}::date ${f.currency ? sql`and f.currency = ${f.currency}` : sql``}
      group by 1, 2 having sum(f.invoices) <> 0`
    : sql`select i.currency, ${bucketSql(sql`(${asOf}::date - i.due_date)`)} as bucket, sum(i.amount_due - i.amount_paid)::text as amount, count(*)::int as n
    ${open} group by 1, 2`));
  const list = rowsOf(await db.execute(sql`
    select i.id, i.number, i.customer_id as "customerId", i.bill_to as "billTo", i.currency, i.due_date::text as "dueDate",
      (i.amount_due - i.amount_paid)::text as open
    ${open} order by i.due_date, i.id limit 500`));
  const currencies = [...new Set(sums.map((x) => x.currency))].sort();
  const cell = (currency: string, bucket: AgingBucket) => sums.find((x) => x.currency === currency && x.bucket === bucket);
  return {
    asOf,
    buckets: currencies.flatMap((currency) => AGING_BUCKETS.map((bucket) => ({
      currency, bucket, amount: toMoneyString(new Decimal(cell(currency, bucket)?.amount ?? '0'), currency), count: Number(cell(currency, bucket)?.n ?? 0),
    }))),
    overdue: currencies.map((currency) => ({
      currency, amount: toMoneyString(AGING_BUCKETS.slice(1).reduce((s, b) => s.plus(cell(currency, b)?.amount ?? '0'), ZERO as Decimal), currency),
    })),
    invoices: list.map((x) => {
      const days = daysBetween(x.dueDate, asOf);
      return { id: x.id, number: x.number, customerId: x.customerId, billTo: x.billTo, currency: x.currency, dueDate: x.dueDate,
        daysPastDue: Math.max(0, days), bucket: agingBucket(days), open: toMoneyString(new Decimal(x.open), x.currency) };
    }),
  };
}
