/**
 * Login throttling, per account e-mail and per client address. Every attempt is counted BEFORE
 * the password is checked, in one short transaction that locks the counter rows, so parallel
 * attempts cannot all slip through before the first failure is written. Past the limit the key
 * is locked out for a time that doubles with each lockout (1 minute, 2, 4, ... at most an hour);
 * while locked, no password is checked at all, not even the right one, and the answer is a 429
 * with Retry-After. A successful login clears its e-mail's count and gives back its attempt on
 * the address. An unknown e-mail is counted and locked exactly like a known one, so throttling
 * does not tell which e-mails exist.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { loginThrottle, users } from '../db/schema';
import { ServiceError } from '../lib/errors';
import { sha256 } from '../lib/password';
import { recordAudit } from '../audit/record';
import { systemCtx, type Ctx } from '../lib/context';

export const THROTTLE = {
  /** Attempts allowed per window before a lockout. */
  limits: { email: 5, address: 50 },
  windowMs: 15 * 60_000,
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  /** After this long without an attempt, earlier lockouts no longer lengthen the next one. */
  forgetMs: 24 * 3_600_000,
} as const;

type Scope = keyof typeof THROTTLE.limits;
interface Subject { scope: Scope; value: string }

const keyOf = (s: Subject) => sha256(`${s.scope}:${s.value}`);

function tooManyAttempts(seconds: number): ServiceError {
  const err = new ServiceError('TOO_MANY_ATTEMPTS', `Too many login attempts; try again in ${seconds} seconds`);
  err.retryAfter = seconds;
  return err;
}

/** Counts one attempt for the e-mail and the address; throws a 429 while either is locked. */
export async function countAttempt(db: Db, email: string, address: string, now: Date, requestId: string | null): Promise<void> {
  const subjects: Subject[] = [{ scope: 'email', value: email }, { scope: 'address', value: address }];
  const retryAfter = await db.transaction(async (tx) => {
    // Rows are locked in key order so two attempts never wait on each other in a cycle.
    const keyed = subjects.map((s) => ({ ...s, key: keyOf(s) })).sort((a, b) => a.key.localeCompare(b.key));
    await tx.insert(loginThrottle).values(keyed.map((s) => ({ key: s.key, updatedAt: now }))).onConflictDoNothing();
    const rows = await tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keyed.map((s) => s.key))).orderBy(loginThrottle.key).for('update');
    let wait = 0;
    for (const s of keyed) {
      const row = rows.find((r) => r.key === s.key)!;
      if (row.lockedUntil && row.lockedUntil > now) {
        wait = Math.max(wait, row.lockedUntil.getTime() - now.getTime());
        continue;
      }
      const idle = now.getTime() - row.updatedAt.getTime();
      let attempts = (idle > THROTTLE.windowMs ? 0 : row.attempts) + 1;
      let lockouts = idle > THROTTLE.forgetMs ? 0 : row.lockouts;
      let lockedUntil: Date | null = null;
      if (attempts > THROTTLE.limits[s.scope]) {
        lockouts += 1;
        const ms = Math.min(THROTTLE.maxLockMs, THROTTLE.firstLockMs * 2 ** (lockouts - 1));
        lockedUntil = new Date(now.getTime() + ms);
        attempts = 0;
        wait = Math.max(wait, ms);
        await auditLockout(db, tx, s, lockedUntil, now, requestId);
      }
      await tx.update(loginThrottle).set({ attempts, lockouts, lockedUntil, updatedAt: now }).where(eq(loginThrottle.key, s.key));
    }
    return wait;
  });
  if (retryAfter > 0) throw tooManyAttempts(Math.ceil(retryAfter / 1000));
}

/** After a successful login: the e-mail starts afresh; the address gets its attempt back. */
export async function clearAttempt(db: Db, email: string, address: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, keyOf({ scope: 'email', value: email })));
  await db.update(loginThrottle).set({ attempts: sql`greatest(${loginThrottle.attempts} - 1, 0)` })
    .where(eq(loginThrottle.key, keyOf({ scope: 'address', value: address })));
}

/**
 * A lockout is recorded in the audit log of each tenant that has a user with that e-mail; a
 * lockout of an unknown e-mail or of an address goes to the tenants of the platform
 * administrators, who run the service. The e-mail or address is named so operators can act on it.
 */
async function auditLockout(db: Db, tx: Tx, s: Subject, until: Date, now: Date, requestId: string | null) {
  const owners = s.scope === 'email'
    ? await tx.select({ tenantId: users.tenantId, id: users.id }).from(users).where(eq(users.email, s.value))
    : [];
  const targets = owners.length ? owners
    : (await tx.selectDistinct({ tenantId: users.tenantId }).from(users).where(eq(users.isPlatformAdmin, true))).map((r) => ({ ...r, id: null }));
  for (const t of targets) {
    const ctx: Ctx = {
      ...systemCtx(db, t.tenantId, [], () => now), tx, actor: { type: 'system', id: null, name: 'login throttle' }, isPlatformAdmin: false, requestId,
    };
    await recordAudit(tx, ctx, {
      action: 'auth.lockout', entityType: s.scope === 'email' ? 'user' : 'client_address', entityId: t.id,
      after: { [s.scope]: s.value, lockedUntil: until.toISOString() },
    });
  }
}
