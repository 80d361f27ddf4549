/**
 * Auto-collection (issue 10): charges a finalized invoice with its bill-to party's default method
 * when that method is automatic. Each attempt is a `collection_attempts` row and a `pending`
 * payment, written before the provider is called, with the provider idempotency key
 * `bw-<invoice id>-<attempt>`. So whatever dies when:
 *   - before the call: the re-run finds the attempt, the provider knows no charge, we charge;
 *   - after the call, before our write: the re-run asks the provider (status query by key) and
 *     settles what it says; charging again with the same key would return the same charge anyway;
 *   - the provider does not answer (timeout, 5xx): the payment stays pending and a reconcile job
 *     asks again later; a webhook may settle it first. Nothing is guessed.
 */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { collectionAttempts, invoices, paymentMethods, payments } from '../../db/schema';
import { systemCtx, type Ctx } from '../../lib/context';
import { Decimal } from '../../lib/money';
import { recordAudit } from '../../audit/record';
import { PERMISSION_CODES } from '../../access/permissions';
import { creditedTotals, outstanding, OPEN_INVOICE_STATUSES, type InvoiceStatus } from '../../invoices/invoices';
import { tenantToday } from '../../tenants/tenant-settings';
import { registerJobKind, type JobKind, type JobRunEnv } from '../../jobs/registry';
import { paymentOut } from '../serialize';
import { gatewayFor } from '../gateways/registry';
import { GatewayRejected, GatewayUnavailable, type GatewayCharge } from '../gateways/types';
import { gatewayEnabled, type Provider } from '../gateways/credentials';
import { defaultMethod } from '../methods/payment-methods';
import { settlePayment } from './settle';
import { AUTO_COLLECT_KIND, RECONCILE_KIND, scheduleReconcile } from './schedule';

/** Test hook: runs between the gateway's answer and our write (a test throws here to "die" there). */
export const collectHooks: { afterGatewayCall?: (paymentId: string) => void | Promise<void> } = {};

type Attempt = typeof collectionAttempts.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;
type MethodRow = typeof paymentMethods.$inferSelect;

export const idempotencyKeyFor = (invoiceId: string, attempt: number) => `bw-${invoiceId}-${attempt}`;

/** The attempt's row and pending payment: found (a re-run) or created now. Null when there is nothing to charge. */
async function prepare(tx: Tx, ctx: Ctx, invoiceId: string, n: number): Promise<{ attempt: Attempt; payment: PaymentRow; method: MethodRow; rerun: boolean } | null> {
  const [had] = await tx.select().from(collectionAttempts).where(and(eq(collectionAttempts.tenantId, ctx.tenantId), eq(collectionAttempts.invoiceId, invoiceId), eq(collectionAttempts.attempt, n)));
  if (had) {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, had.paymentId));
    const [method] = await tx.select().from(paymentMethods).where(eq(paymentMethods.id, had.paymentMethodId));
    return { attempt: had, payment, method, rerun: true };
  }
  const [inv] = await tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, invoiceId))).for('update');
  if (!inv || !OPEN_INVOICE_STATUSES.includes(inv.status as InvoiceStatus)) return null;
  const owed = outstanding(inv, (await creditedTotals(tx, ctx.tenantId, [inv.id])).get(inv.id) ?? '0');
  if (owed.lte(0)) return null;
  const method = await defaultMethod(tx, ctx.tenantId, inv.billTo);
  if (!method || !method.autoCollect || !method.token) return null;
  // A gateway the tenant switched off starts no charge (an attempt already made still settles above).
  if (!(await gatewayEnabled(tx, ctx.tenantId, method.provider))) return null;
  const [payment] = await tx.insert(payments).values({
    tenantId: ctx.tenantId, billTo: inv.billTo, payerId: inv.payerId, customerId: inv.payerId ? null : inv.customerId, method: method.type === 'card' ? 'card' : 'bank_transfer',
    amount: owed.toString(), currency: inv.currency, receivedOn: await tenantToday(tx, ctx), provider: method.provider, status: 'pending',
    note: `auto-collection of ${inv.number ?? inv.id}, attempt ${n}`, createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
  }).returning();
  const [attempt] = await tx.insert(collectionAttempts).values({ tenantId: ctx.tenantId, invoiceId, attempt: n, idempotencyKey: idempotencyKeyFor(invoiceId, n),
    paymentMethodId: method.id, paymentId: payment.id, createdAt: ctx.now() }).returning();
  await recordAudit(tx, ctx, { action: 'payment.auto_collect', entityType: 'payment', entityId: payment.id, after: { ...paymentOut(payment, '0'), invoiceId, attempt: n, paymentMethodId: method.id } });
  return { attempt, payment, method, rerun: false };
}

/**
 * Asks the provider about the attempt's charge (a re-run or a reconcile) or makes it; what it says,
 * or `pending` when it did not answer. Charging with the attempt's key is idempotent at the provider.
 */
async function askOrCharge(db: Db, ctx: Ctx, a: { attempt: Attempt; payment: PaymentRow; method: MethodRow }, ask: boolean): Promise<GatewayCharge> {
  try {
    const gateway = await gatewayFor(db, ctx.tenantId, a.method.provider as Provider);
    if (ask) {
      const known = await gateway.getPaymentStatus({ tenantId: ctx.tenantId, ref: a.payment.providerRef, orderId: a.payment.id, idempotencyKey: a.attempt.idempotencyKey });
      if (known) return known;
    }
    return await gateway.charge({ tenantId: ctx.tenantId, amount: new Decimal(a.payment.amount).toString(), currency: a.payment.currency, idempotencyKey: a.attempt.idempotencyKey,
      token: a.method.token!, providerCustomerRef: a.method.providerCustomerRef, orderId: a.payment.id, orderName: a.payment.note ?? 'Billwise invoice' });
  } catch (e) {
    if (e instanceof GatewayUnavailable) return { ref: null, status: 'pending' };
    if (e instanceof GatewayRejected) return { ref: null, status: 'failed', declineCode: 'processing_error', declineMessage: e.message };
    throw e;
  }
}

async function settleAndFollowUp(db: Db, ctx: Ctx, env: Pick<JobRunEnv, 'holdLease'> | null, paymentId: string, result: GatewayCharge, source: string) {
  await db.transaction(async (tx) => {
    if (env) await env.holdLease(tx);
    await settlePayment(tx, { ...ctx, tx }, paymentId, result, source);
    if (result.status === 'pending') await scheduleReconcile(tx, ctx.tenantId, paymentId);
  });
}

const collect: JobKind = {
  kind: AUTO_COLLECT_KIND,
  async run(job, env) {
    const { tenantId, invoiceId, attempt } = job.payload as { tenantId: string; invoiceId: string; attempt: number };
    const ctx = systemCtx(env.db, tenantId, PERMISSION_CODES, env.now);
    const a = await env.db.transaction(async (tx) => { await env.holdLease(tx); return prepare(tx, { ...ctx, tx }, invoiceId, attempt); });
    if (!a || a.payment.status !== 'pending' || env.signal.aborted) return;
    const result = await askOrCharge(env.db, ctx, a, a.rerun);
    if (collectHooks.afterGatewayCall) await collectHooks.afterGatewayCall(a.payment.id);
    await settleAndFollowUp(env.db, ctx, env, a.payment.id, result, 'charge');
  },
  retry: { maxAttempts: 10, backoff: { baseMs: 1_000, capMs: 600_000 } },
};

/**
 * Settles a pending gateway payment by asking its provider (the reconcile job, and on demand).
 * Still unknown → throws, so the job retries with back-off.
 */
export async function reconcilePayment(db: Db, tenantId: string, paymentId: string, now: () => Date = () => new Date(), env: Pick<JobRunEnv, 'holdLease'> | null = null) {
  const ctx = systemCtx(db, tenantId, PERMISSION_CODES, now);
  const [payment] = await db.select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.id, paymentId)));
  if (!payment || payment.status !== 'pending') return payment?.status ?? null;
  const [attempt] = await db.select().from(collectionAttempts).where(eq(collectionAttempts.paymentId, paymentId));
  if (!attempt) return payment.status;
  const [method] = await db.select().from(paymentMethods).where(eq(paymentMethods.id, attempt.paymentMethodId));
  const result = await askOrCharge(db, ctx, { attempt, payment, method }, true);
  await settleAndFollowUp(db, ctx, env, paymentId, result, 'status query');
  if (result.status === 'pending') throw new Error(`payment ${paymentId}: the provider has not answered yet`);
  return result.status;
}

const reconcile: JobKind = {
  kind: RECONCILE_KIND,
  async run(job, env) {
    const { tenantId, paymentId } = job.payload as { tenantId: string; paymentId: string };
    await reconcilePayment(env.db, tenantId, paymentId, env.now, env);
  },
  retry: { maxAttempts: 20, backoff: { baseMs: 60_000, capMs: 3_600_000 } },
};

export function registerCollectionJobs() {
  registerJobKind(collect);
  registerJobKind(reconcile);
}
