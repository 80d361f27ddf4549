/**
 * Usage for a bill run: events aggregated per customer, meter and tenant-local day over the
 * period, in one query per meter for a whole chunk of payers, then summed over each phase's days.
 *
 * Late events (README "Late events"): an event whose timestamp falls in a period that was
 * already billed for that customer is not lost and does not reopen an issued invoice; it is
 * carried into the customer's next bill (count and sum meters), because usage arriving after the
 * customer's latest stored bill (received_at > that bill's created_at) with a timestamp before
 * the period start is added to the period. max / latest / unique_count meters ignore late events
 * (a late maximum cannot be meaningfully carried). The rule is deterministic given the stored
 * data, so a retried or restarted run computes the same usage.
 */
import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { bills, meters, usageEvents } from '../db/schema';
import { Decimal, ZERO } from '../lib/money';
import type { Period } from '../lib/dates';
import { filterConditions } from '../metering/usage';

type Meter = typeof meters.$inferSelect;

export interface DayAgg { day: string; count: number; sum: Decimal; max: Decimal | null; latest: Decimal | null; distinct: string[] }
export interface LateAgg { count: number; sum: Decimal }

export interface UsageBook {
  /** customerId → meterCode → days (ascending). */
  days: Map<string, Map<string, DayAgg[]>>;
  /** customerId → meterCode → late usage carried into this period. */
  late: Map<string, Map<string, LateAgg>>;
  meters: Map<string, Meter>;
}

const instant = (date: string, tz: string) => sql`(${date}::timestamp at time zone ${tz})`;

const filterSql = (m: Meter): SQL[] => filterConditions(m.filters);

/**
 * Loads the usage of `customerIds` for `meterCodes` over `period` (plus late events, see above).
 * `startOf` moves a customer's first day earlier (a weekly cycle that began before the period):
 * its days are loaded from there, and only events before that day count as late.
 */
export async function loadUsage(db: DbOrTx, tenantId: string, tz: string, customerIds: string[], meterCodes: Set<string>, period: Period, startOf: Map<string, string> = new Map()): Promise<UsageBook> {
  const book: UsageBook = { days: new Map(), late: new Map(), meters: new Map() };
  if (!customerIds.length || !meterCodes.size) return book;
  const ms = await db.select().from(meters).where(and(eq(meters.tenantId, tenantId), inArray(meters.code, [...meterCodes])));
  for (const m of ms) book.meters.set(m.code, m);
  // The latest stored bill of each customer before this period: later-received events are "late".
  const cutoffs = await db.select({ customerId: bills.customerId, at: sql<string>`max(${bills.createdAt})`.as('at') }).from(bills)
    .where(and(eq(bills.tenantId, tenantId), inArray(bills.customerId, customerIds), sql`${bills.periodEnd} <= ${period.start}`))
    .groupBy(bills.customerId);
  const from = [...startOf.values()].reduce((a, b) => (b < a ? b : a), period.start);
  for (const m of ms) {
    const field = m.field ?? '';
    const rows = await db.select({
      customerId: usageEvents.customerId,
      day: sql<string>`to_char((${usageEvents.timestamp} at time zone ${tz})::date, 'YYYY-MM-DD')`.as('day'),
      n: sql<number>`count(*)::int`.as('n'),
      s: sql<string | null>`sum(${usageEvents.value})::text`.as('s'),
      mx: sql<string | null>`max(${usageEvents.value})::text`.as('mx'),
      latest: sql<string | null>`((array_agg(${usageEvents.value} order by ${usageEvents.timestamp} desc))[1])::text`.as('latest'),
      distinct: m.aggregation === 'unique_count'
        ? sql<string[]>`array_remove(array_agg(distinct (${usageEvents.properties} ->> ${field})), null)`.as('distinct')
        : sql<string[]>`'{}'::text[]`.as('distinct'),
    }).from(usageEvents)
      .where(and(eq(usageEvents.tenantId, tenantId), eq(usageEvents.meterId, m.id), inArray(usageEvents.customerId, customerIds),
        gte(usageEvents.timestamp, instant(from, tz) as never), lt(usageEvents.timestamp, instant(period.end, tz) as never), ...filterSql(m)))
      .groupBy(sql`1`, sql`2`).orderBy(sql`1`, sql`2`);
    for (const r of rows) {
      let perMeter = book.days.get(r.customerId);
      if (!perMeter) book.days.set(r.customerId, (perMeter = new Map()));
      const list = perMeter.get(m.code) ?? [];
      list.push({ day: r.day, count: Number(r.n), sum: r.s ? new Decimal(r.s) : ZERO, max: r.mx ? new Decimal(r.mx) : null, latest: r.latest ? new Decimal(r.latest) : null, distinct: r.distinct ?? [] });
      perMeter.set(m.code, list);
    }
    if ((m.aggregation === 'count' || m.aggregation === 'sum') && cutoffs.length) {
      // One query per meter for the whole chunk: each customer's events received after its cutoff.
      const cut = sql.join(cutoffs.map((c) => sql`(${c.customerId}::uuid, ${c.at}::timestamptz, ${startOf.get(c.customerId) ?? period.start}::date)`), sql`, `);
      const late = await db.select({ customerId: usageEvents.customerId, n: sql<number>`count(*)::int`, s: sql<string | null>`sum(${usageEvents.value})::text` })
        .from(usageEvents)
        .innerJoin(sql`(values ${cut}) as cut(customer_id, at, first_day)`, sql`cut.customer_id = ${usageEvents.customerId}`)
        .where(and(eq(usageEvents.tenantId, tenantId), eq(usageEvents.meterId, m.id),
          sql`${usageEvents.timestamp} < (cut.first_day::timestamp at time zone ${tz})`, sql`${usageEvents.receivedAt} > cut.at`, ...filterSql(m)))
        .groupBy(usageEvents.customerId);
      for (const l of late) {
        if (Number(l.n) <= 0) continue;
        let perMeter = book.late.get(l.customerId);
        if (!perMeter) book.late.set(l.customerId, (perMeter = new Map()));
        perMeter.set(m.code, { count: Number(l.n), sum: l.s ? new Decimal(l.s) : ZERO });
      }
    }
  }
  return book;
}

/** The meter's quantity over [from, to) for a customer; `withLate` adds the carried late usage. */
export function usageQuantity(book: UsageBook, customerId: string, meterCode: string, from: string, to: string, withLate: boolean, percentage: boolean): string | { amount: string; count: number } {
  const m = book.meters.get(meterCode);
  const days = (book.days.get(customerId)?.get(meterCode) ?? []).filter((d) => d.day >= from && d.day < to);
  const late = withLate ? book.late.get(customerId)?.get(meterCode) : undefined;
  let count = days.reduce((n, d) => n + d.count, 0) + (late?.count ?? 0);
  let sum = days.reduce((s, d) => s.plus(d.sum), ZERO).plus(late?.sum ?? ZERO);
  if (percentage) return { amount: sum.toString(), count };
  switch (m?.aggregation) {
    case 'sum': return sum.toString();
    case 'max': return days.reduce<Decimal>((a, d) => (d.max && d.max.greaterThan(a) ? d.max : a), ZERO).toString();
    case 'latest': return (days.at(-1)?.latest ?? ZERO).toString();
    case 'unique_count': return String(new Set(days.flatMap((d) => d.distinct)).size);
    case 'count': return String(count);
    default: count = 0; sum = ZERO; return '0'; // unknown meter: no usage
  }
}
