/**
 * Who may grant what. Nobody can create or change a key, a group, a membership or a permission
 * set so that it holds a permission the caller does not hold: otherwise `apikeys:write`,
 * `users:write` or `groups:write` alone would be a path to every permission (a key with all of
 * them, joining the admin group, widening one's own group). The same rule stops a caller from
 * changing a user who holds more than they do (a password reset would hand over that account).
 * A platform administrator is bound by it too: in their own tenant they hold the admin group.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { groups } from '../db/schema';
import { ServiceError, type FieldIssue } from '../lib/errors';
import type { Ctx } from '../lib/context';
import { PERMISSION_CODES } from './permissions';

/** Throws a 403 naming each `{ path, permission }` the caller does not hold. */
function refuse(missing: Array<{ path: string; permission: string }>, detail: string): never {
  const issues: FieldIssue[] = missing.map((m) => ({ path: m.path, message: `grants "${m.permission}", which you do not hold` }));
  throw new ServiceError('FORBIDDEN', detail, issues);
}

const GRANT_DETAIL = 'You can only grant permissions you hold yourself';

/** `permissions[i]` (a group's permission list) must each be held by the caller. */
export function assertCanGrantPermissions(ctx: Ctx, permissions: string[], path: string, only?: ReadonlySet<string>) {
  const missing = permissions.flatMap((p, i) =>
    PERMISSION_CODES.has(p) && !ctx.permissions.has(p) && (!only || only.has(p)) ? [{ path: `${path}[${i}]`, permission: p }] : []);
  if (missing.length) refuse(missing, GRANT_DETAIL);
}

/** The permissions of each group (only known codes count), scoped to the caller's tenant. */
export async function permissionsOfGroups(db: DbOrTx, tenantId: string, groupIds: string[]): Promise<Map<string, string[]>> {
  if (!groupIds.length) return new Map();
  const rows = await db.select({ id: groups.id, permissions: groups.permissions }).from(groups)
    .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, groupIds)));
  return new Map(rows.map((r) => [r.id, r.permissions.filter((p) => PERMISSION_CODES.has(p))]));
}

/**
 * Joining the groups at `path[i]` (a user's groupIds, or a key's groupId when `path` has no
 * index) must not give anything the caller lacks. Groups in `already` are not a new grant.
 */
export async function assertCanGrantGroups(db: DbOrTx, ctx: Ctx, groupIds: string[], path: string, already: ReadonlySet<string> = new Set(), indexed = true) {
  const perms = await permissionsOfGroups(db, ctx.tenantId, groupIds.filter((g) => !already.has(g)));
  const missing = groupIds.flatMap((g, i) => (perms.get(g) ?? [])
    .filter((p) => !ctx.permissions.has(p))
    .map((permission) => ({ path: indexed ? `${path}[${i}]` : path, permission })));
  if (missing.length) refuse(missing, GRANT_DETAIL);
}

/** Changing a user who holds more than the caller would be a way to that user's permissions. */
export function assertCanManageUser(ctx: Ctx, target: ReadonlySet<string>) {
  const missing = [...target].filter((p) => !ctx.permissions.has(p)).sort();
  if (missing.length) refuse(missing.map((permission) => ({ path: '$', permission })), 'You cannot change a user who holds permissions you do not hold');
}
