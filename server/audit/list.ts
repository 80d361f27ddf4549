import { and, desc, eq, type SQL } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { paginate } from '../lib/paginate';

export interface AuditQuery { entityType?: string; entityId?: string; action?: string; limit: number; offset: number }

export async function listAudit({ ctx, query }: { ctx: Ctx; query: AuditQuery }) {
  assertPermission(ctx, 'audit:read');
  const where: SQL[] = [eq(auditLog.tenantId, ctx.tenantId)];
  if (query.entityType) where.push(eq(auditLog.entityType, query.entityType));
  if (query.entityId) where.push(eq(auditLog.entityId, query.entityId));
  if (query.action) where.push(eq(auditLog.action, query.action));
  return paginate({ db: q(ctx), from: auditLog, where: and(...where), orderBy: [desc(auditLog.id)], page: query,
    map: (rows) => rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) });
}
