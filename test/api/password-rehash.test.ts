/**
 * A hash made before a cost increase is upgraded at the user's next successful login, the only
 * time the password is known (server/access/auth.ts): the stored hash then carries the current
 * parameters and still verifies. A failed login leaves it alone. test/unit/password.test.ts covers
 * needsRehash itself; this covers the login path that must call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { users } from '../../server/db/schema';
import { hashPassword, needsRehash, scryptParams, verifyPassword } from '../../server/lib/password';

let t: TestApp;
const EMAIL = 'support@demo.billwise.dev';
const PASSWORD = 'demo1234';
const stored = async () => (await t.handle.db.select({ h: users.passwordHash }).from(users).where(eq(users.email, EMAIL)))[0].h;

beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => t?.close());

describe('password hashes of an older cost', () => {
  it('are upgraded at the next successful login, and a wrong password changes nothing', async () => {
    const target = scryptParams();
    const old = await hashPassword(PASSWORD, { N: target.N / 4, r: target.r, p: target.p });
    await t.handle.db.update(users).set({ passwordHash: old }).where(eq(users.email, EMAIL));
    expect(needsRehash(await stored())).toBe(true);

    const wrong = await t.call('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: 'not-the-password', tenant: 'demo' } });
    expect(wrong.status).toBe(401);
    expect(await stored()).toBe(old);

    await t.login(EMAIL, PASSWORD);
    const upgraded = await stored();
    expect(upgraded).not.toBe(old);
    expect(upgraded.split('$').slice(1, 4).map(Number)).toEqual([target.N, target.r, target.p]);
    expect(needsRehash(upgraded)).toBe(false);
    expect(await verifyPassword(PASSWORD, upgraded)).toBe(true);
    // The upgraded hash logs in, and is not rewritten again.
    await t.login(EMAIL, PASSWORD);
    expect(await stored()).toBe(upgraded);
  });
});
