/**
 * Promotion ROI for marketers (README.md "Promotion ROI"): what each discount, promotion and
 * coupon gave away per month (its discount lines on issued invoices, by period month), on how
 * many invoices and customers; and the revenue (the non-tax lines of issued invoices over the
 * range, each for the customer it names, else the invoice's customer) and retention (customers
 * with MRR today) of the customers who used it against those who did not.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { resolveAt } from '../catalog/versions';
import type { RuleDoc } from '../rating/types';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { ISSUED } from './receivables';
import { ratio } from './mrr-report';
import { givenSql, usersSql, type UsersRow } from './promotion-roi-users';

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string | number | boolean | null>[];

/** The endpoint's answer from the facts (promotion_facts, kept by a trigger on invoices) or the raw lines. */
export async function promotionRoiFrom(ctx: Ctx, query: AnalyticsFilter, source: 'facts' | 'raw') {
  const r = await monthRange(ctx, query);
  const db = q(ctx);
  const f = sql.join([
    query.currency ? sql`and i.currency = ${query.currency}` : sql``,
    query.customerType ? sql`and exists (select 1 from customers c where c.id = i.customer_id and c.type = ${query.customerType})` : sql``,
    query.segment ? sql`and exists (select 1 from customers c where c.id = i.customer_id and c.segment = ${query.segment})` : sql``,
  ], sql` `);
  const issued = sql`i.tenant_id = ${ctx.tenantId} and i.status in ${ISSUED} and i.period_start >= ${r.start}::date and i.period_start < ${nextMonth(r.to)}::date ${f}`;
  const lines = sql`from invoices i cross join lateral jsonb_array_elements(i.lines) l
    where ${issued} and l->>'kind' = 'discount' and l->>'rule' is not null`;
  if (source === 'facts' && (query.customerType || query.segment)) throw new Error('promotion facts are not kept per customer attribute (read the raw tables)');
  const given = rowsOf(await db.execute(source === 'facts' ? givenSql(ctx.tenantId, r.from, r.to, r.today, query.currency) : sql`
    select l->>'rule' as rule, to_char(i.period_start, 'YYYY-MM') as month, i.currency,
      sum(abs((l->>'amount')::numeric))::text as amount, count(distinct i.id)::int as invoices,
      count(distinct coalesce(l->>'customerId', i.customer_id::text))::int as customers
    ${lines} group by 1, 2, 3 order by 1, 2, 3`));
  // no rule given away in the range: nothing to compare (the raw path still computes it, as it always did)
  const cohorts = source === 'facts'
    ? (given.length === 0 ? [] : cohortsOf(rowsOf(await db.execute(usersSql(ctx.tenantId, r.from, r.to, r.today, query.currency))) as unknown as UsersRow[]))
    : rowsOf(await db.execute(sql`
    with used as (select distinct l->>'rule' as rule, coalesce(l->>'customerId', i.customer_id::text) as cid ${lines}),
    rev as (
      select cid, currency, sum(t) as total from (
        select i.id, coalesce(l->>'customerId', i.customer_id::text) as cid, i.currency, coalesce(sum((l->>'amount')::numeric), 0) as t
        from invoices i cross join lateral jsonb_array_elements(i.lines) l where ${issued} and l->>'kind' is distinct from 'tax' group by 1, 2, 3) x
      where cid is not null group by 1, 2),
    live as (select customer_id::text as cid from mrr_movements where tenant_id = ${ctx.tenantId} and date <= ${r.today}::date group by 1 having sum(amount) > 0)
    select u.rule, rev.currency, exists (select 1 from used x where x.rule = u.rule and x.cid = rev.cid) as used,
      count(*)::int as customers, sum(rev.total)::text as revenue, count(*) filter (where rev.cid in (select cid from live))::int as retained
    from (select distinct rule from used) u cross join rev group by 1, 2, 3 order by 1, 2, 3`));
  const docs = new Map((await resolveAt<RuleDoc>(db, ctx.tenantId, 'rule', '9999-12-31')).map((d) => [d.code, d.document]));
  const ruleOf = (code: string) => ({ rule: code, name: docs.get(code)?.name ?? code, kind: docs.get(code)?.kind ?? 'discount' });
  const group = (used: boolean, rule: string, cur: string) => {
    const x = cohorts.find((c) => c.rule === rule && c.currency === cur && Boolean(c.used) === used);
    const n = Number(x?.customers ?? 0);
    const revenue = new Decimal(String(x?.revenue ?? '0'));
    return { customers: n, revenuePerCustomer: n ? toMoneyString(revenue.dividedBy(n), cur) : null, retention: ratio(new Decimal(Number(x?.retained ?? 0)), new Decimal(n)) };
  };
  const pairs = [...new Set(given.map((g) => `${g.rule}|${g.currency}`))].sort();
  return {
    from: r.from, to: r.to, months: r.months,
    givenAway: given.map((g) => ({ ...ruleOf(String(g.rule)), month: String(g.month), currency: String(g.currency),
      amount: toMoneyString(new Decimal(String(g.amount)), String(g.currency)), invoices: Number(g.invoices), customers: Number(g.customers) })),
    comparison: pairs.map((p) => {
      const [rule, cur] = p.split('|');
      return { ...ruleOf(rule), currency: cur, users: group(true, rule, cur), nonUsers: group(false, rule, cur) };
    }),
  };
}

export async function promotionRoi({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  return promotionRoiFrom(ctx, query, query.customerType || query.segment ? 'raw' : 'facts');
}

/**
 * The raw query's rows (rule, currency, used, customers, revenue, retained) from everyone's and the
 * users' sums: the rules anyone used in the range, each against every currency with customers;
 * non-users are everyone less the users.
 */
function cohortsOf(rows: UsersRow[]) {
  const everyone = rows.filter((x) => x.rule === '' && Number(x.customers) > 0);
  const users = new Map(rows.filter((x) => x.rule !== '').map((x) => [`${x.rule}|${x.currency}`, x]));
  const rules = [...new Set(rows.filter((x) => x.rule !== '' && Number(x.customers) > 0).map((x) => x.rule))].sort();
  return rules.flatMap((rule) => everyone.flatMap((e) => {
    const u = users.get(`${rule}|${e.currency}`);
    const [n, ret, rev] = [Number(u?.customers ?? 0), Number(u?.retained ?? 0), new Decimal(u?.revenue ?? '0')];
    return [
      { rule, currency: e.currency, used: true, customers: n, revenue: rev.toString(), retained: ret },
      { rule, currency: e.currency, used: false, customers: Number(e.customers) - n, revenue: new Decimal(e.revenue).minus(rev).toString(), retained: Number(e.retained) - ret },
    ];
  }));
}
