/**
 * Inbound gateway webhooks (`POST /api/v1/webhooks/payments/{provider}?tenant=<id or code>`).
 * 1. The adapter verifies the signature over the raw body (bad or missing → 401, nothing changes
 *    except a `rejected` receipt saying so).
 * 2. The verified event goes into the inbox (inbox.ts): one receipt per provider event id under a
 *    unique index, written in batches with the job that will apply it. The gateway gets its 200 at
 *    once, `queued`; a redelivery of the same event is answered `duplicate` and writes nothing.
 * 3. The `payments.webhook_inbox` job (apply-inbox.ts) applies queued receipts: a payment event
 *    settles the payment it names through settlePayment, which only moves `pending` (out of order
 *    is safe); a virtual-account deposit is a deposit like a bank-statement line (../deposits).
 * Every request that is not a redelivery leaves a receipt with its outcome (webhook_receipts).
 */
import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { paymentMethods, tenants, webhookReceipts } from '../../db/schema';
import { ServiceError, invalid } from '../../lib/errors';
import { unstorableIssues } from '../../lib/input-guard';
import { gatewayFor } from '../gateways/registry';
import { decryptSecret } from '../gateways/secrets';
import { GatewayRejected, WebhookSignatureError, type WebhookEvent } from '../gateways/types';
import type { Provider } from '../gateways/credentials';
import { putInInbox } from './inbox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_TTL_MS = 60_000;

/**
 * The tenant named by `?tenant=`, remembered for a minute per database handle: every webhook
 * names one, and it almost never changes: a query per webhook for it is a round trip the group
 * commit cannot share. Unknown names are not remembered (a tenant onboarded a second later is found).
 */
const tenantCache = new WeakMap<Db, Map<string, { id: string; at: number }>>();
async function findTenant(db: Db, ref: string | undefined): Promise<string | null> {
  if (!ref) return null;
  let cache = tenantCache.get(db);
  if (!cache) tenantCache.set(db, cache = new Map());
  const hit = cache.get(ref);
  if (hit && Date.now() - hit.at < TENANT_TTL_MS) return hit.id;
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(UUID.test(ref) ? or(eq(tenants.id, ref), eq(tenants.code, ref)) : eq(tenants.code, ref));
  if (t) {
    if (cache.size > 10_000) cache.clear();
    cache.set(ref, { id: t.id, at: Date.now() });
  }
  return t?.id ?? null;
}

export async function receivePaymentWebhook(opts: { db: Db; now: () => Date; provider: Provider; tenantRef?: string; headers: Headers; rawBody: string }) {
  const { db, provider } = opts;
  const tenantId = await findTenant(db, opts.tenantRef);
  const reject = async (detail: string) => {
    await db.insert(webhookReceipts).values({ tenantId, provider, outcome: 'rejected', detail, receivedAt: opts.now() });
    return new ServiceError('UNAUTHENTICATED', `Webhook signature could not be verified: ${detail}`);
  };
  if (!tenantId) throw await reject('unknown tenant (the ?tenant= of the endpoint URL)');
  // What inputGuard checks for other routes (it skips this one, server/lib/input-guard.ts): a body
  // PostgreSQL cannot store would fail the whole group-commit batch it joins, not just itself.
  let parsed: unknown;
  try { parsed = JSON.parse(opts.rawBody); } catch { /* not JSON: the adapter rejects it */ }
  if (parsed !== undefined) {
    const issues = unstorableIssues(parsed);
    if (issues.length) throw invalid(issues);
  }
  let event: WebhookEvent;
  try {
    const gateway = await gatewayFor(db, tenantId, provider, { cachedCredentials: true });
    event = await gateway.verifyWebhook(opts.headers, opts.rawBody, { tenantId, findVaSecret: async (accountNumber) => {
      const [m] = await db.select({ s: paymentMethods.secretEncrypted }).from(paymentMethods)
        .where(and(eq(paymentMethods.tenantId, tenantId), eq(paymentMethods.provider, provider), eq(paymentMethods.accountNumber, accountNumber)));
      return m?.s ? decryptSecret(m.s) : null;
    } });
  } catch (e) {
    if (e instanceof WebhookSignatureError || e instanceof SyntaxError) throw await reject(e.message);
    // No credentials (removed, or never set): nothing to check the signature with, so not believed (was a 500).
    if (e instanceof GatewayRejected && e.code === 'not_configured') throw await reject(e.message);
    throw e;
  }
  const eventType = event.type === 'other' ? event.providerType : event.type;
  const fresh = await putInInbox(db, { tenantId, provider, event, eventType, receivedAt: opts.now() });
  return { received: true, outcome: fresh ? 'queued' as const : 'duplicate' as const };
}
