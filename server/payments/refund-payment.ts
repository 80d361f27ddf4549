import { and, eq } from 'drizzle-orm';
import { paymentRefunds, payments } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { ServiceError, conflict, invalid, notFound } from '../lib/errors';
import { Decimal, amountProblem, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { emitEvent } from '../webhooks/emit';
import { lockWallet, postEntry } from '../wallets/ledger';
import { getPayment } from './get-payment';
import { refundable, refundOut } from './serialize';
import type { RefundInput } from './schemas';
import { gatewayFor } from './gateways/registry';
import { GatewayRejected, GatewayUnavailable } from './gateways/types';
import { PROVIDERS, type Provider } from './gateways/credentials';

/** Refused before anything happens at the provider: the same checks the transaction repeats under its lock. */
function check(p: typeof payments.$inferSelect | undefined, input: RefundInput) {
  if (!p) throw notFound('Payment');
  if (p.status !== 'succeeded' && p.status !== 'partially_refunded') throw conflict(`Payment is ${p.status}; only a succeeded payment can be refunded`);
  const problem = amountProblem(input.amount, p.currency);
  if (problem) throw invalid([{ path: 'amount', message: problem }]);
  const left = refundable(p);
  if (new Decimal(input.amount).greaterThan(left)) throw invalid([{ path: 'amount', message: `is more than the refundable amount ${toMoneyString(left, p.currency)}` }]);
}

/**
 * A gateway payment refunded to its original method goes back through its provider first, outside
 * the transaction (it is someone else's system). The key is derived from the payment, what was
 * refunded before and the amount, so a retried request asks the provider for the same refund.
 */
async function refundAtProvider(ctx: Ctx, id: string, input: RefundInput) {
  const [p] = await q(ctx).select().from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.id, id)));
  check(p, input);
  // Only a gateway can send money back for us. Manual payments and bank deposits (provider `bank`,
  // server/payments/deposits) are returned by a transfer outside Billwise: the refund is recorded.
  if (!PROVIDERS.includes(p.provider as Provider) || input.destination !== 'original' || p.method === 'prepaid') return null;
  if (!p.providerRef) throw conflict('The payment has no provider reference to refund');
  const gateway = await gatewayFor(q(ctx), ctx.tenantId, p.provider as Provider);
  try {
    return await gateway.refund({ tenantId: ctx.tenantId, ref: p.providerRef, amount: new Decimal(input.amount).toString(), currency: p.currency,
      idempotencyKey: `bw-re-${p.id}-${new Decimal(p.refundedAmount).toString()}-${new Decimal(input.amount).toString()}`, reason: input.reason });
  } catch (e) {
    if (e instanceof GatewayUnavailable) throw new ServiceError('GATEWAY_UNAVAILABLE', 'The payment provider did not answer; nothing was refunded here, try again');
    if (e instanceof GatewayRejected) throw conflict(`The payment provider refused the refund (${e.code})`);
    throw e;
  }
}

/**
 * Refunds (part of) a payment: back through its provider ('original'; the manual provider only
 * records it, the money is returned outside Billwise) or into the payer's prepaid wallet.
 * Invoices the payment was allocated to stay paid, as Stripe and Chargebee do: a refund is its
 * own movement, and owing the customer money is what credit notes and the wallet are for.
 */
export async function refundPayment({ ctx, id, input }: { ctx: Ctx; id: string; input: RefundInput }) {
  assertPermission(ctx, 'payments:write');
  const viaProvider = await refundAtProvider(ctx, id, input);
  await withTransaction(ctx, async (tx, tctx) => {
    // Locked so two refunds at the same instant cannot both pass the refundable check.
    const [p] = await tx.select().from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.id, id))).for('update');
    check(p, input);
    const [r] = await tx.insert(paymentRefunds).values({
      tenantId: ctx.tenantId, paymentId: p.id, amount: new Decimal(input.amount).toString(), currency: p.currency, reason: input.reason,
      destination: input.destination, status: viaProvider?.status === 'pending' ? 'pending' : 'succeeded', providerRef: viaProvider?.ref ?? null, createdBy: ctx.actor.name, createdAt: ctx.now(),
    }).returning();
    const refunded = new Decimal(p.refundedAmount).plus(input.amount);
    const status = refunded.equals(new Decimal(p.amount).minus(p.walletCredited)) ? 'refunded' : 'partially_refunded';
    await tx.update(payments).set({ refundedAmount: refunded.toString(), status, updatedAt: ctx.now() }).where(eq(payments.id, p.id));
    // A prepaid payment's "original" source is the wallet itself.
    if (input.destination === 'prepaid' || p.method === 'prepaid') {
      const wallet = await lockWallet(tx, tctx, p, 'prepaid', p.currency);
      await postEntry(tx, tctx, wallet, { type: 'refund', amount: new Decimal(input.amount), paymentId: p.id, refundId: r.id, reason: input.reason });
    }
    await recordAudit(tx, tctx, { action: 'payment.refund', entityType: 'payment', entityId: p.id,
      before: { status: p.status, refundedAmount: p.refundedAmount }, after: { status, refundedAmount: refunded.toString(), refund: refundOut(r) } });
    await emitEvent(tx, ctx.tenantId, 'payment.refunded', { payment: { id: p.id, billTo: p.billTo, currency: p.currency, amount: toMoneyString(new Decimal(p.amount), p.currency), status }, refund: refundOut(r) });
  });
  return getPayment({ ctx, id });
}
