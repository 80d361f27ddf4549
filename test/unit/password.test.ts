/**
 * Password hashing cost: production parameters are at least OWASP's scrypt minimum, the test
 * suite's lower cost only applies under vitest, and a production-cost hash really works (scrypt
 * needs 128·N·r bytes: maxmem must allow it). Upgrading old hashes at login: test/api/password-upgrade.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SCRYPT_PRODUCTION, hashPassword, needsRehash, scryptParams, verifyPassword } from '../../server/lib/password';

describe('scrypt parameters', () => {
  it('production uses N ≥ 2^17, r ≥ 8, p ≥ 1', () => {
    expect(SCRYPT_PRODUCTION.N).toBeGreaterThanOrEqual(2 ** 17);
    expect(SCRYPT_PRODUCTION.r).toBeGreaterThanOrEqual(8);
    expect(SCRYPT_PRODUCTION.p).toBeGreaterThanOrEqual(1);
    expect(scryptParams({})).toEqual(SCRYPT_PRODUCTION);
  });

  it('the test cost applies only under vitest, and never above production', () => {
    expect(scryptParams({ VITEST: 'true', BILLWISE_TEST_SCRYPT_LOG2N: '12' }).N).toBe(4096);
    expect(scryptParams({ BILLWISE_TEST_SCRYPT_LOG2N: '12' })).toEqual(SCRYPT_PRODUCTION);
    expect(scryptParams({ VITEST: 'true', BILLWISE_TEST_SCRYPT_LOG2N: '4' })).toEqual(SCRYPT_PRODUCTION);
  });

  it('hashes and verifies at the production cost', async () => {
    const h = await hashPassword('correct horse', SCRYPT_PRODUCTION);
    expect(h.startsWith(`scrypt$${2 ** 17}$8$1$`)).toBe(true);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('wrong horse', h)).toBe(false);
    expect(needsRehash(h, SCRYPT_PRODUCTION)).toBe(false);
  });

  it('an old-cost hash needs a rehash; a stronger one is never downgraded', async () => {
    const old = await hashPassword('pw', { N: 16384, r: 8, p: 1 });
    expect(needsRehash(old, SCRYPT_PRODUCTION)).toBe(true);
    expect(needsRehash(old, { N: 4096, r: 8, p: 1 })).toBe(false);
    expect(needsRehash('bcrypt$whatever', SCRYPT_PRODUCTION)).toBe(true);
  });
});
