import type { paymentAllocations, paymentRefunds, payments } from '../db/schema';
import { Decimal, toMoneyString } from '../lib/money';

type PaymentRow = typeof payments.$inferSelect;

/** Refunds return what was received less what already went to the wallet or back (README: refunds). */
export function refundable(p: PaymentRow): Decimal {
  if (p.status !== 'succeeded' && p.status !== 'partially_refunded') return new Decimal(0);
  return new Decimal(p.amount).minus(p.walletCredited).minus(p.refundedAmount);
}

export function paymentOut(p: PaymentRow, allocated: string) {
  const m = (s: string) => toMoneyString(new Decimal(s), p.currency);
  return {
    id: p.id, billTo: p.billTo, payerId: p.payerId, customerId: p.customerId, method: p.method, amount: m(p.amount), currency: p.currency,
    receivedOn: p.receivedOn, provider: p.provider, providerRef: p.providerRef, status: p.status, declineCode: p.declineCode, declineMessage: p.declineMessage,
    allocatedAmount: m(allocated), walletCredited: m(p.walletCredited), refundedAmount: m(p.refundedAmount), refundableAmount: toMoneyString(refundable(p), p.currency),
    note: p.note, createdBy: p.createdBy, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

export function allocationOut(a: typeof paymentAllocations.$inferSelect, currency: string, invoiceNumber: string | null) {
  return { id: a.id, paymentId: a.paymentId, invoiceId: a.invoiceId, invoiceNumber, amount: toMoneyString(new Decimal(a.amount), currency), createdAt: a.createdAt.toISOString() };
}

export function refundOut(r: typeof paymentRefunds.$inferSelect) {
  return { id: r.id, paymentId: r.paymentId, amount: toMoneyString(new Decimal(r.amount), r.currency), currency: r.currency, reason: r.reason,
    destination: r.destination, status: r.status, providerRef: r.providerRef, createdBy: r.createdBy, createdAt: r.createdAt.toISOString() };
}
