import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { groups, sessions, userGroups, users } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { hashPassword } from '../lib/password';
import { recordAudit } from '../audit/record';
import { groupsOfUsers, permissionsOfUser } from './principal';
import { assertCanGrantGroups, assertCanManageUser } from './grants';
import { userOut } from './serialize';
import type { Tx } from '../db/client';
import type { UserCreate, UserPatch } from './schemas';

export async function listUsers({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'users:read');
  const rows = await q(ctx).select().from(users).where(eq(users.tenantId, ctx.tenantId)).orderBy(asc(users.email));
  const gm = await groupsOfUsers(q(ctx), ctx.tenantId, rows.map((r) => r.id));
  return rows.map((u) => userOut(u, gm.get(u.id) ?? []));
}

export async function getUser({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'users:read');
  return userView(ctx, id);
}

/**
 * Without the `users:read` check: a write answers with what it wrote, since a caller allowed to
 * write but not to read would otherwise get a 403 for a change that was already committed.
 */
async function userView(ctx: Ctx, id: string) {
  const [u] = await q(ctx).select().from(users).where(and(eq(users.id, id), eq(users.tenantId, ctx.tenantId)));
  if (!u) throw notFound('User');
  const gm = await groupsOfUsers(q(ctx), ctx.tenantId, [u.id]);
  return userOut(u, gm.get(u.id) ?? []);
}

/** A tenant always keeps one active user in the built-in admin group (or nobody could manage users again). */
async function assertAdminRemains(tx: Tx, tenantId: string, path: string) {
  const [row] = await tx.select({ id: users.id }).from(userGroups)
    .innerJoin(users, eq(users.id, userGroups.userId))
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(and(eq(groups.tenantId, tenantId), eq(groups.code, 'admin'), eq(groups.builtIn, true), eq(users.status, 'active')))
    .limit(1);
  if (!row) throw conflict('This change would leave the tenant without an active administrator', [{ path, message: 'the last active member of the admin group must stay an active admin' }]);
}

/** Group ids must belong to the caller's tenant; a foreign id is reported like an unknown one. */
async function checkGroups(tx: Tx, ctx: Ctx, groupIds: string[]) {
  if (!groupIds.length) return;
  const found = await tx.select({ id: groups.id }).from(groups)
    .where(and(eq(groups.tenantId, ctx.tenantId), inArray(groups.id, groupIds)));
  const ok = new Set(found.map((g) => g.id));
  const issues = groupIds.flatMap((g, i) => (ok.has(g) ? [] : [{ path: `groupIds[${i}]`, message: 'no such group' }]));
  if (issues.length) throw invalid(issues);
}

/**
 * A new password ends the user's sessions: whoever knew the old one is logged out. Only the
 * session making the change survives, when it is the user's own.
 */
export async function endSessions(tx: Tx, ctx: Ctx, userId: string) {
  const own = ctx.actor.type === 'user' && ctx.actor.id === userId ? ctx.sessionId : undefined;
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.tenantId, ctx.tenantId), own ? ne(sessions.id, own) : undefined));
}

async function setGroups(tx: Tx, ctx: Ctx, userId: string, groupIds: string[]) {
  await tx.delete(userGroups).where(and(eq(userGroups.userId, userId), eq(userGroups.tenantId, ctx.tenantId)));
  const unique = [...new Set(groupIds)];
  if (unique.length) await tx.insert(userGroups).values(unique.map((groupId) => ({ tenantId: ctx.tenantId, userId, groupId })));
}

export async function createUser({ ctx, input }: { ctx: Ctx; input: UserCreate }) {
  assertPermission(ctx, 'users:write');
  const passwordHash = await hashPassword(input.password);
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const [dup] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, ctx.tenantId), eq(users.email, input.email)));
    if (dup) throw conflict('A user with this e-mail already exists', [{ path: 'email', message: 'already in use' }]);
    await checkGroups(tx, tctx, input.groupIds);
    await assertCanGrantGroups(tx, tctx, input.groupIds, 'groupIds');
    const [u] = await tx.insert(users).values({
      tenantId: ctx.tenantId, email: input.email, name: input.name, passwordHash, locale: input.locale ?? null,
      createdAt: ctx.now(),
    }).returning();
    await setGroups(tx, tctx, u.id, input.groupIds);
    await recordAudit(tx, tctx, { action: 'user.create', entityType: 'user', entityId: u.id, after: { ...u, groupIds: input.groupIds } });
    return u.id;
  });
  return userView(ctx, id);
}

export async function updateUser({ ctx, id, input }: { ctx: Ctx; id: string; input: UserPatch }) {
  assertPermission(ctx, 'users:write');
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), eq(users.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('User');
    assertCanManageUser(ctx, await permissionsOfUser(tx, ctx.tenantId, id));
    const beforeGroups = (await groupsOfUsers(tx, ctx.tenantId, [id])).get(id)?.map((g) => g.id) ?? [];
    if (input.groupIds) {
      await checkGroups(tx, tctx, input.groupIds);
      await assertCanGrantGroups(tx, tctx, input.groupIds, 'groupIds', new Set(beforeGroups));
    }
    const patch: Partial<typeof users.$inferInsert> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.status !== undefined) patch.status = input.status;
    if (input.locale !== undefined) patch.locale = input.locale;
    if (passwordHash) patch.passwordHash = passwordHash;
    const [after] = Object.keys(patch).length
      ? await tx.update(users).set(patch).where(and(eq(users.id, id), eq(users.tenantId, ctx.tenantId))).returning()
      : [before];
    if (input.groupIds) await setGroups(tx, tctx, id, input.groupIds);
    if (input.groupIds || input.status) await assertAdminRemains(tx, ctx.tenantId, input.groupIds ? 'groupIds' : 'status');
    await recordAudit(tx, tctx, {
      action: 'user.update', entityType: 'user', entityId: id,
      before: { ...before, groupIds: beforeGroups },
      after: { ...after, groupIds: input.groupIds ?? beforeGroups, ...(passwordHash ? { passwordChanged: true } : {}) },
    });
    if (passwordHash) await endSessions(tx, tctx, id);
  });
  return userView(ctx, id);
}
