import { publishChange } from '../analytics/live';
import { and, eq } from 'drizzle-orm';
import { payments } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, isCurrencyCode } from '../lib/money';
import { recordAudit } from '../audit/record';
import { emitEvent } from '../webhooks/emit';
import { findBillTo } from '../customers/bill-to';
import { tenantToday } from '../tenants/tenant-settings';
import { lockWallet, postEntry } from '../wallets/ledger';
import { allocatePayment } from './allocate';
import { getPayment } from './get-payment';
import { paymentOut } from './serialize';
import type { PaymentInput } from './schemas';

/** The provider of payments recorded by hand; gateway adapters (a later slice) bring their own. */
export const MANUAL_PROVIDER = 'manual';

function checkInput(input: PaymentInput, currencies: string[] | null, today: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Money is recorded when it has arrived; a future date would let it pay invoices it cannot yet.
  if (input.receivedOn && input.receivedOn > today) issues.push({ path: 'receivedOn', message: `must not be after today (${today})` });
  if (!currencies) issues.push({ path: 'billTo', message: 'no such payer, or a customer that has a payer' });
  if (!isCurrencyCode(input.currency)) issues.push({ path: 'currency', message: 'is not an ISO 4217 currency code' });
  else if (currencies?.length && !currencies.includes(input.currency)) issues.push({ path: 'currency', message: `does not match the payer's currency (${currencies.join(', ')})` });
  const problem = amountProblem(input.amount, input.currency);
  if (problem) issues.push({ path: 'amount', message: problem });
  if (input.method === 'points') issues.push({ path: 'method', message: 'points are not accepted as payment yet' });
  if (input.status !== 'succeeded' && input.allocations) issues.push({ path: 'allocations', message: 'only a succeeded payment is allocated' });
  if (input.status === 'failed' && !input.declineCode) issues.push({ path: 'declineCode', message: 'is required for a failed payment' });
  if (input.status !== 'failed' && (input.declineCode || input.declineMessage)) issues.push({ path: input.declineCode ? 'declineCode' : 'declineMessage', message: 'is only for a failed payment' });
  return issues;
}

/**
 * Records money received (수납 처리) from a payer. A succeeded payment is allocated at once
 * (server/payments/allocate.ts) and any rest becomes prepaid balance; a prepaid payment draws
 * its amount from the prepaid wallet first.
 */
export async function recordPayment({ ctx, input }: { ctx: Ctx; input: PaymentInput }) {
  assertPermission(ctx, 'payments:write');
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const owner = await findBillTo(tx, tctx, input.billTo);
    const today = await tenantToday(tx, tctx);
    const issues = checkInput(input, owner?.currencies ?? null, today);
    if (issues.length || !owner) throw invalid(issues);
    // The unique (tenant, provider, providerRef) index decides, so two requests with one reference
    // at the same instant cannot both record it: the loser inserts nothing and answers 409.
    const [p] = await tx.insert(payments).values({
      tenantId: ctx.tenantId, billTo: owner.billTo, payerId: owner.payerId, customerId: owner.customerId, method: input.method,
      amount: new Decimal(input.amount).toString(), currency: input.currency, receivedOn: input.receivedOn ?? today,
      provider: MANUAL_PROVIDER, providerRef: input.providerRef ?? null, status: input.status, declineCode: input.declineCode ?? null,
      declineMessage: input.declineMessage ?? null, note: input.note ?? null, createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).onConflictDoNothing().returning();
    if (!p) {
      const [dup] = await tx.select({ id: payments.id }).from(payments)
        .where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.provider, MANUAL_PROVIDER), eq(payments.providerRef, input.providerRef ?? '')));
      throw conflict(`A payment with this reference is already recorded (${dup?.id ?? '?'})`, [{ path: 'providerRef', message: 'already in use' }]);
    }
    await recordAudit(tx, tctx, { action: 'payment.record', entityType: 'payment', entityId: p.id, after: paymentOut(p, '0') });
    if (p.status !== 'pending') await emitEvent(tx, ctx.tenantId, p.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed', { payment: paymentOut(p, '0') });
    await publishChange(tx, ctx.tenantId, 'payment');
    if (p.status !== 'succeeded') return p.id;
    if (p.method === 'prepaid') {
      const wallet = await lockWallet(tx, tctx, owner, 'prepaid', p.currency);
      await postEntry(tx, tctx, wallet, { type: 'consumption', amount: new Decimal(p.amount).negated(), paymentId: p.id, reason: `payment ${p.id}`, path: 'amount' });
    }
    await allocatePayment(tx, tctx, p, input.allocations);
    return p.id;
  });
  return getPayment({ ctx, id });
}

