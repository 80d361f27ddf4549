/**
 * Payment patterns from the facts the triggers keep (server/db/schema/payment-facts.ts, migration
 * `payment_facts`): a few thousand rows per tenant and year instead of every payment and
 * allocation. The same rows, in the same order, as `patternRowsRaw`; a group whose deltas sum to
 * nothing (e.g. a payment moved to another month) is left out, as the raw scan would not see it.
 * Customer type and segment filters are not kept here: the endpoint reads the raw tables for them.
 */
import { sql } from 'drizzle-orm';
import { q, type Ctx } from '../lib/context';
import { nextMonth, type AnalyticsFilter, type MonthRange } from './filters';
import { topLatePayers } from './late-payers';

type Rows = Record<string, string | number | null>[];
export const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Rows;
/** What either source returns, before shaping (payment-patterns.ts): the SQL rows of each part. */
export interface PatternRows { mix: Rows; outcome: Rows; declines: Rows; daysToPay: Rows; timeliness: Rows[number] | undefined; latePayers: Rows; heatmap: Rows }

export async function patternRowsFromFacts(ctx: Ctx, query: AnalyticsFilter, r: MonthRange): Promise<PatternRows> {
  if (query.customerType || query.segment) throw new Error('payment facts are not kept per customer attribute (read the raw tables)');
  const db = q(ctx);
  const t = ctx.tenantId;
  const end = nextMonth(r.to);
  const cur = query.currency ? sql`and currency = ${query.currency}` : sql``;
  const days = sql`tenant_id = ${t} and day >= ${r.start}::date and day < ${end}::date ${cur}`;
  const months = sql`tenant_id = ${t} and month >= ${r.start}::date and month < ${end}::date ${cur}`;
  const [mix, outcome, declines, heatmap, daysToPay, timeliness, latePayers] = await Promise.all([
    db.execute(sql`
      select to_char(day, 'YYYY-MM') as month, method, currency, sum(n)::int as n, sum(amount)::text as amount
      from payment_facts where ${days} and status in ('succeeded','partially_refunded','refunded') group by 1, 2, 3 having sum(n) > 0 order by 1, 2, 3`),
    db.execute(sql`
      select method, coalesce(sum(n) filter (where status <> 'failed' and status <> 'pending'), 0)::int as ok, coalesce(sum(n) filter (where status = 'failed'), 0)::int as failed
      from payment_facts where ${days} group by 1 having sum(n) > 0 order by 1`),
    db.execute(sql`
      select method, coalesce(decline_code, 'unknown') as code, sum(n)::int as n
      from payment_facts where ${days} and status = 'failed' group by 1, 2 having sum(n) > 0 order by 3 desc, 1, 2`),
    db.execute(sql`
      select extract(day from day)::int as day, hour::int as hour, sum(n)::int as n
      from payment_facts where ${days} and status <> 'failed' group by 1, 2 having sum(n) > 0 order by 1, 2`),
    db.execute(sql`
      select method, customer_type as "customerType", bucket, sum(n)::int as n
      from payment_allocation_facts where ${months} group by 1, 2, 3 having sum(n) > 0 order by 1, 2, 3`),
    db.execute(sql`
      select coalesce(sum(on_time), 0)::int as "onTime", coalesce(sum(late), 0)::int as late from payment_allocation_facts where ${months}`),
    // across currencies from the per-party running totals; a currency's own ranking from the month rows
    query.currency ? db.execute(sql`
      with top as (
        select bill_to, sum(late)::int as late, round(sum(days_late)::numeric / sum(late), 1) as avg
        from late_payer_facts where ${months} group by 1 having sum(late) > 0 order by 2 desc, 3 desc, 1 limit 10)
      select top.bill_to as "billTo", coalesce(py.name, cb.name) as name, top.late, top.avg::text as "avgDaysLate"
      from top left join payers py on py.id = top.bill_to left join customers cb on cb.id = top.bill_to
      order by top.late desc, top.avg desc, top.bill_to`) : topLatePayers(db, t, r.from, r.to),
  ]);
  return {
    mix: rowsOf(mix), outcome: rowsOf(outcome), declines: rowsOf(declines), heatmap: rowsOf(heatmap),
    daysToPay: rowsOf(daysToPay), timeliness: rowsOf(timeliness)[0], latePayers: rowsOf(latePayers),
  };
}
