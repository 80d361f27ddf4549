import { asc, eq } from 'drizzle-orm';
import { tenants } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { forbidden, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { tenantOut } from '../access/serialize';
import type { TenantPatch } from '../access/schemas';

/** The caller's own tenant. Any authenticated user may read the basics it needs to render amounts. */
export async function getTenant({ ctx }: { ctx: Ctx }) {
  const [t] = await q(ctx).select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!t) throw notFound('Tenant');
  return tenantOut(t);
}

export async function updateTenant({ ctx, input }: { ctx: Ctx; input: TenantPatch }) {
  assertPermission(ctx, 'tenant:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(tenants).where(eq(tenants.id, ctx.tenantId)).for('update');
    if (!before) throw notFound('Tenant');
    const [after] = await tx.update(tenants).set({ ...input, updatedAt: ctx.now() }).where(eq(tenants.id, ctx.tenantId)).returning();
    await recordAudit(tx, tctx, { action: 'tenant.update', entityType: 'tenant', entityId: ctx.tenantId, before, after });
    return tenantOut(after);
  });
}

export async function listTenants({ ctx }: { ctx: Ctx }) {
  if (!ctx.isPlatformAdmin) throw forbidden('platform:tenants');
  const rows = await q(ctx).select().from(tenants).orderBy(asc(tenants.createdAt));
  return rows.map(tenantOut);
}
