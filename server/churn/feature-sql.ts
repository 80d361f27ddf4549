/**
 * The SQL of the churn features (features.ts runs it; the benchmark explains it): the one
 * definition that training and scoring share. README.md in this folder lists every feature with
 * its formula.
 *
 * Two statements:
 * - `featureSql`: the feature rows of a slice of the subscribers (all of them, given customers, or
 *   a range of customer ids, so that a large tenant is read by two connections at once). The two
 *   money features come back as the run-rate and its 3-month change, with the customer's currency;
 *   featureRows divides them by the scale (the median run-rate of the currency's subscribers).
 * - `runRatesSql`: the positive run-rates of all the tenant's subscribers with their currency, for
 *   the scale when only some customers are read (a whole tenant's rows carry them).
 */
import { sql, type SQL } from 'drizzle-orm';
import { anyUuid } from '../db/bulk';

export interface FeatureSpec {
  /** Meter codes with per-meter features `usage_<code>_30d` and `usage_<code>_trend`. */
  meters: string[];
  /** Numeric/boolean customer attributes, as features `attr_<key>`. */
  attributes: string[];
}

/** Which subscribers a feature query reads: given customers, and/or customer ids in [from, below). */
export interface FeatureSlice { customerIds?: string[]; from?: string; below?: string }

/** `and <col> …` restricting a customer id column to the slice (nothing for the whole tenant). */
function inSlice(col: string, slice: FeatureSlice): SQL {
  const c = sql.raw(col);
  return sql.join([
    slice.customerIds ? sql`and ${anyUuid(c, slice.customerIds)}` : sql``,
    slice.from ? sql`and ${c} >= ${slice.from}::uuid` : sql``,
    slice.below ? sql`and ${c} < ${slice.below}::uuid` : sql``,
  ], sql` `);
}

/**
 * subs (the running subscriptions), last_bills and run_rate (per customer: the monthly run-rate of
 * its running subscriptions from their latest bill ending by the date, and the same as of 91 days
 * before), for the customers that `customerFilter` keeps (a bill's customer is its subscription's).
 */
function runRateCtes(tenantId: string, D: SQL, customerFilter: (col: string) => SQL): SQL {
  return sql`subs as (
      select s.* from subscriptions s
      where s.tenant_id = ${tenantId} and s.start_date < ${D} and (s.end_date is null or s.end_date > ${D}) ${customerFilter('s.customer_id')}),
    -- Each subscription's latest bill ending by asOf, and by asOf − 91 days, in one hashed pass over the
    -- tenant's bills (no sort): the greatest [period end, period start, amount, days] array is the
    -- latest bill (period start breaks a tie; amount and days ride along).
    last_bills as (
      select b.subscription_id,
        max(array[(b.period_end - ${D})::numeric, (b.period_start - ${D})::numeric, b.subtotal - b.discount_total, (b.period_end - b.period_start)::numeric]) as lb,
        max(array[(b.period_end - ${D})::numeric, (b.period_start - ${D})::numeric, b.subtotal - b.discount_total, (b.period_end - b.period_start)::numeric])
          filter (where b.period_end <= ${D} - 91) as pb
      from bills b
      where b.tenant_id = ${tenantId} and b.period_end <= ${D} ${customerFilter('b.customer_id')}
      group by b.subscription_id),
    run_rate as (
      select s.customer_id,
        sum(lb.lb[3] * 30.4375 / greatest(lb.lb[4]::int, 1)) as mrr,
        sum(coalesce(lb.pb[3] * 30.4375 / greatest(lb.pb[4]::int, 1), 0)) as mrr_3m
      from subs s
      left join last_bills lb on lb.subscription_id = s.id
      group by s.customer_id)`;
}

/** Every subscriber's positive run-rate at `asOf` (as float8, as the median reads it) with its currency. */
export function runRatesSql(tenantId: string, asOf: string) {
  return sql`
    with ${runRateCtes(tenantId, sql`${asOf}::date`, () => sql``)}
    select cu.currency, r.mrr::float8 as mrr from run_rate r
    join customers cu on cu.id = r.customer_id and cu.tenant_id = ${tenantId}
    where r.mrr > 0`;
}

/**
 * The feature rows of the slice's subscribers, ordered by customer id. Set-based: each source
 * table is read in one pass over the tenant (or the slice) and grouped per customer (or per
 * bill-to party), then joined to the population, so the cost grows with the tenant's rows, not
 * with one subquery per customer and feature. Every value keeps the formula of README.md.
 */
export function featureSql(tenantId: string, asOf: string, spec: FeatureSpec, slice: FeatureSlice = {}) {
  // The date as a bound parameter in every scan (not a joined CTE), so filters reach the scans and the planner's estimates.
  const D = sql`${asOf}::date`;
  const sliced = !!(slice.customerIds || slice.from || slice.below);
  const only = inSlice('c.id', slice);
  // A slice's per-customer scans read only its customers, and the per-party scans only its parties.
  const onlyCustomer = (col: string) => (sliced ? sql`and ${sql.raw(col)} in (select id from pop)` : sql``);
  const onlyBillTo = (col: string) => (sliced ? sql`and ${sql.raw(col)} in (select bill_to from pop)` : sql``);
  const usageCols = spec.meters.map((m, i) => sql`,
      sum(u.value) filter (where mt.code = ${m} and u.day >= ${D} - 30) as ${sql.raw(`s30_${i}`)},
      sum(u.value) filter (where mt.code = ${m}) as ${sql.raw(`s90_${i}`)}`);
  const meterCols = spec.meters.map((_, i) => sql.raw(`,
      coalesce(us.s30_${i}, 0)::float8,
      (case when coalesce(us.s90_${i}, 0) = 0 then 1 else coalesce(us.s30_${i}, 0) / (us.s90_${i} / 3) end)::float8`));
  const attrCols = spec.attributes.map((a) => sql`,
      (case jsonb_typeof(c.attributes -> ${a}) when 'number' then (c.attributes ->> ${a})::float8
        when 'boolean' then case when (c.attributes ->> ${a})::boolean then 1 else 0 end end)::float8`);
  const usage = spec.meters.length
    ? sql`,
    usage as (
      select u.customer_id ${sql.join(usageCols, sql``)}
      from usage_daily u join meters mt on mt.id = u.meter_id and mt.tenant_id = u.tenant_id
      where u.tenant_id = ${tenantId} and u.day >= ${D} - 90 and u.day < ${D}
        and mt.code in (${sql.join(spec.meters.map((m) => sql`${m}`), sql`, `)}) ${onlyCustomer('u.customer_id')}
      group by u.customer_id)`
    : sql``;
  return sql`
    with ${runRateCtes(tenantId, D, (col) => inSlice(col, slice))},
    sub_agg as (
      select s.customer_id, count(*) as subs, count(*) filter (where s.add_on) as addons from subs s group by s.customer_id),
    first_start as (
      select s.customer_id, min(s.start_date) as first_start from subscriptions s
      where s.tenant_id = ${tenantId} and s.start_date < ${D} ${inSlice('s.customer_id', slice)} group by s.customer_id),
    pop as (
      select c.id, c.tenant_id, c.currency, c.attributes, coalesce(c.payer_id, c.id) as bill_to, c.payer_id, a.subs, a.addons from customers c
      join sub_agg a on a.customer_id = c.id
      where c.tenant_id = ${tenantId} ${only}),
    main_plan as (
      select distinct on (s.customer_id) s.customer_id, s.plan_code from subs s
      order by s.customer_id, s.add_on, s.start_date desc),
    -- Each plan code's interval in months, from its latest published version in effect before asOf.
    plan_months as (
      select distinct on (e.code) e.code,
        (case v.document ->> 'interval' when 'year' then 12 when 'month' then 1 when 'week' then 12.0 / 52 when 'day' then 12.0 / 365 end
          * coalesce((v.document ->> 'intervalCount')::int, 1)) as months
      from catalog_entries e join catalog_versions v on v.entry_id = e.id and v.tenant_id = e.tenant_id
      where e.tenant_id = ${tenantId} and e.kind = 'plan' and v.status = 'published' and (v.effective_from is null or v.effective_from < ${D})
      order by e.code, v.effective_from desc nulls last, v.version desc),
    contract as (
      select k.customer_id, max((k.term_end - k.term_start) / 30.4375) as term, max((k.term_end - ${D}) / 30.4375) as months_left
      from contracts k
      where k.tenant_id = ${tenantId} and k.term_start < ${D} and k.term_end > ${D} ${onlyCustomer('k.customer_id')}
      group by k.customer_id),
    bill_90 as (
      select b.customer_id, case when sum(b.subtotal) > 0 then sum(b.discount_total) / sum(b.subtotal) else 0 end as discount_share
      from bills b
      where b.tenant_id = ${tenantId} and b.period_end >= ${D} - 90 and b.period_end < ${D} ${onlyCustomer('b.customer_id')}
      group by b.customer_id),
    inv as (
      select i.bill_to,
        count(*) filter (where i.issue_date >= ${D} - 90 and i.issue_date < ${D}) as issued_90d,
        avg(greatest(0, (case when i.paid_at < ${D}::timestamptz then i.paid_at::date else ${D} end) - i.due_date))
          filter (where i.due_date >= ${D} - 90 and i.due_date < ${D}) as days_late,
        count(*) filter (where i.issue_date < ${D} and i.due_date < ${D} and (i.paid_at is null or i.paid_at >= ${D}::timestamptz)) as overdue
      from invoices i
      where i.tenant_id = ${tenantId} and i.status not in ('draft', 'void') and (i.issue_date < ${D} or i.due_date < ${D}) ${onlyBillTo('i.bill_to')}
      group by i.bill_to),
    pay as (
      select p.bill_to,
        count(*) filter (where p.status in ('succeeded', 'refunded', 'partially_refunded')) as succeeded,
        count(*) filter (where p.status = 'failed') as failed
      from payments p
      where p.tenant_id = ${tenantId} and p.received_on >= ${D} - 90 and p.received_on < ${D} ${onlyBillTo('p.bill_to')}
      group by p.bill_to),
    credits as (
      select i.bill_to, count(*) as n from credit_notes n join invoices i on i.id = n.invoice_id and i.tenant_id = n.tenant_id
      where n.tenant_id = ${tenantId} and n.created_at >= (${D} - 90)::timestamptz and n.created_at < ${D}::timestamptz ${onlyBillTo('i.bill_to')}
      group by i.bill_to),
    -- Stored before asOf and not removed by then (a removal after asOf leaves updated_at after it).
    autopay as (
      select distinct pm.bill_to from payment_methods pm
      where pm.tenant_id = ${tenantId} and pm.auto_collect and pm.created_at < ${D}::timestamptz
        and (pm.status = 'active' or pm.updated_at >= ${D}::timestamptz) ${onlyBillTo('pm.bill_to')}),
    dunning as (
      select a.bill_to, max(a.step) as step from dunning_actions a
      where a.tenant_id = ${tenantId} and a.status in ('done', 'open') and a.run_date >= ${D} - 90 and a.run_date < ${D} ${onlyBillTo('a.bill_to')}
      group by a.bill_to)${usage}
    select c.id as "customerId", c.currency, json_build_array(
      (${D} - fs.first_start)::float8,
      coalesce(rr.mrr, 0), -- ÷ the scale (scaleSql) in featureRows
      coalesce(rr.mrr, 0) - coalesce(rr.mrr_3m, 0), -- the same
      pm.months::float8,
      coalesce(k.term, 0)::float8,
      coalesce(k.months_left, 0)::float8,
      c.addons::float8,
      c.subs::float8,
      coalesce(b90.discount_share, 0)::float8,
      coalesce(inv.issued_90d, 0)::float8,
      coalesce(pay.succeeded, 0)::float8,
      coalesce(pay.failed, 0)::float8,
      coalesce(inv.days_late, 0)::float8,
      coalesce(inv.overdue, 0)::float8,
      coalesce(cr.n, 0)::float8,
      (case when p.payment_method_type = 'card' then 1 else 0 end)::float8,
      (case when p.payment_method_type = 'bank_transfer' then 1 else 0 end)::float8,
      (case when p.payment_method_type = 'virtual_account' then 1 else 0 end)::float8,
      (case when p.payment_method_type = 'prepaid' then 1 else 0 end)::float8,
      (case when ap.bill_to is not null then 1 else 0 end)::float8,
      coalesce(dn.step, 0)::float8
      ${sql.join(meterCols, sql``)}
      ${sql.join(attrCols, sql``)}
    ) as "values"
    from pop c
    join first_start fs on fs.customer_id = c.id
    left join run_rate rr on rr.customer_id = c.id
    left join main_plan mp on mp.customer_id = c.id
    left join plan_months pm on pm.code = mp.plan_code
    left join contract k on k.customer_id = c.id
    left join bill_90 b90 on b90.customer_id = c.id
    left join inv on inv.bill_to = c.bill_to
    left join pay on pay.bill_to = c.bill_to
    left join credits cr on cr.bill_to = c.bill_to
    left join autopay ap on ap.bill_to = c.bill_to
    left join dunning dn on dn.bill_to = c.bill_to
    ${spec.meters.length ? sql`left join usage us on us.customer_id = c.id` : sql``}
    left join payers p on p.id = c.payer_id and p.tenant_id = c.tenant_id
    order by c.id`;
}
