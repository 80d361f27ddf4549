import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';

export interface AuditQuery { entityType?: string; entityId?: string; action?: string; limit: number; offset: number }

export async function listAudit({ ctx, query }: { ctx: Ctx; query: AuditQuery }) {
  assertPermission(ctx, 'audit:read');
  const where: SQL[] = [eq(auditLog.tenantId, ctx.tenantId)];
  if (query.entityType) where.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) where.push(eq(auditLog.entityId, query.entityId));
  if (query.action) where.push(eq(auditLog.action, query.action));
  const cond = and(...where);
  const rows = await q(ctx).select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(query.limit).offset(query.offset);
  const [{ n }] = await q(ctx).select({ n: count() }).from(auditLog).where(cond);
  return {
    data: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    total: Number(n),
  };
}
