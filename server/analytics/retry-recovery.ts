/**
 * Retry recovery (README.md "Payment patterns"): of the invoices whose automatic collection
 * failed at least once (collection_attempts with a failed payment), how many and how much was
 * recovered afterwards, and how: by a later automatic attempt (`retry`), by a payment after a
 * dunning step was taken on the invoice (`dunning`), or otherwise (`manual`: a transfer, cash, the
 * console). By the month of the first failure. Recovered = allocations to the invoice of payments
 * received on or after that day; an invoice is recovered once it is paid in full.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, ZERO, toMoneyString } from '../lib/money';
import { monthRange, nextMonth, type AnalyticsFilter } from './filters';
import { customerFilter, rowsOf } from './aging';
import { RECEIVED } from './receivables';
import { ratio } from './mrr-report';

const CHANNELS = ['retry', 'dunning', 'manual'] as const;

export async function retryRecovery({ ctx, query }: { ctx: Ctx; query: AnalyticsFilter }) {
  assertPermission(ctx, 'analytics:read');
  const r = await monthRange(ctx, query);
  const t = ctx.tenantId;
  const rows = rowsOf(await q(ctx).execute(sql`
    with failed as (
      select ca.invoice_id, min(p.received_on) as failed_on
      from collection_attempts ca join payments p on p.id = ca.payment_id
      where ca.tenant_id = ${t} and p.status = 'failed' group by 1)
    select f.invoice_id as id, to_char(f.failed_on, 'YYYY-MM') as month, i.currency, i.amount_due::text as due,
      (i.amount_paid >= i.amount_due) as paid,
      coalesce(sum(x.amount) filter (where x.channel = 'retry'), 0)::text as retry,
      coalesce(sum(x.amount) filter (where x.channel = 'dunning'), 0)::text as dunning,
      coalesce(sum(x.amount) filter (where x.channel = 'manual'), 0)::text as manual,
      (max(x.received_on) - f.failed_on)::int as days
    from failed f join invoices i on i.tenant_id = ${t} and i.id = f.invoice_id
    left join lateral (
      select a.amount, p.received_on,
        case when exists (select 1 from collection_attempts c2 where c2.tenant_id = ${t} and c2.payment_id = p.id) then 'retry'
          when exists (select 1 from dunning_actions d where d.tenant_id = ${t} and d.invoice_id = f.invoice_id and d.status = 'done' and d.run_date <= p.received_on) then 'dunning'
          else 'manual' end as channel
      from payment_allocations a join payments p on p.id = a.payment_id
      where a.tenant_id = ${t} and a.invoice_id = f.invoice_id and p.status in ${RECEIVED} and p.received_on >= f.failed_on) x on true
    where f.failed_on >= ${r.start}::date and f.failed_on < ${nextMonth(r.to)}::date ${customerFilter(query, 'i')}
    group by f.invoice_id, f.failed_on, i.currency, i.amount_due, i.amount_paid`));
  const groups = new Map<string, typeof rows>();
  for (const x of rows) groups.set(`${x.month}|${x.currency}`, [...(groups.get(`${x.month}|${x.currency}`) ?? []), x]);
  const months = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, xs]) => {
    const [month, currency] = key.split('|');
    const failedAmount = xs.reduce((s, x) => s.plus(x.due), ZERO as Decimal);
    const by = Object.fromEntries(CHANNELS.map((c) => [c, xs.reduce((s, x) => s.plus(x[c]), ZERO as Decimal)])) as Record<(typeof CHANNELS)[number], Decimal>;
    const recovered = CHANNELS.reduce((s, c) => s.plus(by[c]), ZERO as Decimal);
    const done = xs.filter((x) => String(x.paid) === 'true' && x.days !== null);
    return {
      month, currency, failedInvoices: xs.length, failedAmount: toMoneyString(failedAmount, currency),
      recoveredInvoices: done.length, recoveredAmount: toMoneyString(recovered, currency),
      byChannel: Object.fromEntries(CHANNELS.map((c) => [c, toMoneyString(by[c], currency)])) as Record<(typeof CHANNELS)[number], string>,
      recoveryRate: ratio(recovered, failedAmount),
      invoiceRecoveryRate: ratio(new Decimal(done.length), new Decimal(xs.length)),
      avgDaysToRecover: done.length ? done.reduce((s, x) => s.plus(x.days), ZERO as Decimal).dividedBy(done.length).toFixed(1) : null,
    };
  });
  return { from: r.from, to: r.to, months: r.months, recovery: months };
}
