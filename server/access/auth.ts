import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, tenants, users } from '../db/schema';
import { invalid, ServiceError } from '../lib/errors';
import { withTransaction, type Ctx } from '../lib/context';
import { recordAudit } from '../audit/record';
import { endSessions } from './users';
import { randomToken, sha256, verifyPassword, hashPassword, needsRehash } from '../lib/password';
import { groupsOfUsers, permissionsOfUser, SESSION_HOURS } from './principal';
import { tenantOut, userOut } from './serialize';
import { clearAttempt, countAttempt } from './throttle';

// Verifying against a fixed hash when the e-mail is unknown keeps the response time the same,
// so login timing does not reveal which e-mails exist.
let dummyHash: Promise<string> | null = null;

export async function sessionView(db: Db, userId: string) {
  const [row] = await db.select({ user: users, tenant: tenants }).from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId)).where(eq(users.id, userId));
  const gm = await groupsOfUsers(db, row.user.tenantId, [userId]);
  const permissions = await permissionsOfUser(db, row.user.tenantId, userId);
  return {
    user: userOut(row.user, gm.get(userId) ?? []),
    tenant: tenantOut(row.tenant),
    permissions: [...permissions].sort(),
    isPlatformAdmin: row.user.isPlatformAdmin,
  };
}

/**
 * Checks the password and opens a session; returns the cookie token (only its hash is stored).
 * The attempt is counted first (server/access/throttle.ts), for known and unknown e-mails alike.
 */
export async function login(db: Db, input: { email: string; password: string; tenant?: string }, now: Date, client: { address: string; requestId: string | null }) {
  await countAttempt(db, input.email, client.address, now, client.requestId);
  // Exactly one password is checked whatever the number of accounts, so timing says nothing either.
  const [row] = await db.select({ user: users, tenantStatus: tenants.status }).from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.email, input.email), input.tenant ? eq(tenants.code, input.tenant) : undefined))
    .orderBy(asc(users.createdAt), asc(users.id)).limit(1);
  if (!row) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(input.password, await dummyHash);
    throw new ServiceError('INVALID_CREDENTIALS');
  }
  const ok = await verifyPassword(input.password, row.user.passwordHash);
  if (!ok || row.user.status !== 'active' || row.tenantStatus !== 'active') throw new ServiceError('INVALID_CREDENTIALS');
  await clearAttempt(db, input.email, client.address);
  // Hashes from before a cost increase are upgraded now, the only time the password is known.
  if (needsRehash(row.user.passwordHash)) {
    await db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, row.user.id));
  }
  const token = randomToken(32);
  await db.insert(sessions).values({
    id: sha256(token), tenantId: row.user.tenantId, userId: row.user.id, createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
  });
  await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, row.user.id));
  return { token, view: await sessionView(db, row.user.id) };
}

/**
 * A user changes their own password (no users:write needed). The current password is asked for,
 * and counted like a login attempt, so a session left open is not enough to take the account.
 * The user's other sessions end; this one stays.
 */
export async function changeOwnPassword({ ctx, input, address }: { ctx: Ctx; input: { currentPassword: string; newPassword: string }; address: string }) {
  if (ctx.actor.type !== 'user' || !ctx.actor.id) throw new ServiceError('UNAUTHENTICATED', 'This endpoint needs a console session');
  const userId = ctx.actor.id;
  const [u] = await ctx.db.select().from(users).where(and(eq(users.id, userId), eq(users.tenantId, ctx.tenantId)));
  if (!u) throw new ServiceError('UNAUTHENTICATED', 'This endpoint needs a console session');
  await countAttempt(ctx.db, u.email, address, ctx.now(), ctx.requestId);
  if (!(await verifyPassword(input.currentPassword, u.passwordHash))) {
    throw invalid([{ path: 'currentPassword', message: 'is not your current password' }]);
  }
  await clearAttempt(ctx.db, u.email, address);
  const passwordHash = await hashPassword(input.newPassword);
  await withTransaction(ctx, async (tx, tctx) => {
    await tx.update(users).set({ passwordHash }).where(and(eq(users.id, userId), eq(users.tenantId, ctx.tenantId)));
    await endSessions(tx, tctx, userId);
    await recordAudit(tx, tctx, { action: 'user.password_change', entityType: 'user', entityId: userId, after: { passwordChanged: true } });
  });
}

export async function logout(db: Db, token: string) {
  await db.delete(sessions).where(eq(sessions.id, sha256(token)));
}
