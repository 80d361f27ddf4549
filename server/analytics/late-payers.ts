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
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { rangeSum } from './running-totals';

/** The top 10 late payers of months `from`..`to` (inclusive, 'YYYY-MM') across currencies, with their names. */
export function topLatePayers(db: DbOrTx, tenantId: string, from: string, to: string, seed = 100) {
  const late = rangeSum('cum_late', from, to);
  const days = rangeSum('cum_days', from, to);
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
