import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, tenants, users } from '../db/schema';
import { ServiceError } from '../lib/errors';
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
export async function login(db: Db, input: { email: string; password: string }, now: Date, client: { address: string; requestId: string | null }) {
  await countAttempt(db, input.email, client.address, now, client.requestId);
  const [row] = await db.select({ user: users, tenantStatus: tenants.status }).from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId)).where(eq(users.email, input.email));
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

export async function logout(db: Db, token: string) {
  await db.delete(sessions).where(eq(sessions.id, sha256(token)));
}
