/**
 * The MRR report and the cohort table computed in SQL (README.md "Speed"): the movements are
 * summed per month, currency and kind by the database, and only those sums (a few hundred rows,
 * whatever the number of customers) come to JS, instead of every movement walked per customer.
 *
 * Exact, not an estimate, because of two properties of `mrr_movements` (movements-derive.ts):
 * a customer's MRR in a currency is never below 0 (only segments above 0 are kept), and it goes
 * from 0 to more only by `new`/`reactivation` and from more to 0 only by `churn`. So at any date
 *   MRR of the customers with MRR above 0 = Σ amounts of all movements before it, and
 *   customers with MRR above 0            = #new + #reactivation − #churn before it,
 * which is what the walk in mrr-report.ts counts customer by customer. That holds for filters
 * that keep or drop a customer's movements whole (currency, customer type, segment); a plan
 * filter keeps some of a customer's movements only, so the report walks them (mrr-report.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { MrrMovementKind } from '../db/schema';
import { q, type Ctx } from '../lib/context';
import { Decimal, ZERO } from '../lib/money';
import type { AnalyticsFilter, MonthRange } from './filters';

export const MOVEMENT_KINDS: readonly MrrMovementKind[] = ['new', 'expansion', 'reactivation', 'contraction', 'churn'];

export interface Month {
  month: string; currency: string; startMrr: Decimal; endMrr: Decimal;
  moves: Record<MrrMovementKind, Decimal>; counts: Record<MrrMovementKind, number>;
  startCustomers: number; endCustomers: number;
}

export const zeroMoves = () => Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, ZERO])) as Record<MrrMovementKind, Decimal>;
export const zeroCounts = () => Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, 0])) as Record<MrrMovementKind, number>;

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string | number>[];

/** True when the SQL sums give the walk's figures exactly (see above). */
export const summable = (f: AnalyticsFilter) => !f.planCode;

/** The movements of the filter before `before`, as a subquery m(customer_id, currency, date, kind, amount). */
function movementsOf(ctx: Ctx, f: AnalyticsFilter, before: string): SQL {
  const cust = f.customerType || f.segment
    ? sql`and exists (select 1 from customers c where c.tenant_id = m.tenant_id and c.id = m.customer_id
        ${f.customerType ? sql`and c.type = ${f.customerType}` : sql``} ${f.segment ? sql`and c.segment = ${f.segment}` : sql``})`
    : sql``;
  return sql`(select m.customer_id, m.currency, m.date, m.kind, m.amount from mrr_movements m
    where m.tenant_id = ${ctx.tenantId} and m.date < ${before}::date ${f.currency ? sql`and m.currency = ${f.currency}` : sql``} ${cust})`;
}

/**
 * The movements of the filter before `before`, summed per month, currency, cohort and kind:
 * s(month date, currency, cohort date, kind, amount, n). Without a customer filter from
 * `mrr_facts` (kept by triggers, README.md "Speed"): the whole months before `before`'s month
 * from the facts, the days of its own month up to `before` from the movements (the facts also hold
 * future-dated movements of that month). With a customer-type or segment filter from the
 * movements, the cohort worked out from them (the first `new` before `before`): the reference
 * the facts are tested against.
 */
export function movementSums(ctx: Ctx, f: AnalyticsFilter, before: string, source: 'facts' | 'raw' = f.customerType || f.segment ? 'raw' : 'facts'): SQL {
  const cur = f.currency ? sql`and currency = ${f.currency}` : sql``;
  if (source === 'raw') {
    return sql`(with m as ${movementsOf(ctx, f, before)},
      s as (select customer_id, currency, date_trunc('month', min(date))::date as cohort from m where kind = 'new' group by 1, 2)
      select date_trunc('month', m.date)::date as month, m.currency, s.cohort, m.kind, sum(m.amount) as amount, count(*)::int as n
      from m join s on s.customer_id = m.customer_id and s.currency = m.currency group by 1, 2, 3, 4)`;
  }
  const tail = `${before.slice(0, 7)}-01`;
  return sql`(select month, currency, cohort_month as cohort, kind, sum(amount) as amount, sum(movements)::int as n
      from mrr_facts where tenant_id = ${ctx.tenantId} and month < ${tail}::date ${cur}
      group by 1, 2, 3, 4 having sum(movements) <> 0
    union all
    select date_trunc('month', date)::date, currency, cohort_month, kind, sum(amount), count(*)::int
      from mrr_movements where tenant_id = ${ctx.tenantId} and date >= ${tail}::date and date < ${before}::date ${cur}
      group by 1, 2, 3, 4)`;
}

/** Month by month within the range: start, the five movements (sums and counts), end. */
export async function monthsFromSql(ctx: Ctx, f: AnalyticsFilter, r: MonthRange, source?: 'facts' | 'raw'): Promise<Month[]> {
  const rows = rowsOf(await q(ctx).execute(sql`
    select case when s.month < ${r.start}::date then '' else to_char(s.month, 'YYYY-MM') end as month, s.currency, s.kind,
      sum(s.amount)::text as amount, sum(s.n)::int as n
    from ${movementSums(ctx, f, r.end, source)} s group by 1, 2, 3`));
  const state = new Map<string, { mrr: Decimal; customers: number }>(); // currency → running totals
  const by = new Map<string, { m: Record<MrrMovementKind, Decimal>; c: Record<MrrMovementKind, number> }>(); // month|currency
  for (const x of rows) {
    const key = `${x.month}|${x.currency}`;
    const e = by.get(key) ?? { m: zeroMoves(), c: zeroCounts() };
    const kind = String(x.kind) as MrrMovementKind;
    e.m[kind] = e.m[kind].plus(String(x.amount));
    e.c[kind] += Number(x.n);
    by.set(key, e);
  }
  const currencies = [...new Set(rows.map((x) => String(x.currency)))].sort();
  const advance = (month: string, c: string) => {
    const s = state.get(c) ?? { mrr: ZERO, customers: 0 };
    const e = by.get(`${month}|${c}`);
    const next = e ? { mrr: MOVEMENT_KINDS.reduce((a, k) => a.plus(e.m[k]), s.mrr), customers: s.customers + e.c.new + e.c.reactivation - e.c.churn } : s;
    state.set(c, next);
    return { before: s, after: next, e };
  };
  for (const c of currencies) advance('', c);
  const out: Month[] = [];
  for (const month of r.months) {
    for (const c of currencies) {
      const { before, after, e } = advance(month, c);
      // as the walk: a currency appears in a month when it has customers at either end or movements in it
      if (!before.customers && !after.customers && !e) continue;
      out.push({ month, currency: c, startMrr: before.customers ? before.mrr : ZERO, endMrr: after.customers ? after.mrr : ZERO,
        moves: e?.m ?? zeroMoves(), counts: e?.c ?? zeroCounts(), startCustomers: before.customers, endCustomers: after.customers });
    }
  }
  return out;
}

export interface CohortCells {
  /** currency|cohort → customers who signed up in it */
  size: Map<string, number>;
  /** currency|cohort|month → customers with MRR above 0 at the month's end and their MRR */
  cells: Map<string, { customers: number; mrr: Decimal }>;
}

/** Cohort (month of the first `new`) × month: sums of movements per month, accumulated here. */
export async function cohortCellsFromSql(ctx: Ctx, f: AnalyticsFilter, r: MonthRange, source?: 'facts' | 'raw'): Promise<CohortCells> {
  const rows = rowsOf(await q(ctx).execute(sql`
    select s.currency, to_char(s.cohort, 'YYYY-MM') as cohort, to_char(s.month, 'YYYY-MM') as month, sum(s.amount)::text as amount,
      (coalesce(sum(s.n) filter (where s.kind in ('new', 'reactivation')), 0) - coalesce(sum(s.n) filter (where s.kind = 'churn'), 0))::int as n,
      coalesce(sum(s.n) filter (where s.kind = 'new'), 0)::int as signups
    from ${movementSums(ctx, f, r.end, source)} s
    group by 1, 2, 3 order by 1, 2, 3`));
  const size = new Map<string, number>();
  const cells = new Map<string, { customers: number; mrr: Decimal }>();
  const sums = new Map<string, typeof rows>();
  for (const x of rows) {
    const id = `${x.currency}|${x.cohort}`;
    size.set(id, (size.get(id) ?? 0) + Number(x.signups));
    sums.set(id, [...(sums.get(id) ?? []), x]);
  }
  for (const [id, list] of sums) {
    let customers = 0, mrr: Decimal = ZERO, i = 0;
    const cohort = id.slice(4);
    for (const month of r.months) {
      for (; i < list.length && String(list[i].month) <= month; i++) { customers += Number(list[i].n); mrr = mrr.plus(String(list[i].amount)); }
      if (month >= cohort && cohort >= r.from && customers > 0) cells.set(`${id}|${month}`, { customers, mrr });
    }
  }
  return { size, cells };
}
