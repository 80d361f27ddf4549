import { Decimal } from '../lib/money';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { customers, usageDaily, usageEvents } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { addDays } from '../lib/dates';
import { tenantMeters } from './tenant-meters';
import { aggregateSql, filterConditions, normalize, tenantZone, type MeterUsage } from './usage';
import { nextMonth, startOfDayInZone, monthContaining } from './period';
import type { Aggregation } from './schemas';

const rowsOf = (r: unknown): unknown[] => (Array.isArray(r) ? r : ((r as { rows?: unknown[] }).rows ?? []));

/**
 * Recomputes the daily rollups (일별 사용 내역) of tenant-local days [from, to) from the raw events:
 * the rows of those days are deleted and rebuilt in one transaction, so running it twice gives
 * the same table (idempotent) and a late event is picked up by simply running it again.
 */
export async function rollupRange({ ctx, from, to }: { ctx: Ctx; from: string; to: string }) {
  assertPermission(ctx, 'billing:write');
  if (to <= from) throw invalid([{ path: 'to', message: 'must be after from' }]);
  return withTransaction(ctx, async (tx, tctx) => {
    const tz = await tenantZone(tx, ctx.tenantId);
    const start = startOfDayInZone(from, tz);
    const end = startOfDayInZone(to, tz);
    await tx.delete(usageDaily).where(and(eq(usageDaily.tenantId, ctx.tenantId), gte(usageDaily.day, from), lt(usageDaily.day, to)));
    let rows = 0;
    for (const m of await tenantMeters(tx, ctx.tenantId)) {
      const filters = filterConditions(m.filters);
      const where = sql.join([
        sql`${usageEvents.tenantId} = ${ctx.tenantId}`, sql`${usageEvents.meterId} = ${m.id}`,
        sql`${usageEvents.timestamp} >= ${start.toISOString()}::timestamptz`, sql`${usageEvents.timestamp} < ${end.toISOString()}::timestamptz`, ...filters,
      ], sql` and `);
      // Raw sql: instants travel as ISO text (postgres.js does not serialise a Date here).
      // The day is computed once in a subquery so GROUP BY does not repeat the zone parameter.
      const res = await tx.execute(sql`
        insert into usage_daily (tenant_id, customer_id, meter_id, day, value, event_count, computed_at)
        select ${ctx.tenantId}, customer_id, ${m.id}, day, (${aggregateSql(m)}), count(*), ${ctx.now().toISOString()}::timestamptz
        from (select *, (${usageEvents.timestamp} at time zone ${tz})::date as day from usage_events where ${where}) as usage_events
        group by customer_id, day
        returning 1`);
      rows += rowsOf(res).length;
    }
    await recordAudit(tx, tctx, { action: 'usage.rollup', entityType: 'usage_daily', entityId: null, after: { from, to, rows } });
    return { from, to, rows };
  });
}

export const rollupDay = ({ ctx, day }: { ctx: Ctx; day: string }) => rollupRange({ ctx, from: day, to: addDays(day, 1) });

/** Daily rollup rows of one customer, tenant-local days [from, to). */
export async function dailyUsage({ ctx, customerId, from, to }: { ctx: Ctx; customerId: string; from: string; to: string }) {
  assertPermission(ctx, 'billing:read');
  const rows = await q(ctx).select().from(usageDaily).where(and(
    eq(usageDaily.tenantId, ctx.tenantId), eq(usageDaily.customerId, customerId), gte(usageDaily.day, from), lt(usageDaily.day, to),
  )).orderBy(asc(usageDaily.day));
  return rows.map((r) => ({ day: r.day, meterId: r.meterId, value: normalize(r.value), events: r.eventCount }));
}

/**
 * Monthly usage (월별 사용 내역) per meter for months [from, to) (YYYY-MM), counted from the raw
 * events, exactly as `GET /customers/{id}/usage` counts a period. It used to add up the daily
 * rollups, which exist only for days someone rolled up: the current month (never rolled up yet)
 * read 0 while the usage table beside it showed usage (issue 9). The rollups stay for daily
 * reports; months are served by `usage_events_lookup_idx` (tenant, customer, meter, timestamp).
 */
export async function monthlyUsage({ ctx, customerId, from, to }: { ctx: Ctx; customerId: string; from?: string; to?: string }) {
  assertPermission(ctx, 'billing:read');
  const [c] = await q(ctx).select({ id: customers.id }).from(customers).where(and(eq(customers.id, customerId), eq(customers.tenantId, ctx.tenantId)));
  if (!c) throw notFound('Customer');
  const tz = await tenantZone(q(ctx), ctx.tenantId);
  const current = monthContaining(ctx.now(), tz).month;
  let endMonth = to ?? nextMonth(current);
  let startMonth = from ?? (() => { let m = current; for (let i = 0; i < 2; i++) m = prevMonth(m); return m; })();
  if (endMonth <= startMonth) throw invalid([{ path: 'query.to', message: 'must be after from' }]);
  const months: string[] = [];
  for (let m = startMonth; m < endMonth && months.length < 36; m = nextMonth(m)) months.push(m);
  endMonth = nextMonth(months[months.length - 1]);
  startMonth = months[0];
  const ms = await tenantMeters(q(ctx), ctx.tenantId);
  const values = new Map<string, { value: string; events: number }>();
  for (const m of ms) {
    const rows = await q(ctx).select({
      month: sql<string>`to_char(${usageEvents.timestamp} at time zone ${tz}, 'YYYY-MM')`,
      value: sql<string>`(${aggregateSql(m)})::text`, events: sql<number>`count(*)::int`,
    }).from(usageEvents).where(and(
      eq(usageEvents.tenantId, ctx.tenantId), eq(usageEvents.customerId, customerId), eq(usageEvents.meterId, m.id),
      gte(usageEvents.timestamp, startOfDayInZone(`${startMonth}-01`, tz)), lt(usageEvents.timestamp, startOfDayInZone(`${endMonth}-01`, tz)),
      ...filterConditions(m.filters),
    )).groupBy(sql`1`);
    for (const r of rows) values.set(`${r.month}|${m.id}`, { value: normalize(r.value), events: Number(r.events) });
  }
  return {
    customerId, timezone: tz,
    months: months.map((month) => ({
      month,
      meters: ms.map((m): MeterUsage => {
        const v = values.get(`${month}|${m.id}`);
        return { meter: m.code, name: m.name, aggregation: m.aggregation as Aggregation, unit: m.unit, value: v?.value ?? new Decimal(0).toFixed(), events: v?.events ?? 0 };
      }),
    })),
  };
}

function prevMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
