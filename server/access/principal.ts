import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { apiKeys, groups, sessions, tenants, userGroups, users } from '../db/schema';
import { PERMISSION_CODES } from './permissions';
import { sha256 } from '../lib/password';
import type { Actor } from '../lib/context';

export interface Principal {
  tenantId: string;
  actor: Actor;
  permissions: Set<string>;
  isPlatformAdmin: boolean;
  userId: string | null;
  sessionId?: string;
}

export const SESSION_COOKIE = 'bw_session';
export const SESSION_HOURS = 12;

/** Union of the permissions of the user's groups (only known codes count). */
export async function permissionsOfUser(db: DbOrTx, tenantId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ permissions: groups.permissions })
    .from(userGroups)
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(and(eq(userGroups.userId, userId), eq(userGroups.tenantId, tenantId), eq(groups.tenantId, tenantId)));
  const out = new Set<string>();
  for (const r of rows) for (const p of r.permissions) if (PERMISSION_CODES.has(p)) out.add(p);
  return out;
}

export async function principalFromSession(db: Db, token: string, now: Date): Promise<Principal | null> {
  const [row] = await db
    .select({ user: users, tenantStatus: tenants.status })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.id, sha256(token)), gt(sessions.expiresAt, now)));
  if (!row || row.user.status !== 'active' || row.tenantStatus !== 'active') return null;
  return {
    tenantId: row.user.tenantId,
    actor: { type: 'user', id: row.user.id, name: row.user.email },
    permissions: await permissionsOfUser(db, row.user.tenantId, row.user.id),
    isPlatformAdmin: row.user.isPlatformAdmin,
    userId: row.user.id,
    sessionId: sha256(token),
  };
}

export async function principalFromApiKey(db: Db, key: string, now: Date): Promise<Principal | null> {
  const [row] = await db
    .select({ key: apiKeys, tenantStatus: tenants.status })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt)));
  if (!row || row.tenantStatus !== 'active') return null;
  let permissions: Set<string>;
  if (row.key.groupId) {
    const [g] = await db.select({ permissions: groups.permissions }).from(groups)
      .where(and(eq(groups.id, row.key.groupId), eq(groups.tenantId, row.key.tenantId)));
    permissions = new Set((g?.permissions ?? []).filter((p) => PERMISSION_CODES.has(p)));
  } else {
    permissions = new Set((row.key.permissions ?? []).filter((p) => PERMISSION_CODES.has(p)));
  }
  // last_used_at is advisory: at most one write a minute per key keeps hot keys cheap.
  if (!row.key.lastUsedAt || now.getTime() - row.key.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.key.id));
  }
  return {
    tenantId: row.key.tenantId,
    actor: { type: 'api_key', id: row.key.id, name: `${row.key.name} (${row.key.prefix}…)` },
    permissions,
    isPlatformAdmin: false,
    userId: null,
  };
}

export async function groupsOfUsers(db: DbOrTx, tenantId: string, userIds: string[]) {
  if (!userIds.length) return new Map<string, { id: string; code: string; name: string }[]>();
  const rows = await db
    .select({ userId: userGroups.userId, id: groups.id, code: groups.code, name: groups.name })
    .from(userGroups)
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(and(eq(userGroups.tenantId, tenantId), inArray(userGroups.userId, userIds)));
  const map = new Map<string, { id: string; code: string; name: string }[]>();
  for (const r of rows) {
    const list = map.get(r.userId) ?? [];
    list.push({ id: r.id, code: r.code, name: r.name });
    map.set(r.userId, list);
  }
  return map;
}
