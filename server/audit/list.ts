import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';

export interface AuditQuery { entityType?: string; entityId?: string; action?: string; limit: number; offset: number }

/** How a tenant's log names a user of another tenant: only a platform administrator acts across tenants (onboarding). */
export const PLATFORM_ACTOR = 'platform administrator';

export async function listAudit({ ctx, query }: { ctx: Ctx; query: AuditQuery }) {
  assertPermission(ctx, 'audit:read');
  const where: SQL[] = [eq(auditLog.tenantId, ctx.tenantId)];
  if (query.entityType) where.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) where.push(eq(auditLog.entityId, query.entityId));
  if (query.action) where.push(eq(auditLog.action, query.action));
  const cond = and(...where);
  const rows = await q(ctx).select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(query.limit).offset(query.offset);
  const [{ n }] = await q(ctx).select({ n: count() }).from(auditLog).where(cond);
  // Another tenant's user id and e-mail are not this tenant's to see.
  const userIds = [...new Set(rows.flatMap((r) => (r.actorType === 'user' && r.actorId ? [r.actorId] : [])))];
  const own = new Set(userIds.length
    ? (await q(ctx).select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, userIds)))).map((u) => u.id)
    : []);
  return {
    data: rows.map((r) => ({
      ...r,
      ...(r.actorType === 'user' && r.actorId && !own.has(r.actorId) ? { actorId: null, actorName: PLATFORM_ACTOR } : {}),
      createdAt: r.createdAt.toISOString(),
    })),
    total: Number(n),
  };
}
