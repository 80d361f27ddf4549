/**
 * Live dashboard (README.md "Live"): writers publish a change with PostgreSQL NOTIFY on one
 * channel, inside their transaction, so it is delivered only when (and if) they commit, and to
 * every process listening: API processes and workers alike, on PostgreSQL or PGlite. Each API
 * process LISTENs once (LiveHub) and fans the notification out to the tenant's open SSE streams,
 * which answer with a fresh KPI snapshot (liveKpis).
 */
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { q, type Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { tenantSettings, tenantToday } from '../tenants/tenant-settings';
import { addInterval } from '../lib/dates';
import { movementSums } from './mrr-aggregate';

export const LIVE_CHANNEL = 'billwise_analytics';
export type LiveTopic = 'invoice' | 'payment' | 'subscription' | 'usage';

/** Publishes that `topic` changed for a tenant; inside a transaction it is sent at commit. */
export async function publishChange(db: DbOrTx, tenantId: string, topic: LiveTopic): Promise<void> {
  await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify({ tenantId, topic })})`);
}

/** LISTEN on a channel with the driver's own connection; resolves to an unlisten function. */
export type ListenFn = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

type Subscriber = (topic: LiveTopic) => void;

/** One LISTEN per process, shared by every open stream; started with the first subscriber. */
export class LiveHub {
  private subs = new Map<string, Set<Subscriber>>();
  private started: Promise<unknown> | null = null;
  constructor(private listen: ListenFn) {}
  async subscribe(tenantId: string, fn: Subscriber): Promise<() => void> {
    this.started ??= this.listen(LIVE_CHANNEL, (payload) => this.dispatch(payload)).catch((e) => { this.started = null; throw e; });
    await this.started;
    const set = this.subs.get(tenantId) ?? new Set();
    set.add(fn);
    this.subs.set(tenantId, set);
    return () => { set.delete(fn); };
  }
  private dispatch(payload: string) {
    try {
      const { tenantId, topic } = JSON.parse(payload) as { tenantId: string; topic: LiveTopic };
      for (const fn of this.subs.get(tenantId) ?? []) fn(topic);
    } catch { /* not ours */ }
  }
}

const hubs = new WeakMap<Db, LiveHub>();
/** Called by createApp with the driver's LISTEN (absent: the stream still sends snapshots on open and on a timer). */
export function registerLiveSource(db: Db, listen: ListenFn) {
  if (!hubs.has(db)) hubs.set(db, new LiveHub(listen));
}
export const liveHubOf = (db: Db): LiveHub | undefined => hubs.get(db);

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, string | number>[];

/**
 * The KPI cards' figures now, per currency: MRR, ARR, customers (from mrr_movements up to today),
 * billed and collected this month, overdue; and today's counters (payments, usage events received).
 */
export async function liveKpis(ctx: Ctx) {
  const db = q(ctx);
  const [today, { timezone }] = await Promise.all([tenantToday(db, ctx), tenantSettings(db, ctx.tenantId)]);
  const month = `${today.slice(0, 7)}-01`;
  const t = ctx.tenantId;
  // The five queries side by side: each reads a few facts rows or an index range, so on a busy
  // server the time is the waits for a core, which overlap when they run at once.
  const [mrr, month_, today_, overdue, [usage]] = (await Promise.all([
    // the movements' sums (mrr_facts, and this month's movements up to today): MRR never goes below 0 and
    // crosses 0 only by new/reactivation and churn, so Σ amounts is the MRR and #new + #reactivation −
    // #churn the customers (mrr-aggregate.ts)
    db.execute(sql`
      select currency, sum(amount)::text as mrr,
        (coalesce(sum(n) filter (where kind in ('new', 'reactivation')), 0) - coalesce(sum(n) filter (where kind = 'churn'), 0))::int as customers
      from ${movementSums(ctx, {}, addInterval(today, 'day', 1))} s group by 1`),
    // billed and collected this month from receivable_facts (the same definitions, kept by triggers):
    // summing the month's invoices took seconds once 100,000 customers are billed on the 1st
    db.execute(sql`
      select currency, sum(billed)::text as billed, sum(collected)::text as collected from receivable_facts
      where tenant_id = ${t} and month = ${month}::date group by 1
      having sum(billed) <> 0 or sum(collected) <> 0 or sum(issued_count) <> 0 or sum(received_count) <> 0`),
    // today's payments from payment_facts (the same rows, kept by a trigger): a card run on the 1st receives one per customer
    db.execute(sql`
      select currency, sum(n)::int as "todayCount", sum(amount)::text as "todayAmount" from payment_facts
      where tenant_id = ${t} and status in ('succeeded','partially_refunded','refunded') and day = ${today}::date group by 1 having sum(n) <> 0`),
    // overdue: open invoices past their due date, from open_receivable_facts (the same definition, kept by a trigger)
    db.execute(sql`
      select currency, sum(open)::text as amount, sum(invoices)::int as n from open_receivable_facts where tenant_id = ${t}
        and due_date < ${today}::date group by 1 having sum(invoices) <> 0`),
    db.execute(sql`
      select count(*)::int as n from usage_events where tenant_id = ${t}
        and received_at >= (${today}::date)::timestamp at time zone ${timezone}`),
  ])).map(rowsOf);
  const billed = month_.map((r) => ({ currency: r.currency, amount: r.billed }));
  const collected: Record<string, string | number>[] = month_.map((r) => ({ currency: r.currency, amount: r.collected, ...today_.find((x) => x.currency === r.currency) }));
  const currencies = [...new Set([...mrr, ...billed, ...collected, ...overdue].map((r) => String(r.currency)))].sort();
  const amt = (rows: Record<string, string | number>[], c: string, k = 'amount') => toMoneyString(new Decimal(String(rows.find((r) => r.currency === c)?.[k] ?? '0')), c);
  return {
    asOf: today, at: ctx.now().toISOString(),
    currencies: currencies.map((c) => {
      const m = mrr.find((r) => r.currency === c);
      const v = new Decimal(String(m?.mrr ?? '0'));
      return {
        currency: c, mrr: toMoneyString(v, c), arr: toMoneyString(v.times(12), c), customers: Number(m?.customers ?? 0),
        billedThisMonth: amt(billed, c), collectedThisMonth: amt(collected, c), overdue: amt(overdue, c),
        overdueInvoices: Number(overdue.find((r) => r.currency === c)?.n ?? 0),
        paymentsToday: Number(collected.find((r) => r.currency === c)?.todayCount ?? 0), collectedToday: amt(collected, c, 'todayAmount'),
      };
    }),
    usageEventsToday: Number(usage?.n ?? 0),
  };
}
