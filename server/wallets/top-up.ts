/**
 * Paid top-up (선수금 충전): money received to be held as prepaid balance, not to pay invoices. It
 * is recorded as a payment (so it shows in the payment history and the bank's reference is unique)
 * whose whole amount went to the wallet (`walletCredited` = amount, so payment refunds do not
 * return it twice: returning wallet balance is an adjustment), and a `top_up_paid` entry.
 */
import { payments } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, isCurrencyCode } from '../lib/money';
import { recordAudit } from '../audit/record';
import { findBillTo } from '../customers/bill-to';
import { tenantToday } from '../tenants/tenant-settings';
import { entryOut, lockWallet, postEntry, tooLarge, walletOut } from './ledger';

export const TOP_UP_METHODS = ['card', 'bank_transfer', 'virtual_account', 'cash'] as const;
export interface TopUpInput { method: (typeof TOP_UP_METHODS)[number]; amount: string; currency: string; receivedOn?: string; providerRef?: string; note?: string }

export async function topUpWallet({ ctx, billTo, input }: { ctx: Ctx; billTo: string; input: TopUpInput }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const owner = await findBillTo(tx, tctx, billTo);
    if (!owner) throw notFound('Payer');
    const today = await tenantToday(tx, tctx);
    const issues: FieldIssue[] = [];
    if (!isCurrencyCode(input.currency)) issues.push({ path: 'currency', message: 'is not an ISO 4217 currency code' });
    else if (owner.currencies.length && !owner.currencies.includes(input.currency)) issues.push({ path: 'currency', message: `does not match the payer's currency (${owner.currencies.join(', ')})` });
    const problem = amountProblem(input.amount, input.currency);
    if (problem) issues.push({ path: 'amount', message: problem });
    else if (tooLarge(input.amount)) issues.push({ path: 'amount', message: 'is too large' });
    if (input.receivedOn && input.receivedOn > today) issues.push({ path: 'receivedOn', message: `must not be after today (${today})` });
    if (issues.length) throw invalid(issues);
    const amount = new Decimal(input.amount).toString();
    const [p] = await tx.insert(payments).values({
      tenantId: ctx.tenantId, billTo: owner.billTo, payerId: owner.payerId, customerId: owner.customerId, method: input.method, amount, currency: input.currency,
      receivedOn: input.receivedOn ?? today, provider: 'manual', providerRef: input.providerRef ?? null, status: 'succeeded', walletCredited: amount,
      note: input.note ?? 'prepaid top-up', createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).onConflictDoNothing().returning();
    if (!p) throw conflict('A payment with this reference is already recorded', [{ path: 'providerRef', message: 'already in use' }]);
    await recordAudit(tx, tctx, { action: 'payment.record', entityType: 'payment', entityId: p.id, after: { id: p.id, method: p.method, amount, currency: p.currency, purpose: 'top_up' } });
    const w = await lockWallet(tx, tctx, owner, 'prepaid', input.currency);
    const { wallet, entry } = await postEntry(tx, tctx, w, { type: 'top_up_paid', amount: new Decimal(amount), paymentId: p.id, reason: 'top-up' });
    return { paymentId: p.id, wallet: walletOut(wallet), entry: entryOut(entry, wallet.currency) };
  });
}
