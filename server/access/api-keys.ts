import { and, desc, eq } from 'drizzle-orm';
import { apiKeys, groups } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { randomToken, sha256 } from '../lib/password';
import { recordAudit } from '../audit/record';
import { apiKeyOut } from './serialize';
import { assertCanGrantGroups } from './grants';
import type { Tx } from '../db/client';

export const API_KEY_PREFIX = 'bw_live_';

export async function listApiKeys({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'apikeys:read');
  const rows = await q(ctx).select().from(apiKeys).where(eq(apiKeys.tenantId, ctx.tenantId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(apiKeyOut);
}

/**
 * Stores only the hash; `key` may be given by the caller (DEMO_API_KEY), otherwise it is random.
 * A key without a group keeps a copy of the creator's permissions as they are now: it can never
 * do more than its creator could, and later changes to the creator's groups do not widen it.
 */
export async function insertApiKey(tx: Tx, ctx: Ctx, input: { name: string; groupId?: string | null; key?: string }) {
  const key = input.key ?? API_KEY_PREFIX + randomToken(24);
  const [row] = await tx.insert(apiKeys).values({
    tenantId: ctx.tenantId, name: input.name, prefix: key.slice(0, 12), keyHash: sha256(key),
    groupId: input.groupId ?? null, permissions: input.groupId ? null : [...ctx.permissions].sort(),
    createdBy: ctx.actor.id, createdAt: ctx.now(),
  }).returning();
  await recordAudit(tx, ctx, { action: 'api_key.create', entityType: 'api_key', entityId: row.id, after: row });
  return { ...apiKeyOut(row), key };
}

export async function createApiKey({ ctx, input }: { ctx: Ctx; input: { name: string; groupId?: string | null } }) {
  assertPermission(ctx, 'apikeys:write');
  return withTransaction(ctx, async (tx, tctx) => {
    if (input.groupId) {
      const [g] = await tx.select({ id: groups.id }).from(groups).where(and(eq(groups.id, input.groupId), eq(groups.tenantId, ctx.tenantId)));
      if (!g) throw invalid([{ path: 'groupId', message: 'no such group' }]);
      await assertCanGrantGroups(tx, tctx, [input.groupId], 'groupId', undefined, false);
    }
    return insertApiKey(tx, tctx, input);
  });
}

export async function revokeApiKey({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'apikeys:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, ctx.tenantId)));
    if (!before) throw notFound('API key');
    if (before.revokedAt) return apiKeyOut(before);
    const [after] = await tx.update(apiKeys).set({ revokedAt: ctx.now() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, ctx.tenantId))).returning();
    await recordAudit(tx, tctx, { action: 'api_key.revoke', entityType: 'api_key', entityId: id, before, after });
    return apiKeyOut(after);
  });
}
