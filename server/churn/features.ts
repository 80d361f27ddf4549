/**
 * A customer's churn feature row as of a date: the ONE definition that training
 * (`npm run churn:train`, through `export-training.ts`) and serving (scoring) both use, so they
 * cannot drift apart. README.md in this folder lists every feature with its formula.
 *
 * Nothing on or after `asOf` is read: bills and invoices by their period end / issue date,
 * payments by their received date, invoice settlement by `paid_at < asOf`, subscriptions by their
 * start date, and an `end_date` after `asOf` (exclusive, as stored) reads as "still running" (a cancellation that
 * is only scheduled is the future). `test/api/churn-features.test.ts` shows that rows added after
 * the date leave the features unchanged.
 *
 * Customer attributes have no history: numeric and boolean attributes are read as they are now.
 * A tenant that keeps an attribute which records the outcome (e.g. `churned`) must leave it out
 * (`excludeAttributes`).
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';

/** The fixed features, in model order; per-tenant ones (meters, attributes) follow them. */
export const BASE_FEATURES = [
  'tenure_days', // asOf − first subscription start
  // Money relative to the tenant's own scale, so a model means the same in KRW, JPY or USD (no FX):
  'mrr_ratio', // monthly run-rate (latest bill of each running subscription × 30.4375 / period days) ÷ the median run-rate of the tenant's subscribers in the customer's currency at asOf
  'mrr_change_3m_ratio', // (run-rate − the same as of asOf − 91 days) ÷ that same median
  'plan_interval_months', // the main (non add-on) subscription's plan interval in months (week = 12/52, day = 12/365)
  'contract_term_months', // term length of the active contract in months (0 without one)
  'contract_months_left', // months until the end of the active contract's term (0 without one)
  'addon_count', // running add-on subscriptions
  'subscription_count', // running subscriptions
  'discount_share_90d', // discounts ÷ charges of the bills that ended in the last 90 days
  'invoices_90d', // invoices issued (not void) in the last 90 days
  'payments_90d', // succeeded payments received in the last 90 days
  'failed_payments_90d', // failed payments in the last 90 days
  'days_late_avg_90d', // mean days between due date and settlement (or asOf, if open) of invoices due in the last 90 days; 0 when none
  'overdue_invoices', // invoices past due and unsettled at asOf
  'credit_notes_90d', // credit notes issued in the last 90 days
  'method_card', 'method_bank_transfer', 'method_virtual_account', 'method_prepaid', // the bill-to payer's payment method (one-hot)
  'autopay', // 1 when the bill-to party had an automatic payment method (auto-collect) at asOf
  'dunning_step_max_90d', // the highest dunning step taken on its invoices in the last 90 days (0: none)
] as const;

export interface FeatureSpec {
  /** Meter codes with per-meter features `usage_<code>_30d` and `usage_<code>_trend`. */
  meters: string[];
  /** Numeric/boolean customer attributes, as features `attr_<key>`. */
  attributes: string[];
}

export const featureNames = (spec: FeatureSpec): string[] => [
  ...BASE_FEATURES,
  ...spec.meters.flatMap((m) => [`usage_${m}_30d`, `usage_${m}_trend`]),
  ...spec.attributes.map((a) => `attr_${a}`),
];

type Q = Db | Tx;
const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

/**
 * The tenant's per-tenant feature columns: meters that have usage, and attributes that are numbers
 * or booleans on at least 1% of customers (others are missing on most rows and would be noise).
 */
export async function tenantFeatureSpec(db: Q, tenantId: string, opts: { excludeAttributes?: string[] } = {}): Promise<FeatureSpec> {
  const meters = rowsOf<{ code: string }>(await db.execute(sql`
    select m.code from meters m where m.tenant_id = ${tenantId}
      and exists (select 1 from usage_daily u where u.tenant_id = m.tenant_id and u.meter_id = m.id)
    order by m.code`)).map((r) => r.code);
  const attrs = rowsOf<{ key: string }>(await db.execute(sql`
    with a as (
      select e.key, count(*) as n from customers c, jsonb_each(c.attributes) e
      where c.tenant_id = ${tenantId} and jsonb_typeof(e.value) in ('number', 'boolean') group by e.key),
    t as (select count(*) as n from customers where tenant_id = ${tenantId})
    select a.key from a, t where a.n * 100 >= t.n order by a.key`)).map((r) => r.key);
  const exclude = new Set(opts.excludeAttributes ?? []);
  const safe = (s: string) => /^[A-Za-z0-9_.-]{1,60}$/.test(s);
  return { meters: meters.filter(safe), attributes: attrs.filter((a) => safe(a) && !exclude.has(a)) };
}

export interface FeatureRow {
  customerId: string;
  /** Values in `featureNames(spec)` order; null = missing (imputed as the model card says). */
  values: Array<number | null>;
}

/**
 * Customers who are subscribers at `asOf` (a subscription started before it and not ended by it),
 * optionally only `customerIds`, with their feature rows.
 */
export async function featureRows(db: Q, tenantId: string, asOf: string, spec: FeatureSpec, opts: { customerIds?: string[] } = {}): Promise<FeatureRow[]> {
  // Without JIT, for this statement only (restored after): the grouped CTEs get the planner's default
  // estimates, so the query looks costly enough for full JIT with inlining, and compiling its ~300
  // expressions took 16 s of a 20 s run at 10,000 customers, for a plan of hash joins that runs in
  // well under that interpreted. work_mem of at least 64MB keeps the per-tenant sorts and hashes in memory.
  const run = async (tx: Q) => {
    const [prev] = rowsOf<{ jit: string; work_mem: string }>(await tx.execute(sql`select current_setting('jit') as jit, current_setting('work_mem') as work_mem,
      set_config('jit', 'off', true),
      set_config('work_mem', case when pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024 then '64MB' else current_setting('work_mem') end, true)`));
    const res = await tx.execute(featureSql(tenantId, asOf, spec, opts));
    await tx.execute(sql`select set_config('jit', ${prev.jit}, true), set_config('work_mem', ${prev.work_mem}, true)`);
    return res;
  };
  const res = 'rollback' in db ? await run(db) : await (db as Db).transaction(run);
  return rowsOf<{ customerId: string; values: Array<number | null> | string }>(res).map((r) => ({
    customerId: r.customerId,
    values: typeof r.values === 'string' ? JSON.parse(r.values) : r.values,
  }));
}

/**
 * The feature query itself (featureRows runs it; the benchmark explains it). Set-based: each source
 * table is read in one pass over the tenant and grouped per customer (or per bill-to party), then
 * joined to the population, so the cost grows with the tenant's rows, not with one subquery per
 * customer and feature. Every value keeps the formula of README.md (the committed model reads them).
 */
export function featureSql(tenantId: string, asOf: string, spec: FeatureSpec, opts: { customerIds?: string[] } = {}) {
  // The date as a bound parameter in every scan (not a joined CTE), so filters reach the scans and the planner's estimates.
  const D = sql`${asOf}::date`;
  const only = opts.customerIds ? sql`and c.id = any(${`{${opts.customerIds.join(',')}}`}::uuid[])` : sql``;
  // When only some customers are scored, the per-customer scans read only theirs (the scale still reads everyone).
  const onlyCustomer = (col: string) => (opts.customerIds ? sql`and ${sql.raw(col)} in (select id from pop)` : sql``);
  const onlyBillTo = (col: string) => (opts.customerIds ? sql`and ${sql.raw(col)} in (select bill_to from pop)` : sql``);
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
    with subs as (
      select s.* from subscriptions s
      where s.tenant_id = ${tenantId} and s.start_date < ${D} and (s.end_date is null or s.end_date > ${D})),
    sub_agg as (
      select s.customer_id, count(*) as subs, count(*) filter (where s.add_on) as addons from subs s group by s.customer_id),
    first_start as (
      select s.customer_id, min(s.start_date) as first_start from subscriptions s
      where s.tenant_id = ${tenantId} and s.start_date < ${D} group by s.customer_id),
    pop as (
      select c.id, c.tenant_id, c.currency, c.attributes, coalesce(c.payer_id, c.id) as bill_to, c.payer_id, a.subs, a.addons from customers c
      join sub_agg a on a.customer_id = c.id
      where c.tenant_id = ${tenantId} ${only}),
    -- Each subscription's latest bill ending by asOf, and by asOf − 91 days, in one hashed pass over the
    -- tenant's bills (no sort): the greatest [period end, period start, amount, days] array is the
    -- latest bill (period start breaks a tie; amount and days ride along).
    last_bills as (
      select b.subscription_id,
        max(array[(b.period_end - ${D})::numeric, (b.period_start - ${D})::numeric, b.subtotal - b.discount_total, (b.period_end - b.period_start)::numeric]) as lb,
        max(array[(b.period_end - ${D})::numeric, (b.period_start - ${D})::numeric, b.subtotal - b.discount_total, (b.period_end - b.period_start)::numeric])
          filter (where b.period_end <= ${D} - 91) as pb
      from bills b
      where b.tenant_id = ${tenantId} and b.period_end <= ${D}
      group by b.subscription_id),
    run_rate as (
      select s.customer_id,
        sum(lb.lb[3] * 30.4375 / greatest(lb.lb[4]::int, 1)) as mrr,
        sum(coalesce(lb.pb[3] * 30.4375 / greatest(lb.pb[4]::int, 1), 0)) as mrr_3m
      from subs s
      left join last_bills lb on lb.subscription_id = s.id
      group by s.customer_id),
    -- The tenant's scale per currency: the median run-rate of its paying subscribers at asOf (all of
    -- them, also when only some customers are scored), so money features are ratios, free of FX.
    scale as (
      select cu.currency, percentile_cont(0.5) within group (order by r.mrr) as median from run_rate r
      join customers cu on cu.id = r.customer_id and cu.tenant_id = ${tenantId}
      where r.mrr > 0 group by cu.currency),
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
    select c.id as "customerId", json_build_array(
      (${D} - fs.first_start)::float8,
      coalesce(coalesce(rr.mrr, 0) / nullif(sc.median, 0), 0)::float8,
      coalesce((coalesce(rr.mrr, 0) - coalesce(rr.mrr_3m, 0)) / nullif(sc.median, 0), 0)::float8,
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
    left join scale sc on sc.currency = c.currency
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

/**
 * Training labels: 1 when every subscription the customer had at `asOf` has ended within
 * `horizonDays` after it and nothing new runs at the horizon (the customer cancelled), else 0.
 * Reads the future on purpose; serving never calls it.
 */
export async function churnLabels(db: Q, tenantId: string, asOf: string, horizonDays: number): Promise<Map<string, number>> {
  const res = await db.execute(sql`
    with d as (select ${asOf}::date as asof, ${asOf}::date + ${horizonDays}::int as horizon)
    select c.id as "customerId",
      (not exists (select 1 from subscriptions s where s.tenant_id = c.tenant_id and s.customer_id = c.id
         and s.start_date <= d.horizon and (s.end_date is null or s.end_date > d.horizon)))::int as label
    from customers c, d
    where c.tenant_id = ${tenantId} and exists (select 1 from subscriptions s where s.tenant_id = c.tenant_id and s.customer_id = c.id
      and s.start_date < d.asof and (s.end_date is null or s.end_date > d.asof))`);
  return new Map(rowsOf<{ customerId: string; label: number }>(res).map((r) => [r.customerId, Number(r.label)]));
}
