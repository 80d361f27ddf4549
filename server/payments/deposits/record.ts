/**
 * One deposit in: stored once under its key (a second import of the same line, or a repeated
 * gateway callback, finds the key taken and does nothing), matched (match.ts), and when matched
 * recorded as a succeeded payment and allocated exactly as `POST /payments` allocates
 * (allocatePayment: the invoice the deposit named first, then oldest due date first, the rest to
 * prepaid). An unmatched deposit waits in the queue (queue.ts) with its reason.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { bankDeposits, payments } from '../../db/schema';
import type { Ctx } from '../../lib/context';
import { Decimal } from '../../lib/money';
import { recordAudit } from '../../audit/record';
import { emitEvent } from '../../webhooks/emit';
import { publishChange } from '../../analytics/live';
import type { BillTo } from '../../customers/bill-to';
import { allocatePayment } from '../allocate';
import { paymentOut } from '../serialize';
import { matchDeposit, type MatchRule } from './match';

/** The provider of payments that came from a bank-statement line. */
export const BANK_PROVIDER = 'bank';

export interface DepositIn {
  source: string; key: string; importId?: string | null; line?: number | null; bookedOn: string; amount: string; currency: string;
  depositorName: string | null; memo: string | null; accountNumber: string | null;
  /** A gateway's deposit: its provider and reference become the payment's. */
  provider?: string; providerRef?: string;
}
type DepositRow = typeof bankDeposits.$inferSelect;
export type DepositOutcome = { outcome: 'duplicate' } | { outcome: 'matched' | 'unmatched'; deposit: DepositRow };

/** Records the payment of a matched deposit and allocates it; audited like every payment. */
export async function payDeposit(tx: Tx, ctx: Ctx, d: DepositRow, owner: BillTo, rule: MatchRule, invoiceId: string | null, ref?: { provider: string; providerRef: string }) {
  const [p] = await tx.insert(payments).values({
    tenantId: ctx.tenantId, billTo: owner.billTo, payerId: owner.payerId, customerId: owner.customerId,
    method: rule === 'virtual_account' ? 'virtual_account' : 'bank_transfer', amount: new Decimal(d.amount).toString(), currency: d.currency,
    receivedOn: d.bookedOn, provider: ref?.provider ?? BANK_PROVIDER, providerRef: ref?.providerRef ?? d.key, status: 'succeeded',
    note: d.depositorName ? `deposit by ${d.depositorName}` : 'deposit', createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
  }).returning();
  await recordAudit(tx, ctx, { action: 'payment.record', entityType: 'payment', entityId: p.id, after: { ...paymentOut(p, '0'), source: d.source, depositId: d.id, matchRule: rule } });
  await emitEvent(tx, ctx.tenantId, 'payment.succeeded', { payment: paymentOut(p, '0') });
  await publishChange(tx, ctx.tenantId, 'payment');
  await allocatePayment(tx, ctx, p, undefined, invoiceId ?? undefined);
  const [after] = await tx.update(bankDeposits).set({ status: 'matched', matchRule: rule, unmatchedReason: null, billTo: owner.billTo, invoiceId, paymentId: p.id })
    .where(and(eq(bankDeposits.tenantId, ctx.tenantId), eq(bankDeposits.id, d.id))).returning();
  return after;
}

export async function recordDeposit(tx: Tx, ctx: Ctx, d: DepositIn): Promise<DepositOutcome> {
  const [row] = await tx.insert(bankDeposits).values({
    tenantId: ctx.tenantId, importId: d.importId ?? null, line: d.line ?? null, source: d.source, key: d.key, bookedOn: d.bookedOn,
    amount: new Decimal(d.amount).toString(), currency: d.currency, depositorName: d.depositorName, memo: d.memo, accountNumber: d.accountNumber,
    status: 'unmatched', unmatchedReason: 'no_match', createdAt: ctx.now(),
  }).onConflictDoNothing().returning();
  if (!row) return { outcome: 'duplicate' };
  const m = await matchDeposit(tx, ctx, d);
  if (!m.ok) {
    const [after] = await tx.update(bankDeposits).set({ unmatchedReason: m.reason }).where(eq(bankDeposits.id, row.id)).returning();
    return { outcome: 'unmatched', deposit: after };
  }
  const ref = d.provider && d.providerRef ? { provider: d.provider, providerRef: d.providerRef } : undefined;
  return { outcome: 'matched', deposit: await payDeposit(tx, ctx, row, m.owner, m.rule, m.invoiceId, ref) };
}
