import type { Tx } from '../db/client';
import type { Ctx } from '../lib/context';
import { auditLog } from '../db/schema';
import { insertRows } from '../db/bulk';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  /** Defaults to ctx.tenantId; onboarding writes into the new tenant's log. */
  tenantId?: string;
}

const SECRET_KEYS = new Set(['passwordHash', 'password', 'keyHash', 'key']);

/** Strips secrets and turns Dates into ISO strings so the row is plain JSON. */
function clean(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? undefined : v)));
}

/** Writes one audit row inside the caller's transaction: the change and its record land together. */
export async function recordAudit(tx: Tx, ctx: Ctx, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: e.tenantId ?? ctx.tenantId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: clean(e.before),
    after: clean(e.after),
    requestId: ctx.requestId,
    createdAt: ctx.now(),
  });
}

/** Many audit rows in one statement per 5,000 (one JSON parameter: server/db/bulk.ts), in the caller's transaction. */
export async function recordAudits(tx: Tx, ctx: Ctx, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const at = ctx.now();
  await insertRows(tx, 'audit_log', AUDIT_COLUMNS, entries.map((e) => ({
    tenant_id: e.tenantId ?? ctx.tenantId, actor_type: ctx.actor.type, actor_id: ctx.actor.id, actor_name: ctx.actor.name, action: e.action,
    entity_type: e.entityType, entity_id: e.entityId, before: clean(e.before), after: clean(e.after), request_id: ctx.requestId ?? null, created_at: at,
  })));
}

const AUDIT_COLUMNS = ['tenant_id', 'actor_type', 'actor_id', 'actor_name', 'action', 'entity_type', 'entity_id', 'before', 'after', 'request_id', 'created_at'] as const;
