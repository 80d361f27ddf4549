import { eq } from 'drizzle-orm';
import { groups, tenants, userGroups, users } from '../db/schema';
import type { Tx } from '../db/client';
import { withTransaction, type Ctx } from '../lib/context';
import { conflict, forbidden } from '../lib/errors';
import { hashPassword } from '../lib/password';
import { recordAudit } from '../audit/record';
import { BUILT_IN_ROLES } from '../access/permissions';
import { tenantOut, userOut } from '../access/serialize';
import type { TenantCreate } from '../access/schemas';

export interface OnboardOptions {
  isDemo?: boolean;
  adminIsPlatformAdmin?: boolean;
}

/**
 * Seed section 4 (사업자 입점): register the tenant, create its built-in groups, create its first
 * admin user, map the user to the admin group (which carries every permission). One transaction.
 */
export async function onboardTenant({ ctx, input, options = {} }: { ctx: Ctx; input: TenantCreate; options?: OnboardOptions }) {
  if (!ctx.isPlatformAdmin) throw forbidden('platform:tenants');
  const passwordHash = await hashPassword(input.admin.password);
  return withTransaction(ctx, async (tx: Tx, tctx) => {
    const [dupCode] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.code, input.code));
    if (dupCode) throw conflict('A tenant with this code already exists', [{ path: 'code', message: 'already in use' }]);
    const now = ctx.now();
    const [tenant] = await tx.insert(tenants).values({
      code: input.code, name: input.name, currency: input.currency, timezone: input.timezone, locale: input.locale,
      roundingMode: input.roundingMode, isDemo: options.isDemo ?? false, createdAt: now, updatedAt: now,
    }).returning();
    const created = await tx.insert(groups).values(BUILT_IN_ROLES.map((r) => ({
      tenantId: tenant.id, code: r.code, name: r.name[input.locale], description: r.description,
      permissions: r.permissions, builtIn: true, createdAt: now,
    }))).returning();
    const adminGroup = created.find((g) => g.code === 'admin')!;
    const [admin] = await tx.insert(users).values({
      tenantId: tenant.id, email: input.admin.email, name: input.admin.name, passwordHash, locale: input.locale,
      isPlatformAdmin: options.adminIsPlatformAdmin ?? false, createdAt: now,
    }).returning();
    await tx.insert(userGroups).values({ tenantId: tenant.id, userId: admin.id, groupId: adminGroup.id });
    const audit = (action: string, entityType: string, entityId: string, after: unknown) =>
      recordAudit(tx, tctx, { tenantId: tenant.id, action, entityType, entityId, after });
    await audit('tenant.create', 'tenant', tenant.id, tenant);
    for (const g of created) await audit('group.create', 'group', g.id, g);
    await audit('user.create', 'user', admin.id, { ...admin, groupIds: [adminGroup.id] });
    // The platform operator's own tenant also records that it onboarded someone.
    if (ctx.tenantId && ctx.tenantId !== tenant.id && ctx.actor.type !== 'system') {
      await recordAudit(tx, tctx, { action: 'tenant.onboard', entityType: 'tenant', entityId: tenant.id, after: tenant });
    }
    return {
      tenant: tenantOut(tenant),
      admin: userOut(admin, [{ id: adminGroup.id, code: adminGroup.code, name: adminGroup.name }]),
      groups: created,
    };
  });
}
