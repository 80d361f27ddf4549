/**
 * The pay link of a reminder and the token behind it (the public pay page, `server/dunning/pay-page.ts`).
 *
 * The token is the whole credential of a payer who has no login, so it is scoped to one invoice of
 * one tenant, expires (`PAY_LINK_DAYS`, default 30 days after it was made) and is signed with a
 * secret derived from BILLWISE_SECRET_KEY: `v1.<tenant id>.<invoice id>.<expiry, unix s>.<HMAC>`.
 * Nothing is stored, so making a link costs no query (a reminder run makes thousands).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { derivedSecret } from '../payments/gateways/secrets';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sign = (body: string) => createHmac('sha256', derivedSecret('dunning.pay-link')).update(body).digest('base64url');
const linkDays = () => {
  const n = Number(process.env.PAY_LINK_DAYS ?? 30);
  return Number.isFinite(n) && n > 0 ? n : 30;
};

export function payToken(tenantId: string, invoiceId: string, now: Date, days = linkDays()): string {
  const body = `v1.${tenantId}.${invoiceId}.${Math.floor(now.getTime() / 1000) + Math.round(days * 86_400)}`;
  return `${body}.${sign(body)}`;
}

export type PayTokenCheck = { ok: true; tenantId: string; invoiceId: string; expiresAt: Date } | { ok: false; why: 'invalid' | 'expired' };

/** Checks the signature first (a forged token learns nothing), then the expiry. */
export function verifyPayToken(token: string, now: Date): PayTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1' || !UUID.test(parts[1]) || !UUID.test(parts[2]) || !/^\d{1,12}$/.test(parts[3])) return { ok: false, why: 'invalid' };
  const body = parts.slice(0, 4).join('.');
  const want = Buffer.from(sign(body));
  const got = Buffer.from(parts[4]);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, why: 'invalid' };
  const expiresAt = new Date(Number(parts[3]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, why: 'expired' };
  return { ok: true, tenantId: parts[1], invoiceId: parts[2], expiresAt };
}

const publicBase = () => (process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/+$/, '');

/** The reminder's pay link: PAY_LINK_URL with `{token}` / `{invoiceId}` / `{number}`, default PUBLIC_URL/pay/{token}. */
export function payLink(inv: { id: string; number: string | null; tenantId: string }, now: Date): string {
  const token = payToken(inv.tenantId, inv.id, now);
  return (process.env.PAY_LINK_URL ?? `${publicBase()}/pay/{token}`).replace('{token}', token).replace('{invoiceId}', inv.id).replace('{number}', inv.number ?? inv.id);
}

/** The invoice PDF behind the same token (the reminder links it rather than attaching a freshly rendered one). */
export function payPdfLink(inv: { id: string; tenantId: string }, now: Date): string {
  return `${publicBase()}/pay/${payToken(inv.tenantId, inv.id, now)}/invoice.pdf`;
}
