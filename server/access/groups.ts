import { and, asc, count, eq } from 'drizzle-orm';
import { groups, userGroups } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { PERMISSION_CODES } from './permissions';
import { assertCanGrantPermissions } from './grants';
import type { GroupCreate, GroupPatch } from './schemas';

function checkPermissions(perms: string[]) {
  const issues = perms.flatMap((p, i) => (PERMISSION_CODES.has(p) ? [] : [{ path: `permissions[${i}]`, message: `unknown permission "${p}"` }]));
  if (issues.length) throw invalid(issues);
}

/** Groups with their member counts, without a permission check (callers check). */
async function groupsView(ctx: Ctx, id?: string) {
  const rows = await q(ctx).select().from(groups)
    .where(and(eq(groups.tenantId, ctx.tenantId), id ? eq(groups.id, id) : undefined)).orderBy(asc(groups.createdAt), asc(groups.code));
  const counts = await q(ctx).select({ groupId: userGroups.groupId, n: count() }).from(userGroups)
    .where(and(eq(userGroups.tenantId, ctx.tenantId), id ? eq(userGroups.groupId, id) : undefined)).groupBy(userGroups.groupId);
  const cm = new Map(counts.map((c) => [c.groupId, Number(c.n)]));
  return rows.map((g) => ({
    id: g.id, code: g.code, name: g.name, description: g.description, permissions: g.permissions,
    builtIn: g.builtIn, memberCount: cm.get(g.id) ?? 0,
  }));
}

export async function listGroups({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'users:read');
  return groupsView(ctx);
}

/**
 * A write answers with what it wrote, without the `users:read` check: a caller allowed to write
 * but not to read would otherwise get a 403 for a change that was already committed.
 */
async function writtenGroup(ctx: Ctx, id: string) {
  const [g] = await groupsView(ctx, id);
  if (!g) throw notFound('Group');
  return g;
}

export async function createGroup({ ctx, input }: { ctx: Ctx; input: GroupCreate }) {
  assertPermission(ctx, 'groups:write');
  checkPermissions(input.permissions);
  assertCanGrantPermissions(ctx, input.permissions, 'permissions');
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const [dup] = await tx.select({ id: groups.id }).from(groups).where(and(eq(groups.tenantId, ctx.tenantId), eq(groups.code, input.code)));
    if (dup) throw conflict('A group with this code already exists', [{ path: 'code', message: 'already in use' }]);
    const [g] = await tx.insert(groups).values({
      tenantId: ctx.tenantId, code: input.code, name: input.name, description: input.description ?? '',
      permissions: [...new Set(input.permissions)], createdAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'group.create', entityType: 'group', entityId: g.id, after: g });
    return g.id;
  });
  return writtenGroup(ctx, id);
}

export async function updateGroup({ ctx, id, input }: { ctx: Ctx; id: string; input: GroupPatch }) {
  assertPermission(ctx, 'groups:write');
  if (input.permissions) checkPermissions(input.permissions);
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(groups).where(and(eq(groups.id, id), eq(groups.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Group');
    // Permissions the group already has are not a new grant; a caller may drop or keep them.
    if (input.permissions) assertCanGrantPermissions(ctx, input.permissions, 'permissions', new Set(input.permissions.filter((p) => !before.permissions.includes(p))));
    const patch: Partial<typeof groups.$inferInsert> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description;
    if (input.permissions !== undefined) patch.permissions = [...new Set(input.permissions)];
    // The built-in admin group keeps every permission: emptying it would lock every console
    // administrator out, with no one left allowed to undo it.
    if (before.builtIn && before.code === 'admin' && patch.permissions && [...PERMISSION_CODES].some((p) => !patch.permissions!.includes(p))) {
      throw conflict('The built-in admin group always has every permission; make a new group for a narrower role', [{ path: 'permissions', message: 'cannot remove permissions from the built-in admin group' }]);
    }
    if (!Object.keys(patch).length) return; // nothing to change
    const [after] = await tx.update(groups).set(patch).where(and(eq(groups.id, id), eq(groups.tenantId, ctx.tenantId))).returning();
    await recordAudit(tx, tctx, { action: 'group.update', entityType: 'group', entityId: id, before, after });
  });
  return writtenGroup(ctx, id);
}
