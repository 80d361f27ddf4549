import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { auditLog, users } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { paginate } from '../lib/paginate';

export interface AuditQuery { entityType?: string; entityId?: string; action?: string; limit: number; offset: number }

/** How a tenant's log names a user of another tenant: only a platform administrator acts across tenants (onboarding). */
export const PLATFORM_ACTOR = 'platform administrator';

export async function listAudit({ ctx, query }: { ctx: Ctx; query: AuditQuery }) {
  assertPermission(ctx, 'audit:read');
  const where: SQL[] = [eq(auditLog.tenantId, ctx.tenantId)];
  if (query.entityType) where.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) where.push(eq(auditLog.entityId, query.entityId));
  if (query.action) where.push(eq(auditLog.action, query.action));
  return paginate({ db: q(ctx), from: auditLog, where: and(...where), orderBy: [desc(auditLog.id)], page: query,
    map: async (rows) => {
      // Another tenant's user id and e-mail are not this tenant's to see.
      const userIds = [...new Set(rows.flatMap((r) => (r.actorType === 'user' && r.actorId ? [r.actorId] : [])))];
      const own = new Set(userIds.length
        ? (await q(ctx).select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), inArray(users.id, userIds)))).map((u) => u.id)
        : []);
      return rows.map((r) => ({
        ...r,
        ...(r.actorType === 'user' && r.actorId && !own.has(r.actorId) ? { actorId: null, actorName: PLATFORM_ACTOR } : {}),
        createdAt: r.createdAt.toISOString(),
      }));
    } });
}
