/**
 * Billed vs collected and receivables (README.md "Billed vs collected"), per currency. Billed =
 * invoices finalized (issued, not void) by issue date; collected = money received (succeeded
 * payments, less what was refunded) by received date; outstanding at a month's end = amount due of
 * the invoices issued by then less the allocations of payments received by then.
 *
 * Two ways to the same figures: `monthlyFromFacts` reads `receivable_facts` (kept by triggers,
 * append-only delta rows summed per month and currency), used whenever no customer filter applies; `monthlyFromRaw` computes
 * them set-based from invoices, allocations and payments, used with a customer-type or segment
 * filter (the facts are not kept per customer) and by the benchmark to check the facts exactly.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { daysBetween } from '../lib/dates';
import { monthRange, nextMonth, type AnalyticsFilter, type MonthRange } from './filters';
import { ratio } from './mrr-report';
import { aging, customerFilter, rowsOf } from './aging';

export const ISSUED = sql.raw(`('finalized','partially_paid','paid','payment_failed')`);
export const RECEIVED = sql.raw(`('succeeded','partially_refunded','refunded')`);

/** Per currency and month of the range: billed, collected, outstanding at the month's end. */
export interface MonthlySums { currencies: string[]; cell: (month: string, currency: string) => { billed: Decimal; collected: Decimal; outstanding: Decimal } }

/** Running outstanding per month from deltas; `base` holds what came before the range. */
function sums(r: MonthRange, billed: Record<string, string>[], collected: Record<string, string>[], deltas: Record<string, string>[], currencies: string[]): MonthlySums {
  const key = (m: string, c: string) => `${m}|${c}`;
  const b = new Map(billed.map((x) => [key(x.month, x.currency), new Decimal(x.amount)]));
  const co = new Map(collected.map((x) => [key(x.month, x.currency), new Decimal(x.amount)]));
  const out = new Map<string, Decimal>();
  for (const c of currencies) {
    let run = deltas.filter((x) => x.currency === c && x.month < r.from).reduce((s, x) => s.plus(x.amount), ZERO as Decimal);
    for (const m of r.months) {
      run = deltas.filter((x) => x.currency === c && x.month === m).reduce((s, x) => s.plus(x.amount), run);
      out.set(key(m, c), run);
    }
  }
  return { currencies, cell: (m, c) => ({ billed: b.get(key(m, c)) ?? ZERO, collected: co.get(key(m, c)) ?? ZERO, outstanding: out.get(key(m, c)) ?? ZERO }) };
}

/** From receivable_facts: its delta rows summed per month and currency (no customer filters). */
export async function monthlyFromFacts(ctx: Ctx, f: AnalyticsFilter, r: MonthRange): Promise<MonthlySums> {
  const rows = rowsOf(await q(ctx).execute(sql`
    select to_char(month, 'YYYY-MM') as month, currency, sum(billed)::text as billed, sum(collected)::text as collected, sum(outstanding_delta)::text as amount,
      sum(issued_count)::int as issued, sum(received_count)::int as received
    from receivable_facts where tenant_id = ${ctx.tenantId} and month < ${nextMonth(r.to)}::date ${f.currency ? sql`and currency = ${f.currency}` : sql``}
    group by month, currency order by month`));
  const inRange = rows.filter((x) => x.month >= r.from);
  // a currency is shown once an invoice in it was issued by the range's end, or a payment received in the range
  const currencies = [...new Set(rows.filter((x) => Number(x.issued) > 0 || (x.month >= r.from && Number(x.received) > 0)).map((x) => x.currency))].sort();
  return sums(r, inRange.map((x) => ({ ...x, amount: x.billed })), inRange.map((x) => ({ ...x, amount: x.collected })), rows, currencies);
}

/** From the raw tables, set-based: one pass over the issued invoices, their allocations and the payments. */
export async function monthlyFromRaw(ctx: Ctx, f: AnalyticsFilter, r: MonthRange): Promise<MonthlySums> {
  const db = q(ctx);
  const end = nextMonth(r.to);
  const invF = customerFilter(f, 'i');
  const billed = rowsOf(await db.execute(sql`
    select to_char(i.issue_date, 'YYYY-MM') as month, i.currency, sum(i.total)::text as amount
    from invoices i where i.tenant_id = ${ctx.tenantId} and i.status in ${ISSUED}
      and i.issue_date >= ${r.start}::date and i.issue_date < ${end}::date ${invF}
    group by 1, 2`));
  const collected = rowsOf(await db.execute(sql`
    select to_char(p.received_on, 'YYYY-MM') as month, p.currency, sum(p.amount - p.refunded_amount)::text as amount
    from payments p where p.tenant_id = ${ctx.tenantId} and p.status in ${RECEIVED}
      and p.received_on >= ${r.start}::date and p.received_on < ${end}::date ${customerFilter(f, 'p')}
    group by 1, 2`));
  // What each month adds to what is owed: + amount due in the issue month, − an allocation in the
  // month by which both its invoice was issued and its payment received.
  const deltas = rowsOf(await db.execute(sql`
    with inv as (select i.id, i.currency, i.amount_due, i.issue_date from invoices i
      where i.tenant_id = ${ctx.tenantId} and i.status in ${ISSUED} and i.issue_date < ${end}::date ${invF})
    select to_char(d, 'YYYY-MM') as month, currency, sum(v)::text as amount from (
      select inv.issue_date as d, inv.currency, inv.amount_due as v from inv
      union all
      select greatest(inv.issue_date, p.received_on), inv.currency, -a.amount from inv
        join payment_allocations a on a.tenant_id = ${ctx.tenantId} and a.invoice_id = inv.id
        join payments p on p.id = a.payment_id where p.received_on < ${end}::date
    ) x group by 1, 2`));
  const currencies = [...new Set([...deltas, ...collected].map((x) => x.currency))].sort();
  return sums(r, billed, collected, deltas, currencies);
}

export async function receivablesReport({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter & { asOf?: string } }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  const asOf = query.asOf ?? r.today;
  // the monthly sums and aging side by side (two round trips at once)
  const [m, aged] = await Promise.all([query.customerType || query.segment ? monthlyFromRaw(ctx, query, r) : monthlyFromFacts(ctx, query, r), aging(ctx, query, asOf)]);
  const months = r.months.flatMap((month) => m.currencies.map((cur) => {
    const { billed: b, collected: c, outstanding: o } = m.cell(month, cur);
    const days = daysBetween(`${month}-01`, nextMonth(month));
    return {
      month, currency: cur, billed: toMoneyString(b, cur), collected: toMoneyString(c, cur), outstanding: toMoneyString(o, cur),
      collectionRate: ratio(c, b),
      /** Days sales outstanding: receivables at month end ÷ billed in the month × days in the month. */
      dso: b.isZero() ? null : o.dividedBy(b).times(days).toFixed(1),
    };
  }));
  return { from: r.from, to: r.to, months: r.months, asOf, billedVsCollected: months, aging: aged };
}
