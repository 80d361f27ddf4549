/**
 * A hash made with the old scrypt cost (N=2^14) is replaced at the next successful login by one
 * with production parameters, and the password keeps working. The suite's lower test cost is
 * switched off here so the target is the production cost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { users } from '../../server/db/schema';
import { SCRYPT_PRODUCTION, hashPassword } from '../../server/lib/password';

let t: TestApp;
const saved = process.env.BILLWISE_TEST_SCRYPT_LOG2N;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => {
  process.env.BILLWISE_TEST_SCRYPT_LOG2N = saved;
  await t?.close();
});

it('upgrades an old-parameter hash at login', async () => {
  const email = 'exec@demo.billwise.dev';
  await t.handle.db.update(users).set({ passwordHash: await hashPassword('old-cost-pw', { N: 2 ** 14, r: 8, p: 1 }) }).where(eq(users.email, email));
  delete process.env.BILLWISE_TEST_SCRYPT_LOG2N;
  await t.login(email, 'old-cost-pw');
  const [u] = await t.handle.db.select({ h: users.passwordHash }).from(users).where(eq(users.email, email));
  expect(u.h.startsWith(`scrypt$${SCRYPT_PRODUCTION.N}$${SCRYPT_PRODUCTION.r}$${SCRYPT_PRODUCTION.p}$`)).toBe(true);
  await t.login(email, 'old-cost-pw');
});
