/**
 * Gateway credentials at rest: AES-256-GCM with a key derived (SHA-256) from BILLWISE_SECRET_KEY.
 * Without the variable a fixed development key is used and said so once on stderr: fine for the
 * demo, never for production (README: Configuration). The format `v1:<iv>:<tag>:<data>` (base64url)
 * names its version so the key or cipher can be rotated later.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export const DEV_SECRET_KEY = 'billwise-dev-secret-key-not-for-production';
let warned = false;

function masterKey(): Buffer {
  const raw = process.env.BILLWISE_SECRET_KEY;
  if (!raw && !warned && !process.env.VITEST) {
    warned = true;
    console.warn('BILLWISE_SECRET_KEY is not set: gateway credentials are encrypted with the development key');
  }
  return createHash('sha256').update(raw || DEV_SECRET_KEY).digest();
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', masterKey(), iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
}

export function decryptSecret(sealed: string): string {
  const [v, iv, tag, data] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
  const d = createDecipheriv('aes-256-gcm', masterKey(), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
}

/**
 * A per-purpose secret derived from the master key (the sandbox's webhook signing secret per
 * tenant). Remembered per master key and purpose: every inbound sandbox webhook needs one, and
 * deriving it twice per request was a visible share of the ingest's CPU (bench:payments).
 */
const derived = new Map<string, string>();
export function derivedSecret(purpose: string): string {
  const cacheKey = `${process.env.BILLWISE_SECRET_KEY ?? ''}\u0000${purpose}`;
  let s = derived.get(cacheKey);
  if (s === undefined) {
    if (derived.size > 10_000) derived.clear();
    derived.set(cacheKey, s = createHmac('sha256', masterKey()).update(purpose).digest('hex'));
  }
  return s;
}
