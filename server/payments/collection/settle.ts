/**
 * Applies what a provider said about a payment: the one place a gateway payment changes status,
 * used by the charge itself, status queries and webhooks alike. Only `pending` moves: a late
 * "pending" (or a second verdict) never overwrites "succeeded" or "failed", so out-of-order and
 * repeated news are harmless. A success is allocated (the charged invoice first); a decline of an
 * automatic charge marks the invoice payment_failed and schedules the next attempt.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { collectionAttempts, invoices, payments } from '../../db/schema';
import type { Ctx } from '../../lib/context';
import { recordAudit } from '../../audit/record';
import { tenantToday } from '../../tenants/tenant-settings';
import { allocatePayment } from '../allocate';
import { paymentOut } from '../serialize';
import type { GatewayCharge } from '../gateways/types';
import { scheduleRetry } from './schedule';
import { emitEvent } from '../../webhooks/emit';

export type SettleOutcome = 'applied' | 'ignored';

/** `prefer`: the invoice a payment made for one invoice goes to first (the pay page); an auto-collection attempt names its own. */
export async function settlePayment(tx: Tx, ctx: Ctx, paymentId: string, result: GatewayCharge, source: string, prefer?: string): Promise<SettleOutcome> {
  const [p] = await tx.select().from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.id, paymentId))).for('update');
  if (!p || p.status !== 'pending') return 'ignored';
  if (result.status === 'pending') {
    if (result.ref && !p.providerRef) await tx.update(payments).set({ providerRef: result.ref, updatedAt: ctx.now() }).where(eq(payments.id, p.id));
    return 'ignored';
  }
  const [attempt] = await tx.select().from(collectionAttempts).where(and(eq(collectionAttempts.tenantId, ctx.tenantId), eq(collectionAttempts.paymentId, p.id)));
  const patch = result.status === 'succeeded'
    ? { status: 'succeeded' as const, receivedOn: await tenantToday(tx, ctx) }
    : { status: 'failed' as const, declineCode: result.declineCode ?? 'other', declineMessage: result.declineMessage ?? null };
  const [after] = await tx.update(payments).set({ ...patch, providerRef: result.ref ?? p.providerRef, updatedAt: ctx.now() }).where(eq(payments.id, p.id)).returning();
  await recordAudit(tx, ctx, { action: `payment.${result.status}`, entityType: 'payment', entityId: p.id,
    before: { status: p.status }, after: { ...paymentOut(after, '0'), source } });
  await emitEvent(tx, ctx.tenantId, result.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed', { payment: paymentOut(after, '0') });
  if (result.status === 'succeeded') {
    await allocatePayment(tx, ctx, after, undefined, attempt?.invoiceId ?? prefer);
    return 'applied';
  }
  if (attempt) {
    const [inv] = await tx.update(invoices).set({ status: 'payment_failed', paymentFailedAt: ctx.now(), updatedAt: ctx.now() })
      .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, attempt.invoiceId), eq(invoices.status, 'finalized'))).returning({ id: invoices.id });
    if (inv) {
      await recordAudit(tx, ctx, { action: 'invoice.payment_failed', entityType: 'invoice', entityId: inv.id, before: { status: 'finalized' }, after: { status: 'payment_failed', paymentId: p.id, declineCode: patch.declineCode } });
      await emitEvent(tx, ctx.tenantId, 'invoice.payment_failed', { invoice: { id: inv.id }, paymentId: p.id, declineCode: patch.declineCode });
    }
    await scheduleRetry(tx, ctx, attempt.invoiceId, attempt.attempt);
  }
  return 'applied';
}
