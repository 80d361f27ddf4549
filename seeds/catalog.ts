import { fileURLToPath } from 'node:url';
import { and, count, eq } from 'drizzle-orm';
import { catalogEntries } from '../server/db/schema';
import { importPack } from '../server/catalog/import-pack';
import type { Ctx } from '../server/lib/context';

export const DEMO_PACK_DIR = fileURLToPath(new URL('../rules/packs/demo', import.meta.url));
/** Demo documents apply from this date so months of demo history can be rated. */
export const DEMO_CATALOG_FROM = '2025-01-01';

/** Imports rules/packs/demo into the demo tenant once (a tenant with catalog entries is left alone). */
export async function seedCatalog(ctx: Ctx) {
  const [{ n }] = await ctx.db.select({ n: count() }).from(catalogEntries).where(and(eq(catalogEntries.tenantId, ctx.tenantId)));
  if (Number(n) > 0) return;
  await importPack({ ctx, dir: DEMO_PACK_DIR, effectiveFrom: DEMO_CATALOG_FROM });
}
