import { scrypt as scryptCb, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export interface ScryptParams { N: number; r: number; p: number }

/**
 * scrypt is a memory-hard KDF in Node's standard library: no native add-on to build. These are
 * OWASP's minimum (N=2^17, r=8, p=1): 128 MiB and a few hundred milliseconds per hash. Hashes
 * made with weaker parameters are upgraded at the next successful login (needsRehash).
 */
export const SCRYPT_PRODUCTION: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEYLEN = 32;

/**
 * The parameters new hashes get. The test suite creates users and logs in all the time, so
 * BILLWISE_TEST_SCRYPT_LOG2N (set in vite.config.ts for vitest) lowers N; it is ignored unless
 * vitest is running (VITEST), so a stray variable cannot weaken a production server.
 */
export function scryptParams(env: NodeJS.ProcessEnv = process.env): ScryptParams {
  const log2n = Number(env.BILLWISE_TEST_SCRYPT_LOG2N);
  if (env.VITEST && Number.isInteger(log2n) && log2n >= 10 && log2n < 17) return { ...SCRYPT_PRODUCTION, N: 2 ** log2n };
  return SCRYPT_PRODUCTION;
}

/** scrypt needs 128·N·r bytes; Node refuses above maxmem (32 MiB by default), so allow that plus headroom. */
const maxmem = (q: ScryptParams) => 128 * q.N * q.r + 32 * 1024 * 1024;

export async function hashPassword(password: string, params: ScryptParams = scryptParams()): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...params, maxmem: maxmem(params) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, rr, pp, salt, key] = parts;
  const params = { N: Number(n), r: Number(rr), p: Number(pp) };
  if (![params.N, params.r, params.p].every(Number.isSafeInteger)) return null;
  return { params, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await scrypt(password, h.salt, h.key.length, { ...h.params, maxmem: maxmem(h.params) });
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** A hash made with weaker parameters than new hashes get (never a downgrade). */
export function needsRehash(stored: string, target: ScryptParams = scryptParams()): boolean {
  const h = parse(stored);
  return !h || h.params.N < target.N || h.params.r < target.r || h.params.p < target.p;
}

/** Tokens (session ids, API keys) are high-entropy, so a fast hash is the right tool for them. */
export function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
