/**
 * Revenue by kind (README.md "Usage revenue"): what issued invoices billed per month (by issue
 * date), before tax, split into recurring, usage and one-time from the bill lines behind them.
 *   usage     — charge lines of a plan component of type `usage` (metered);
 *   one-time  — charge lines marked one_time or installment (setup fees, purchases in parts);
 *   recurring — every other charge line (flat and quantity components) and minimum top-ups;
 *   a discount line naming a component counts against that component's kind; one without a
 *   component (an invoice-wide discount) is shown on its own, as `discounts`.
 * MRR stays the subscription-state figure (mrr-report.ts); this is what was billed.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { customerFilter, rowsOf } from './aging';
import { ISSUED } from './receivables';

export const REVENUE_KINDS = ['recurring', 'usage', 'oneTime', 'discounts'] as const;
type Kind = (typeof REVENUE_KINDS)[number];

export async function revenueMix({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  const t = ctx.tenantId;
  const plan = query.planCode ? sql`and exists (select 1 from jsonb_array_elements(b.segments) s where s->>'planCode' = ${query.planCode})` : sql``;
  const rows = rowsOf(await q(ctx).execute(sql`
    with usage_components as (
      select distinct e.code as plan_code, c->>'code' as component
      from catalog_entries e join catalog_versions v on v.entry_id = e.id, jsonb_array_elements(coalesce(v.document->'components', '[]'::jsonb)) c
      where e.tenant_id = ${t} and e.kind = 'plan' and c->>'type' = 'usage')
    select to_char(i.issue_date, 'YYYY-MM') as month, b.currency,
      case
        when l->>'kind' = 'discount' and l->>'component' is null then 'discounts'
        when l->'detail'->>'code' in ('one_time', 'installment') then 'oneTime'
        when exists (select 1 from usage_components u, jsonb_array_elements(b.segments) s
          where u.component = l->>'component' and u.plan_code = s->>'planCode') then 'usage'
        else 'recurring' end as kind,
      sum((l->>'amount')::numeric)::text as amount
    from bills b join invoices i on i.tenant_id = b.tenant_id and i.id = b.invoice_id, jsonb_array_elements(b.lines) l
    where b.tenant_id = ${t} and i.status in ${ISSUED} and i.issue_date >= ${r.start}::date and i.issue_date < ${nextMonth(r.to)}::date
      and l->>'kind' in ('charge', 'minimum', 'discount') ${customerFilter({ ...query, currency: undefined }, 'i')} ${query.currency ? sql`and b.currency = ${query.currency}` : sql``} ${plan}
    group by 1, 2, 3`));
  const currencies = [...new Set(rows.map((x) => x.currency))].sort();
  const amount = (m: string, c: string, k: Kind) => new Decimal(rows.find((x) => x.month === m && x.currency === c && x.kind === k)?.amount ?? '0');
  return {
    from: r.from, to: r.to, months: r.months,
    revenue: r.months.flatMap((month) => currencies.map((currency) => {
      const v = Object.fromEntries(REVENUE_KINDS.map((k) => [k, amount(month, currency, k)])) as Record<Kind, Decimal>;
      const total = REVENUE_KINDS.reduce((s, k) => s.plus(v[k]), ZERO as Decimal);
      const usageShare = total.isZero() ? null : v.usage.dividedBy(total).toFixed(4);
      return { month, currency, ...Object.fromEntries(REVENUE_KINDS.map((k) => [k, toMoneyString(v[k], currency)])) as Record<Kind, string>,
        total: toMoneyString(total, currency), usageShare };
    })),
  };
}
