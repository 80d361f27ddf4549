import { asc, eq } from 'drizzle-orm';
import { meters } from '../db/schema';
import type { DbOrTx } from '../db/client';

export type MeterRow = typeof meters.$inferSelect;

/**
 * All of a tenant's meters (a handful), for ingest and usage queries. Its own file because the
 * ingest cache reads it while meter writes (meters.ts) invalidate that cache: with the query in
 * meters.ts the two files imported each other.
 */
export async function tenantMeters(db: DbOrTx, tenantId: string): Promise<MeterRow[]> {
  return db.select().from(meters).where(eq(meters.tenantId, tenantId)).orderBy(asc(meters.code));
}
