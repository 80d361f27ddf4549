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
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { postgresJsClient } from '../db/driver';
import { featureSql, runRatesSql, type FeatureSlice, type FeatureSpec } from './feature-sql';

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

export type { FeatureSpec };

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

/** The halves of the customer ids (random UUIDs) that two connections read at once on PostgreSQL. */
const HALVES: FeatureSlice[] = [{ below: '80000000-0000-0000-0000-000000000000' }, { from: '80000000-0000-0000-0000-000000000000' }];

/**
 * Customers who are subscribers at `asOf` (a subscription started before it and not ended by it),
 * optionally only `customerIds`, with their feature rows, ordered by customer id.
 *
 * A whole tenant read through a PostgreSQL pool (not inside a transaction) is read in two halves
 * by two connections at once: the statement is CPU-bound and one backend uses one core; its rows
 * give the scale. Elsewhere (a transaction, PGlite) it is one statement; given customers take a
 * second one for the whole tenant's run-rates (the scale).
 */
export async function featureRows(db: Q, tenantId: string, asOf: string, spec: FeatureSpec, opts: { customerIds?: string[] } = {}): Promise<FeatureRow[]> {
  const together = !opts.customerIds && !('rollback' in db) && postgresJsClient(db) !== null;
  const read = (q: SQL, few: boolean) => ('rollback' in db ? readWithSettings(db, q, few) : (db as Db).transaction((tx) => readWithSettings(tx, q, few)));
  const parsed = (res: unknown) => rowsOf<{ customerId: string; currency: string; values: Array<number | null> | string }>(res)
    .map((r) => ({ customerId: r.customerId, currency: r.currency, values: (typeof r.values === 'string' ? JSON.parse(r.values) : r.values) as Array<number | null> }));
  let rows: Array<FeatureRow & { currency: string }>;
  let scale: Map<string, number>;
  if (opts.customerIds) {
    rows = parsed(await read(featureSql(tenantId, asOf, spec, { customerIds: opts.customerIds }), true));
    // the scale is the whole tenant's, whoever is scored
    scale = medians(rowsOf<{ currency: string; mrr: number | string }>(await read(runRatesSql(tenantId, asOf), false)).map((r) => [r.currency, Number(r.mrr)]));
  } else {
    const results = together ? await Promise.all(HALVES.map((s) => read(featureSql(tenantId, asOf, spec, s), false))) : [await read(featureSql(tenantId, asOf, spec, {}), false)];
    rows = results.flatMap(parsed);
    // every subscriber is here: its run-rate (values[1], the numeric as the nearest double, which is what float8 gives) is the scale's input
    scale = medians(rows.filter((r) => Number(r.values[1]) > 0).map((r) => [r.currency, Number(r.values[1])]));
  }
  // Money relative to the scale (README.md): run-rate ÷ median and its change ÷ median, 0 without a scale;
  // the same float8 division PostgreSQL would do on the same doubles.
  return rows.map(({ customerId, currency, values }) => {
    const median = scale.get(currency);
    values[1] = median ? Number(values[1]) / median : 0;
    values[2] = median ? Number(values[2]) / median : 0;
    return { customerId, values };
  });
}

/**
 * The scale per currency: the median of the run-rates, as PostgreSQL's `percentile_cont(0.5)`
 * computes it (sorted as float8; the middle value, or the lower middle plus half the gap to the
 * upper one, in float8), so a whole tenant's scale needs no second pass over its bills.
 */
export function medians(pairs: Array<[string, number]>): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const [c, v] of pairs) (by.get(c) ?? by.set(c, []).get(c)!).push(v);
  const out = new Map<string, number>();
  for (const [c, v] of by) {
    v.sort((a, b) => a - b);
    const pos = 0.5 * (v.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    out.set(c, v[lo] + (pos - lo) * (v[hi] - v[lo]));
  }
  return out;
}

/**
 * Runs a feature statement with its settings, local to the transaction `tx` and restored after:
 * - no JIT: the grouped CTEs get the planner's default estimates, so the query looks costly enough
 *   for full JIT with inlining, and compiling its ~300 expressions took 16 s of a 20 s run at 10,000
 *   customers, for a plan of hash joins that runs in well under that interpreted;
 * - work_mem of at least 64MB keeps the per-tenant sorts and hashes in memory;
 * - over many customers, no nested loops: the estimates of the grouped CTEs are guesses, and the
 *   planner's nested loops of index lookups into customers took 0.6 s of 5.4 s at 100,000
 *   customers where hash joins take 0.1 s (the bench); given customers keep them (a few lookups).
 */
async function readWithSettings(tx: Q, statement: SQL, few: boolean) {
  const [prev] = rowsOf<{ jit: string; work_mem: string; nl: string }>(await tx.execute(sql`select current_setting('jit') as jit, current_setting('work_mem') as work_mem,
    current_setting('enable_nestloop') as nl, set_config('jit', 'off', true),
    set_config('work_mem', case when pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024 then '64MB' else current_setting('work_mem') end, true),
    set_config('enable_nestloop', ${few ? 'on' : 'off'}, true)`));
  const res = await tx.execute(statement);
  await tx.execute(sql`select set_config('jit', ${prev.jit}, true), set_config('work_mem', ${prev.work_mem}, true), set_config('enable_nestloop', ${prev.nl}, true)`);
  return res;
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
