/**
 * Promotion ROI's users against non-users (README.md "Promotion ROI"): per currency, the customers
 * with revenue lines on issued invoices in a month range, their revenue and how many have MRR
 * today, for everyone and for the users of each rule (customers with a line of the rule in the
 * range, in any currency unless a currency is asked for).
 *
 * Read from promotion_roi_facts (migration `promotion_roi_facts`): a customer counts once for
 * `a..b` through the activity (or use) month `m` with `a ≤ m ≤ b` and the previous one `p < a`, and
 * a user's revenue month `m` counts when its latest use up to `m` is `≥ a` or its earliest use from
 * `m` is `≤ b`, so a range is a few thousand keys whatever the number of customers. Two kinds of
 * customer are taken out of the facts (their own rows subtracted) and read one by one from their
 * per-customer running totals instead: those with revenue in more than one currency (their use of a
 * rule in one currency makes them users in every currency) and those with MRR movements dated between
 * the facts' as-of date (promotion_roi_as_of, moved to the tenant's today every night) and today.
 */
import { sql, type SQL } from 'drizzle-orm';
import { monthNumber, rangeSum } from './running-totals';
import { nextMonth } from './filters';

/** A date column's month as the facts number months (year × 12 + month − 1, as `monthNumber`). */
const monthNo = (col: string) => sql.raw(`(extract(year from ${col})::int * 12 + extract(month from ${col})::int - 1)`);

/**
 * The customers the facts leave out: those in more than one currency, and those with MRR movements
 * dated between the facts' as-of date and today (none once the nightly fold has moved it to today).
 */
const odd = (tenantId: string, today: string) => sql`
    asof as (select coalesce((select as_of from promotion_roi_as_of where tenant_id = ${tenantId}), ${today}::date) as d),
    odd as (
      select customer_id as cid from promotion_roi_customer_rows where tenant_id = ${tenantId} and kind = 0
      union select customer_id::text from mrr_movements, asof
      where tenant_id = ${tenantId} and date > least(asof.d, ${today}::date) and date <= greatest(asof.d, ${today}::date))`;

/**
 * What each rule gave away per period month and currency: invoices and Σ |amount| from
 * promotion_facts' per-invoice rows; the customers who redeemed from the use months of
 * promotion_roi_facts (kind 3), the odd customers' from promotion_facts one by one.
 */
export function givenSql(tenantId: string, from: string, to: string, today: string, currency: string | undefined): SQL {
  const a = monthNumber(from);
  const b = monthNumber(to);
  const cur = currency ? sql`and currency = ${currency}` : sql``;
  const months = sql`month >= ${`${from}-01`}::date and month < ${nextMonth(to)}::date`;
  return sql`
    with ${odd(tenantId, today)},
    inv as (
      select rule, month, currency, sum(invoices) as invoices, sum(amount) as amount from promotion_facts
      where tenant_id = ${tenantId} and customer_id is null and ${months} ${cur} group by 1, 2, 3),
    cust as (
      select rule, m, currency, sum(n) as n from (
        select rule, m, currency, n from promotion_roi_facts where tenant_id = ${tenantId} and kind = 3 and m between ${a}::int and ${b}::int ${cur}
        union all
        select rule, m, currency, -n from promotion_roi_customer_rows
        where tenant_id = ${tenantId} and customer_id in (select cid from odd) and kind = 3 and m between ${a}::int and ${b}::int ${cur}
        union all
        select rule, ${monthNo('month')}, currency, 1 from promotion_facts
        where tenant_id = ${tenantId} and customer_id in (select cid from odd) and ${months} ${cur} group by rule, month, currency, customer_id having sum(lines) > 0
      ) x group by 1, 2, 3)
    select i.rule, to_char(i.month, 'YYYY-MM') as month, i.currency, i.amount::text as amount, i.invoices::int as invoices, coalesce(c.n, 0)::int as customers
    from inv i left join cust c on c.rule = i.rule and c.currency = i.currency and c.m = ${monthNo('i.month')}
    where i.invoices > 0 order by 1, 2, 3`;
}

export interface UsersRow { currency: string; rule: string; customers: number; retained: number; revenue: string }

/** The rows of `source` (promotion_roi_facts or a customer's promotion_roi_customer_rows) summed for months `a`..`b`, times `sign`. */
function fromFacts(source: SQL, sign: number, a: number, b: number): SQL {
  return sql`select currency, rule,
      coalesce(sum(n) filter (where kind <> 4 and p < ${a}::int), 0) * ${sign}::int as customers,
      coalesce(sum(n) filter (where kind <> 4 and p < ${a}::int and live), 0) * ${sign}::int as retained,
      coalesce(sum(rev) filter (where kind = 1 or (kind = 4 and (p >= ${a}::int or q <= ${b}::int))), 0) * ${sign}::int as revenue
    from ${source} group by 1, 2`;
}

/**
 * Everyone's (rule '') and each rule's users' customers, retained customers and revenue per currency,
 * for months `from`..`to` ('YYYY-MM'), as of `today`.
 */
export function usersSql(tenantId: string, from: string, to: string, today: string, currency: string | undefined): SQL {
  const a = monthNumber(from);
  const b = monthNumber(to);
  const cur = (col: string) => (currency ? sql`and ${sql.raw(col)} = ${currency}` : sql``);
  const inRange = sql`m between ${a}::int and ${b}::int`;
  return sql`
    with ${odd(tenantId, today)},
    future as (select customer_id, sum(amount) as amount from mrr_movements where tenant_id = ${tenantId} and date > ${today}::date group by 1),
    -- the odd customers one by one
    used as (
      select rule, customer_id as cid from promotion_facts
      where tenant_id = ${tenantId} and month >= ${`${from}-01`}::date and month < ${nextMonth(to)}::date ${cur('currency')}
        and customer_id in (select cid from odd)
      group by 1, 2 having sum(lines) > 0),
    rv as (
      select r.customer_id as cid, r.currency, ${rangeSum('cum_total', from, to, 'r')} as total,
        coalesce(m.amount - coalesce(f.amount, 0) > 0, false) as live
      from customer_revenue_months r left join customer_mrr_now m on m.tenant_id = r.tenant_id and m.customer_id::text = r.customer_id
      left join future f on f.customer_id::text = r.customer_id
      where r.tenant_id = ${tenantId} ${cur('r.currency')} and r.customer_id in (select cid from odd) and ${rangeSum('cum_invoices', from, to, 'r')} > 0)
    select currency, rule, sum(customers)::int as customers, sum(retained)::int as retained, sum(revenue)::text as revenue from (
      ${fromFacts(sql`promotion_roi_facts where tenant_id = ${tenantId} and ${inRange} ${cur('currency')}`, 1, a, b)}
    union all
    ${fromFacts(sql`promotion_roi_customer_rows where tenant_id = ${tenantId} and customer_id in (select cid from odd) and ${inRange} ${cur('currency')}`, -1, a, b)}
      union all
      select currency, '' as rule, count(*) as customers, count(*) filter (where live) as retained, sum(total) as revenue from rv group by 1
      union all
      select rv.currency, u.rule, count(*), count(*) filter (where rv.live), sum(rv.total) from used u join rv on rv.cid = u.cid group by 1, 2
    ) x group by 1, 2 order by 1, 2`;
}
