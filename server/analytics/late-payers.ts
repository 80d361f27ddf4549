/**
 * The payers who are late most often over a month range (payment patterns' `latePayers`), from
 * `late_payer_months` (server/db/schema/payment-facts.ts): each bill-to party's late allocations as
 * running totals per month, so a party's count over any range is two array reads.
 *
 * An exact top 10 of sums over an arbitrary range needs every party's sum. Scanning them all was
 * most of the endpoint's time (≈ 95,000 parties, 250 ms at 100,000 customers), so the query prunes
 * by a bound: a party's all-time count (`late`, indexed) is at least its count in any range. The
 * 10th best range count among the `seed` parties with the highest all-time counts is a floor the
 * true 10th best cannot be under, so only parties whose all-time count reaches that floor can be in
 * the answer, and only they are read. Same order as the raw scan: most late first, then the longer
 * average delay, then the party's id.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';

/** Month number as the table counts months: year × 12 + month − 1 ('2026-03' → 24314). */
export const monthNumber = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** A running total's value at month number `m`: 0 before the party's first month, the last total after its last. */
const at = (col: 'cum_late' | 'cum_days', m: number): SQL => sql`(case when ${m}::int < first_month then 0
  when ${m}::int - first_month + 1 >= cardinality(${sql.raw(col)}) then ${sql.raw(col)}[cardinality(${sql.raw(col)})]
  else ${sql.raw(col)}[${m}::int - first_month + 1] end)`;

/** The top 10 late payers of months `from`..`to` (inclusive, 'YYYY-MM') across currencies, with their names. */
export function topLatePayers(db: DbOrTx, tenantId: string, from: string, to: string, seed = 100) {
  const a = monthNumber(from) - 1;
  const b = monthNumber(to);
  const late = sql`(${at('cum_late', b)} - ${at('cum_late', a)})`;
  const days = sql`(${at('cum_days', b)} - ${at('cum_days', a)})`;
  return db.execute(sql`
    with seeded as (
      select ${late} as n from late_payer_months where tenant_id = ${tenantId} and late > 0 order by late_payer_months.late desc nulls last limit ${seed}),
    floor as (select case when count(*) < 10 then 1 else min(n) end as late from (select n from seeded where n > 0 order by n desc limit 10) s),
    top as (
      select bill_to, ${late}::int as late, round(${days}::numeric / nullif(${late}, 0), 1) as avg
      from late_payer_months where tenant_id = ${tenantId} and late >= (select late from floor) and ${late} > 0
      order by 2 desc, 3 desc, 1 limit 10)
    select top.bill_to as "billTo", coalesce(py.name, cb.name) as name, top.late, top.avg::text as "avgDaysLate"
    from top left join payers py on py.id = top.bill_to left join customers cb on cb.id = top.bill_to
    order by top.late desc, top.avg desc, top.bill_to`);
}
