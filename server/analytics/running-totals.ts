/**
 * Running totals per month in an array column (late_payer_months, customer_revenue_months):
 * element i holds the total of every month up to `first_month + i − 1`, months counted as
 * year × 12 + month − 1, and the last value holds after the array's end. A month range's sum is
 * then the value at its last month less the value at the month before its first: two array reads.
 */
import { sql, type SQL } from 'drizzle-orm';

/** Month number as the tables count months: year × 12 + month − 1 ('2026-03' → 24314). */
export const monthNumber = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** The running total `col` at month number `m`: 0 before the row's first month, the last value after its last. */
function valueAt(col: string, m: number, first: string): SQL {
  const c = sql.raw(col);
  const f = sql.raw(first);
  return sql`(case when ${m}::int < ${f} then 0 when ${m}::int - ${f} + 1 >= cardinality(${c}) then ${c}[cardinality(${c})] else ${c}[${m}::int - ${f} + 1] end)`;
}

/** SQL for the sum of `col` over months `from`..`to` ('YYYY-MM', inclusive); `alias` qualifies the columns. */
export function rangeSum(col: string, from: string, to: string, alias?: string): SQL {
  const q = (name: string) => (alias ? `${alias}.${name}` : name);
  return sql`(${valueAt(q(col), monthNumber(to), q('first_month'))} - ${valueAt(q(col), monthNumber(from) - 1, q('first_month'))})`;
}
