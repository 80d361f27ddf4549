/**
 * MRR per month from mrr_movements (README.md): start, the five movements, end, customers, ARR
 * and the rates built on them; and cohorts (retention by signup month, as customers and as MRR).
 * One pass over the tenant's movements in date order, carrying each customer's MRR, snapshotting
 * at every month boundary. Figures are per currency; nothing here reads invoices, so a bill run
 * (or its absence) changes nothing.
 */
import { and, asc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { customers, mrrMovements, type MrrMovementKind } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { monthRange, nextMonth, type AnalyticsFilter, type MonthRange } from './filters';
import { cohortCellsFromSql, monthsFromSql, summable, zeroCounts, zeroMoves, type CohortCells, type Month } from './mrr-aggregate';

export { MOVEMENT_KINDS } from './mrr-aggregate';

interface Row { customerId: string; currency: string; date: string; kind: MrrMovementKind; amount: string }

/** Movements up to (not including) `before`, filtered, oldest first. */
export async function loadMovements(ctx: Ctx, f: AnalyticsFilter, before: string): Promise<Row[]> {
  const where: SQL[] = [eq(mrrMovements.tenantId, ctx.tenantId), lt(mrrMovements.date, before)];
  if (f.currency) where.push(eq(mrrMovements.currency, f.currency));
  if (f.planCode) where.push(eq(mrrMovements.planCode, f.planCode));
  if (f.customerType) where.push(eq(customers.type, f.customerType));
  if (f.segment) where.push(eq(customers.segment, f.segment));
  return q(ctx).select({ customerId: mrrMovements.customerId, currency: mrrMovements.currency, date: mrrMovements.date, kind: mrrMovements.kind, amount: mrrMovements.amount })
    .from(mrrMovements).innerJoin(customers, and(eq(customers.tenantId, mrrMovements.tenantId), eq(customers.id, mrrMovements.customerId)))
    .where(and(...where)).orderBy(asc(mrrMovements.date), asc(mrrMovements.id));
}

/** A ratio as a decimal string with 4 places ("0.0500" = 5%), or null when the base is zero. */
export function ratio(n: Decimal, d: Decimal): string | null {
  return d.isZero() ? null : n.dividedBy(d).toFixed(4);
}

/** Walks the movements month by month (with a plan filter; otherwise mrr-aggregate.ts sums them in SQL); calls `atMonthEnd` with every customer's MRR after each month. */
export function walk(rows: Row[], r: MonthRange, atMonthEnd?: (month: string, mrr: Map<string, Decimal>) => void): Month[] {
  const mrr = new Map<string, Decimal>(); // `${currency}|${customerId}` → MRR
  const out: Month[] = [];
  let i = 0;
  const apply = (row: Row) => {
    const key = `${row.currency}|${row.customerId}`;
    mrr.set(key, (mrr.get(key) ?? ZERO).plus(row.amount));
  };
  const snapshot = () => {
    const by = new Map<string, { total: Decimal; customers: number }>();
    for (const [key, v] of mrr) {
      if (!v.greaterThan(0)) continue;
      const c = key.slice(0, 3);
      const s = by.get(c) ?? { total: ZERO, customers: 0 };
      by.set(c, { total: s.total.plus(v), customers: s.customers + 1 });
    }
    return by;
  };
  while (i < rows.length && rows[i].date < r.start) apply(rows[i++]);
  for (const month of r.months) {
    const start = snapshot();
    const end = nextMonth(month);
    const moves = new Map<string, { m: Record<MrrMovementKind, Decimal>; c: Record<MrrMovementKind, number> }>();
    for (; i < rows.length && rows[i].date < end; i++) {
      apply(rows[i]);
      const e = moves.get(rows[i].currency) ?? { m: zeroMoves(), c: zeroCounts() };
      e.m[rows[i].kind] = e.m[rows[i].kind].plus(rows[i].amount);
      e.c[rows[i].kind]++;
      moves.set(rows[i].currency, e);
    }
    const fin = snapshot();
    atMonthEnd?.(month, mrr);
    for (const c of [...new Set([...start.keys(), ...fin.keys(), ...moves.keys()])].sort()) {
      out.push({
        month, currency: c, startMrr: start.get(c)?.total ?? ZERO, endMrr: fin.get(c)?.total ?? ZERO,
        moves: moves.get(c)?.m ?? zeroMoves(), counts: moves.get(c)?.c ?? zeroCounts(),
        startCustomers: start.get(c)?.customers ?? 0, endCustomers: fin.get(c)?.customers ?? 0,
      });
    }
  }
  return out;
}

function monthOut(m: Month) {
  const money = (d: Decimal) => toMoneyString(d, m.currency);
  const lost = m.moves.churn.plus(m.moves.contraction).abs();
  const gained = m.moves.expansion.plus(m.moves.reactivation);
  const logoChurn = ratio(new Decimal(m.counts.churn), new Decimal(m.startCustomers));
  const arpa = m.endCustomers ? m.endMrr.dividedBy(m.endCustomers) : null;
  return {
    month: m.month, currency: m.currency,
    startMrr: money(m.startMrr), new: money(m.moves.new), expansion: money(m.moves.expansion), reactivation: money(m.moves.reactivation),
    contraction: money(m.moves.contraction), churn: money(m.moves.churn), endMrr: money(m.endMrr), arr: money(m.endMrr.times(12)),
    startCustomers: m.startCustomers, endCustomers: m.endCustomers,
    newCustomers: m.counts.new, reactivatedCustomers: m.counts.reactivation, churnedCustomers: m.counts.churn,
    logoChurnRate: logoChurn,
    grossMrrChurnRate: ratio(lost, m.startMrr),
    netMrrChurnRate: ratio(lost.minus(gained), m.startMrr),
    nrr: ratio(m.startMrr.plus(m.moves.expansion).minus(lost), m.startMrr),
    arpa: arpa ? money(arpa) : null,
    // with the exact rate, not the 4-place one shown: ARPA × start customers ÷ churned customers
    ltv: arpa && m.counts.churn > 0 && m.startCustomers > 0 ? money(arpa.times(m.startCustomers).dividedBy(m.counts.churn)) : null,
  };
}

/** Trials ending in each month, and how many became paying (not cancelled by the trial end). */
async function trialConversion(ctx: Ctx, f: AnalyticsFilter, r: MonthRange) {
  const plan = f.planCode ? sql`and s.plan_code = ${f.planCode}` : sql``;
  const type = f.customerType ? sql`and c.type = ${f.customerType}` : sql``;
  const seg = f.segment ? sql`and c.segment = ${f.segment}` : sql``;
  const cur = f.currency ? sql`and c.currency = ${f.currency}` : sql``;
  const res = await q(ctx).execute(sql`
    select to_char(s.trial_end_date, 'YYYY-MM') as month, count(*)::int as ended,
      count(*) filter (where s.end_date is null or s.end_date > s.trial_end_date)::int as converted
    from subscriptions s join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
    where s.tenant_id = ${ctx.tenantId} and s.trial_end_date >= ${r.start}::date and s.trial_end_date < ${r.end}::date ${plan} ${type} ${seg} ${cur}
    group by 1 order by 1`);
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { month: string; ended: number; converted: number }[];
  return rows.map((x) => ({ month: x.month, trialsEnded: Number(x.ended), converted: Number(x.converted), rate: ratio(new Decimal(x.converted), new Decimal(x.ended)) }));
}

export async function mrrReport({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  // side by side: on a busy server each round trip waits for a core, so two at once halve the wait
  const [months, trials] = await Promise.all([
    summable(query) ? monthsFromSql(ctx, query, r) : loadMovements(ctx, query, r.end).then((rows) => walk(rows, r)),
    trialConversion(ctx, query, r),
  ]);
  return {
    from: r.from, to: r.to, months: r.months, asOf: r.today, currencyMode: 'per_currency' as const,
    mrr: months.map(monthOut),
    trials,
  };
}

/**
 * Cohorts by signup month (the month of a customer's first `new` movement): for each later
 * month, how many of them have MRR at its end and how much; customer retention is against all
 * who signed up in the cohort month, MRR retention against the cohort's MRR at that month's end.
 */
export async function cohortReport({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query, 36);
  const { size, cells } = summable(query) ? await cohortCellsFromSql(ctx, query, r) : cohortCellsByWalk(await loadMovements(ctx, query, r.end), r);
  // every cohort of the range, with a cell for each month from its own to the last (zero when nobody is left)
  const cohorts = [...size].filter(([id]) => id.slice(4) >= r.from).sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => {
    const [currency, cohort] = id.split('|');
    const startMrr = cells.get(`${id}|${cohort}`)?.mrr ?? ZERO;
    const months = r.months.slice(r.months.indexOf(cohort)).map((month, offset) => {
      const v = cells.get(`${id}|${month}`) ?? { customers: 0, mrr: ZERO };
      return { month, offset, customers: v.customers, mrr: toMoneyString(v.mrr, currency),
        customerRetention: ratio(new Decimal(v.customers), new Decimal(n)), mrrRetention: ratio(v.mrr, startMrr) };
    });
    return { currency, cohort, customers: n, mrr: toMoneyString(startMrr, currency), months };
  });
  return {
    from: r.from, to: r.to, months: r.months, asOf: r.today,
    cohorts,
  };
}

/** The cohort cells by walking the movements customer by customer (a plan filter; see mrr-aggregate.ts). */
export function cohortCellsByWalk(rows: Row[], r: MonthRange): CohortCells {
  const signup = new Map<string, string>(); // currency|customer → signup month
  const size = new Map<string, number>(); // currency|cohort → customers who signed up in it
  for (const x of rows) {
    const key = `${x.currency}|${x.customerId}`;
    if (x.kind !== 'new' || signup.has(key)) continue;
    signup.set(key, x.date.slice(0, 7));
    size.set(`${x.currency}|${x.date.slice(0, 7)}`, (size.get(`${x.currency}|${x.date.slice(0, 7)}`) ?? 0) + 1);
  }
  const cells = new Map<string, { customers: number; mrr: Decimal }>(); // currency|cohort|month
  walk(rows, r, (month, mrr) => {
    for (const [key, v] of mrr) {
      const cohort = signup.get(key);
      if (!cohort || cohort < r.from || cohort > month || !v.greaterThan(0)) continue;
      const k = `${key.slice(0, 3)}|${cohort}|${month}`;
      const c = cells.get(k) ?? { customers: 0, mrr: ZERO };
      cells.set(k, { customers: c.customers + 1, mrr: c.mrr.plus(v) });
    }
  });
  return { size, cells };
}

/** Drill-down: the movements of one month (optionally one kind) with their customers, largest first. */
export async function movementList({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter & { month: string; kind?: MrrMovementKind } }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, { ...query, from: query.month, to: query.month });
  const where: SQL[] = [eq(mrrMovements.tenantId, ctx.tenantId), sql`${mrrMovements.date} >= ${r.start}::date`, lt(mrrMovements.date, r.end)];
  if (query.kind) where.push(eq(mrrMovements.kind, query.kind));
  if (query.currency) where.push(eq(mrrMovements.currency, query.currency));
  if (query.planCode) where.push(eq(mrrMovements.planCode, query.planCode));
  if (query.customerType) where.push(eq(customers.type, query.customerType));
  if (query.segment) where.push(eq(customers.segment, query.segment));
  const rows = await q(ctx).select({
    customerId: mrrMovements.customerId, customerName: customers.name, externalId: customers.externalId, currency: mrrMovements.currency,
    date: mrrMovements.date, kind: mrrMovements.kind, amount: mrrMovements.amount, mrrBefore: mrrMovements.mrrBefore, mrrAfter: mrrMovements.mrrAfter, planCode: mrrMovements.planCode,
  }).from(mrrMovements).innerJoin(customers, and(eq(customers.tenantId, mrrMovements.tenantId), eq(customers.id, mrrMovements.customerId)))
    .where(and(...where)).orderBy(sql`abs(${mrrMovements.amount}) desc`, asc(mrrMovements.date)).limit(500);
  const m = (v: string, c: string) => toMoneyString(new Decimal(v), c);
  return { data: rows.map((x) => ({ ...x, amount: m(x.amount, x.currency), mrrBefore: m(x.mrrBefore, x.currency), mrrAfter: m(x.mrrAfter, x.currency) })) };
}
