/**
 * The sandbox's outbound webhooks, signed and sent over HTTP to our own endpoint the way a real
 * gateway would (`POST /api/v1/webhooks/payments/sandbox?tenant=<id>`), from the job queue with
 * retries. Signature: `Billwise-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
 * with a per-tenant secret derived from BILLWISE_SECRET_KEY; five minutes of tolerance, as Stripe.
 * Where to send: SANDBOX_WEBHOOK_BASE, else http://127.0.0.1:$PORT (the server itself).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '../../db/client';
import { enqueue } from '../../jobs/queue';
import { registerJobKind, type JobKind } from '../../jobs/registry';
import { derivedSecret } from './secrets';

export const SANDBOX_WEBHOOK_KIND = 'sandbox.webhook';
const TOLERANCE_S = 300;

const secretFor = (tenantId: string) => derivedSecret(`sandbox-webhook:${tenantId}`);

export function signSandbox(tenantId: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secretFor(tenantId)).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

export function verifySandboxSignature(tenantId: string, header: string | null, body: string): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > TOLERANCE_S || !parts.v1) return false;
  const want = Buffer.from(createHmac('sha256', secretFor(tenantId)).update(`${t}.${body}`).digest('hex'));
  const got = Buffer.from(parts.v1);
  return want.length === got.length && timingSafeEqual(want, got);
}

export async function enqueueSandboxWebhook(db: DbOrTx, tenantId: string, event: { id: string; type: string; data: unknown }) {
  await enqueue(db, [{ tenantId, kind: SANDBOX_WEBHOOK_KIND, payload: { tenantId, body: JSON.stringify(event) }, dedupeKey: `sandbox-webhook:${event.id}` }]);
}

export function sandboxWebhookBase(): string {
  return process.env.SANDBOX_WEBHOOK_BASE ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
}

const deliver: JobKind = {
  kind: SANDBOX_WEBHOOK_KIND,
  async run(job) {
    const { tenantId, body } = job.payload as { tenantId: string; body: string };
    const res = await fetch(`${sandboxWebhookBase()}/api/v1/webhooks/payments/sandbox?tenant=${tenantId}`, {
      method: 'POST', body, signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', 'billwise-sandbox-signature': signSandbox(tenantId, body) },
    });
    // A 2xx is delivered; anything else is retried, as gateways do.
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  },
  retry: { maxAttempts: 10, backoff: { baseMs: 2_000, capMs: 600_000 } },
};

export function registerSandboxWebhookJobs() {
  registerJobKind(deliver);
}
