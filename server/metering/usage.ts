import { Decimal } from '../lib/money';
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { customers, meters, tenants, usageEvents } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import type { DbOrTx } from '../db/client';
import { tenantMeters, type MeterRow } from './tenant-meters';
import { boundToInstant, monthContaining } from './period';
import type { Aggregation } from './schemas';


/** SQL conditions for a meter's property filters: each property must equal the value or one of the values. */
export function filterConditions(filters: MeterRow['filters'], properties: SQL | typeof usageEvents.properties = usageEvents.properties): SQL[] {
  return Object.entries(filters ?? {}).map(([prop, v]) => {
    // ->> gives text; JSON numbers and booleans compare by their text form ("5", "true").
    const values = (Array.isArray(v) ? v : [v]).map((x) => String(x));
    return sql`(${properties} ->> ${prop}) in (${sql.join(values.map((x) => sql`${x}`), sql`, `)})`;
  });
}

/** The aggregate expression of a meter over usage_events rows. */
export function aggregateSql(m: { aggregation: string; field: string | null }): SQL {
  switch (m.aggregation as Aggregation) {
    case 'count': return sql`count(*)`;
    case 'sum': return sql`coalesce(sum(${usageEvents.value}), 0)`;
    case 'max': return sql`coalesce(max(${usageEvents.value}), 0)`;
    case 'unique_count': return sql`count(distinct ${usageEvents.properties} ->> ${m.field})`;
    // Latest by event time; ties broken by arrival, then id, so the answer is deterministic.
    case 'latest': return sql`coalesce((array_agg(${usageEvents.value} order by ${usageEvents.timestamp} desc, ${usageEvents.receivedAt} desc, ${usageEvents.eventId} desc))[1], 0)`;
    default: throw new Error(`unknown aggregation ${m.aggregation}`);
  }
}

/** numeric text without padding ("12.500000000000000" → "12.5"). */
export const normalize = (s: string | null | undefined) => new Decimal(s ?? 0).toFixed();

export interface MeterUsage { meter: string; name: string; aggregation: Aggregation; unit: string | null; value: string; events: number }

/** One meter's usage for one customer over [from, to) (no permission check: callers check theirs). */
export async function aggregate(db: DbOrTx, tenantId: string, customerId: string, m: MeterRow, from: Date, to: Date): Promise<MeterUsage> {
  const [r] = await db.select({ value: sql<string>`(${aggregateSql(m)})::text`, events: sql<number>`count(*)::int` }).from(usageEvents).where(and(
    eq(usageEvents.tenantId, tenantId), eq(usageEvents.customerId, customerId), eq(usageEvents.meterId, m.id),
    gte(usageEvents.timestamp, from), lt(usageEvents.timestamp, to), ...filterConditions(m.filters),
  ));
  return { meter: m.code, name: m.name, aggregation: m.aggregation as Aggregation, unit: m.unit, value: normalize(r?.value), events: Number(r?.events ?? 0) };
}

async function customerInTenant(ctx: Ctx, customerId: string) {
  const [c] = await q(ctx).select({ id: customers.id }).from(customers).where(and(eq(customers.id, customerId), eq(customers.tenantId, ctx.tenantId)));
  if (!c) throw notFound('Customer');
}

export async function tenantZone(db: DbOrTx, tenantId: string): Promise<string> {
  const [t] = await db.select({ tz: tenants.timezone }).from(tenants).where(eq(tenants.id, tenantId));
  return t?.tz ?? 'Asia/Seoul';
}

/** One meter's usage for one customer over [from, to), computed in SQL from the raw events. */
export async function usageFor({ ctx, customerId, meterCode, from, to }: { ctx: Ctx; customerId: string; meterCode: string; from: Date; to: Date }) {
  assertPermission(ctx, 'billing:read');
  await customerInTenant(ctx, customerId);
  const [m] = await q(ctx).select().from(meters).where(and(eq(meters.tenantId, ctx.tenantId), eq(meters.code, meterCode)));
  if (!m) throw notFound('Meter');
  return aggregate(q(ctx), ctx.tenantId, customerId, m, from, to);
}

/** Every meter's usage for one customer over [from, to). */
export async function usageForRange({ ctx, customerId, from, to }: { ctx: Ctx; customerId: string; from: Date; to: Date }) {
  assertPermission(ctx, 'billing:read');
  await customerInTenant(ctx, customerId);
  const ms = await tenantMeters(q(ctx), ctx.tenantId);
  const out: MeterUsage[] = [];
  for (const m of ms) out.push(await aggregate(q(ctx), ctx.tenantId, customerId, m, from, to));
  return out;
}

/** Usage in the current calendar month of the tenant's time zone (ctx.now decides "current"). */
export async function currentUsage({ ctx, customerId }: { ctx: Ctx; customerId: string }) {
  return customerUsage({ ctx, customerId, query: {} });
}

/** GET /customers/{id}/usage: [from, to) from the query (dates are tenant-local midnights) or the current month. */
export async function customerUsage({ ctx, customerId, query }: { ctx: Ctx; customerId: string; query: { from?: string; to?: string } }) {
  assertPermission(ctx, 'billing:read');
  const tz = await tenantZone(q(ctx), ctx.tenantId);
  if (!!query.from !== !!query.to) throw invalid([{ path: query.from ? 'query.to' : 'query.from', message: 'give both from and to, or neither for the current month' }]);
  let from: Date;
  let to: Date;
  if (query.from && query.to) {
    from = boundToInstant(query.from, tz);
    to = boundToInstant(query.to, tz);
    if (to <= from) throw invalid([{ path: 'query.to', message: 'must be after from' }]);
  } else ({ from, to } = monthContaining(ctx.now(), tz));
  const ms = await usageForRange({ ctx, customerId, from, to });
  return { customerId, from: from.toISOString(), to: to.toISOString(), timezone: tz, meters: ms };
}
