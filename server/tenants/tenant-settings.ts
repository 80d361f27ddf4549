/** What other modules read of a tenant's settings: its zone, currency and rounding, and its "today". */
import { eq } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client';
import { tenants } from '../db/schema';
import { todayInZone } from '../lib/dates';
import { notFound } from '../lib/errors';
import type { RoundingMode } from '../lib/money';
import type { Ctx } from '../lib/context';

export interface TenantSettings { timezone: string; currency: string; rounding: RoundingMode }

/**
 * Read once per transaction: recording a payment asked 4 times (the payment's date, then each
 * invoice it pays), a database round trip each. Only transaction handles are remembered (a plain
 * handle would never see a change), and no transaction both changes a tenant's settings and reads
 * them (server/tenants/settings.ts only writes).
 */
const perTx = new WeakMap<object, Map<string, Promise<TenantSettings>>>();
export function tenantSettings(db: DbOrTx, tenantId: string): Promise<TenantSettings> {
  if (!(db instanceof PgTransaction)) return readSettings(db, tenantId);
  let m = perTx.get(db);
  if (!m) perTx.set(db, m = new Map());
  let p = m.get(tenantId);
  if (!p) {
    m.set(tenantId, p = readSettings(db, tenantId));
    p.catch(() => m!.delete(tenantId));
  }
  return p;
}

async function readSettings(db: DbOrTx, tenantId: string): Promise<TenantSettings> {
  const [t] = await db.select({ timezone: tenants.timezone, currency: tenants.currency, rounding: tenants.roundingMode }).from(tenants).where(eq(tenants.id, tenantId));
  if (!t) throw notFound('Tenant');
  return { timezone: t.timezone, currency: t.currency, rounding: t.rounding as RoundingMode };
}

/** Today's date in the tenant's time zone at ctx.now(). */
export async function tenantToday(db: DbOrTx, ctx: Ctx): Promise<string> {
  return todayInZone((await tenantSettings(db, ctx.tenantId)).timezone, ctx.now());
}

/** Every active tenant with its time zone (schedules run at a local time per tenant). */
export async function activeTenantZones(db: DbOrTx): Promise<{ tenantId: string; timezone: string }[]> {
  return db.select({ tenantId: tenants.id, timezone: tenants.timezone }).from(tenants).where(eq(tenants.status, 'active'));
}
