/**
 * Inbound gateway webhooks (`POST /api/v1/webhooks/payments/{provider}?tenant=<id or code>`).
 * 1. The adapter verifies the signature over the raw body (bad or missing → 401, nothing changes
 *    except the receipt saying so).
 * 2. The receipt is inserted with the provider's event id under a unique index: a second delivery
 *    of the same event inserts nothing there and is answered 200 as a duplicate, without acting.
 * 3. A payment event settles the payment it names (our id is the provider's order id) through
 *    settlePayment, which only moves `pending`: out of order is safe. A deposit into a virtual
 *    account is a deposit like a bank-statement line (../deposits): paid and allocated, or queued.
 * Every request leaves a receipt with its outcome (webhook_receipts).
 */
import { and, eq, or } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { paymentMethods, payments, tenants, webhookReceipts } from '../../db/schema';
import { systemCtx, type Ctx } from '../../lib/context';
import { ServiceError } from '../../lib/errors';
import { amountProblem } from '../../lib/money';
import { PERMISSION_CODES } from '../../access/permissions';
import { tenantToday } from '../../tenants/tenant-settings';
import { recordDeposit } from '../deposits/record';
import { gatewayFor } from '../gateways/registry';
import { decryptSecret } from '../gateways/secrets';
import { WebhookSignatureError, type WebhookEvent } from '../gateways/types';
import type { Provider } from '../gateways/credentials';
import { settlePayment } from '../collection/settle';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Outcome = 'applied' | 'ignored' | 'duplicate' | 'rejected' | 'error';

async function findTenant(db: Db, ref: string | undefined): Promise<string | null> {
  if (!ref) return null;
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(UUID.test(ref) ? or(eq(tenants.id, ref), eq(tenants.code, ref)) : eq(tenants.code, ref));
  return t?.id ?? null;
}

async function applyPayment(tx: Tx, ctx: Ctx, provider: string, e: Extract<WebhookEvent, { type: 'payment' }>) {
  const byOrder = e.orderId && UUID.test(e.orderId) ? eq(payments.id, e.orderId) : undefined;
  const byRef = e.ref ? eq(payments.providerRef, e.ref) : undefined;
  if (!byOrder && !byRef) return { outcome: 'ignored' as const, detail: 'names no payment' };
  const [p] = await tx.select({ id: payments.id }).from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.provider, provider), or(byOrder, byRef)));
  if (!p) return { outcome: 'ignored' as const, detail: 'no such payment' };
  const outcome = await settlePayment(tx, ctx, p.id, { ref: e.ref, status: e.status, declineCode: e.declineCode, declineMessage: e.declineMessage }, 'webhook');
  return { outcome, detail: outcome === 'ignored' ? `payment is no longer pending (${e.status} not applied)` : `payment ${e.status}`, paymentId: p.id };
}

/**
 * A gateway's virtual-account deposit goes the way a bank-statement line goes (deposits/record.ts):
 * stored once under `<provider>:<ref>`, matched (its account number first), paid and allocated; a
 * deposit into an account we do not know waits in the unmatched queue instead of being dropped.
 */
async function applyDeposit(tx: Tx, ctx: Ctx, provider: string, e: Extract<WebhookEvent, { type: 'deposit' }>) {
  if (e.status !== 'succeeded') return { outcome: 'ignored' as const, detail: `deposit ${e.status}` };
  if (amountProblem(e.amount, e.currency)) return { outcome: 'ignored' as const, detail: 'unreadable amount' };
  const r = await recordDeposit(tx, ctx, { source: provider, key: `${provider}:${e.ref}`, bookedOn: await tenantToday(tx, ctx), amount: e.amount, currency: e.currency,
    depositorName: e.depositorName ?? null, memo: null, accountNumber: e.accountNumber, provider, providerRef: e.ref });
  if (r.outcome === 'duplicate') return { outcome: 'ignored' as const, detail: 'deposit already recorded' };
  if (r.outcome === 'unmatched') return { outcome: 'applied' as const, detail: `deposit queued as unmatched (${r.deposit.unmatchedReason})` };
  return { outcome: 'applied' as const, detail: 'deposit recorded', paymentId: r.deposit.paymentId ?? undefined };
}

export async function receivePaymentWebhook(opts: { db: Db; now: () => Date; provider: Provider; tenantRef?: string; headers: Headers; rawBody: string }) {
  const { db, provider } = opts;
  const receipt = (tenantId: string | null, outcome: Outcome, detail: string, extra: { eventId?: string; eventType?: string; paymentId?: string } = {}, tx: Db | Tx = db) =>
    tx.insert(webhookReceipts).values({ tenantId, provider, outcome, detail, eventId: extra.eventId ?? null, eventType: extra.eventType ?? null, paymentId: extra.paymentId ?? null, receivedAt: opts.now() })
      .onConflictDoNothing().returning({ id: webhookReceipts.id });
  const tenantId = await findTenant(db, opts.tenantRef);
  const reject = async (detail: string) => {
    await receipt(tenantId, 'rejected', detail);
    return new ServiceError('UNAUTHENTICATED', `Webhook signature could not be verified: ${detail}`);
  };
  if (!tenantId) throw await reject('unknown tenant (the ?tenant= of the endpoint URL)');
  let event: WebhookEvent;
  try {
    const gateway = await gatewayFor(db, tenantId, provider);
    event = await gateway.verifyWebhook(opts.headers, opts.rawBody, { tenantId, findVaSecret: async (accountNumber) => {
      const [m] = await db.select({ s: paymentMethods.secretEncrypted }).from(paymentMethods)
        .where(and(eq(paymentMethods.tenantId, tenantId), eq(paymentMethods.provider, provider), eq(paymentMethods.accountNumber, accountNumber)));
      return m?.s ? decryptSecret(m.s) : null;
    } });
  } catch (e) {
    if (e instanceof WebhookSignatureError || e instanceof SyntaxError) throw await reject(e.message);
    throw e;
  }
  const ctx = systemCtx(db, tenantId, PERMISSION_CODES, opts.now);
  const eventType = event.type === 'other' ? event.providerType : event.type;
  try {
    return await db.transaction(async (tx) => {
      const tctx = { ...ctx, tx };
      const [mine] = await receipt(tenantId, 'applied', 'processing', { eventId: event.id, eventType }, tx);
      if (!mine) {
        await receipt(tenantId, 'duplicate', 'already received', { eventId: event.id, eventType }, tx);
        return { received: true, outcome: 'duplicate' as Outcome };
      }
      const r = event.type === 'payment' ? await applyPayment(tx, tctx, provider, event)
        : event.type === 'deposit' ? await applyDeposit(tx, tctx, provider, event)
          : { outcome: 'ignored' as const, detail: `event type ${event.providerType} is not used` };
      await tx.update(webhookReceipts).set({ outcome: r.outcome, detail: r.detail, paymentId: 'paymentId' in r ? r.paymentId ?? null : null }).where(eq(webhookReceipts.id, mine.id));
      return { received: true, outcome: r.outcome as Outcome };
    });
  } catch (e) {
    // Not stored as the event's receipt (it acted on nothing), so the provider's retry is processed.
    await receipt(tenantId, 'error', e instanceof Error ? e.message.slice(0, 500) : 'error', { eventId: event.id, eventType });
    throw e;
  }
}
