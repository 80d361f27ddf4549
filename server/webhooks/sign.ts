/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is `whsec_` +
 * base64 of random bytes; the signature is `v1,` + base64(HMAC-SHA256(key = those bytes,
 * "<webhook-id>.<webhook-timestamp>.<body>")), sent in `webhook-signature` beside `webhook-id`
 * and `webhook-timestamp` (seconds since the epoch).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** What a receiver does (tests use it): any of the space-separated signatures matches. */
export function verify(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string): boolean {
  const want = Buffer.from(sign(secret, headers.id, Number(headers.timestamp), body));
  return headers.signature.split(' ').some((s) => { const got = Buffer.from(s); return got.length === want.length && timingSafeEqual(got, want); });
}
