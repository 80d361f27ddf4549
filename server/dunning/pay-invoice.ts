/**
 * The pay page's services (pay-page.ts is its HTTP edge): what a payer holding a valid pay-link
 * token may see of one invoice, and paying it by card through the tenant's gateway.
 *
 * The payer has no login: the token (pay-link.ts) is the credential and names the tenant and the
 * invoice; everything here is read and written under that tenant only, with a context that can
 * read invoices and record payments and nothing else. A card payment takes the collection path
 * (server/payments/collection): a `pending` payment is written before the provider is called,
 * the provider is called with a key made from that payment's id, and `settlePayment` applies the
 * answer (allocation to this invoice first, audit, `payment.*` webhooks). A paid invoice leaves
 * the dunning run (it is no longer overdue), so no further step is taken.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { invoices, paymentMethods, payments } from '../db/schema';
import type { Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { invoiceDocument } from '../invoices/document';
import { creditedTotals, outstanding, OPEN_INVOICE_STATUSES, type InvoiceStatus } from '../invoices/invoices';
import { tenantToday } from '../tenants/tenant-settings';
import { gatewayFor } from '../payments/gateways/registry';
import { gatewayEnabled } from '../payments/gateways/credentials';
import { GatewayRejected, GatewayUnavailable, type GatewayCharge } from '../payments/gateways/types';
import { settlePayment } from '../payments/collection/settle';
import type { InvoiceDocument } from '../invoices/render/types';

/** The card form is the sandbox's (a test number); real providers take cards in their own widgets, not on our page. */
export const PAY_PAGE_PROVIDER = 'sandbox';
const PAY_PAGE_ACTOR = 'pay page';

export function payPageCtx(db: Db, tenantId: string, now: () => Date): Ctx {
  return { db, tenantId, now, requestId: null, isPlatformAdmin: false, actor: { type: 'system', id: null, name: PAY_PAGE_ACTOR },
    permissions: new Set(['invoices:read', 'payments:read', 'payments:write']) };
}

export interface PayView {
  doc: InvoiceDocument;
  status: string;
  /** What is still owed now (after payments and credit notes), a money string. */
  owed: string;
  payable: boolean;
  card: boolean;
  virtualAccounts: { bankName: string | null; accountNumber: string | null; accountHolder: string | null }[];
  /** A card payment from this page still waiting for its provider. */
  processing: boolean;
}

export async function payView(ctx: Ctx, invoiceId: string): Promise<PayView | null> {
  const [inv] = await ctx.db.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, invoiceId)));
  if (!inv || inv.status === 'draft') return null;
  const { doc } = await invoiceDocument(ctx, invoiceId);
  const owed = outstanding(inv, (await creditedTotals(ctx.db, ctx.tenantId, [inv.id])).get(inv.id) ?? '0');
  const payable = OPEN_INVOICE_STATUSES.includes(inv.status as InvoiceStatus) && owed.greaterThan(0);
  const vas = await ctx.db.select().from(paymentMethods)
    .where(and(eq(paymentMethods.tenantId, ctx.tenantId), eq(paymentMethods.billTo, inv.billTo), eq(paymentMethods.type, 'virtual_account'), eq(paymentMethods.status, 'active')))
    .orderBy(asc(paymentMethods.createdAt));
  return {
    doc, status: inv.status, owed: toMoneyString(owed, inv.currency), payable,
    card: payable && (await gatewayEnabled(ctx.db, ctx.tenantId, PAY_PAGE_PROVIDER)),
    virtualAccounts: vas.map((v) => ({ bankName: v.bankName, accountNumber: v.accountNumber, accountHolder: v.accountHolder })),
    processing: !!(await pendingFromPage(ctx.db, ctx, invoiceId)),
  };
}

const pageNote = (invoiceId: string) => `pay page: ${invoiceId}`;
async function pendingFromPage(db: DbOrTx, ctx: Ctx, invoiceId: string) {
  const [p] = await db.select({ id: payments.id }).from(payments)
    .where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.status, 'pending'), eq(payments.createdBy, PAY_PAGE_ACTOR), eq(payments.note, pageNote(invoiceId))));
  return p ?? null;
}

export type CardInput = { number: string; expMonth: number; expYear: number; name: string };
export type PayOutcome =
  | { kind: 'succeeded'; paymentId: string; amount: string }
  | { kind: 'declined'; paymentId: string; declineCode: string }
  | { kind: 'pending'; paymentId: string }
  | { kind: 'nothing_owed' }
  | { kind: 'in_progress' }
  | { kind: 'unavailable' };

/**
 * Pays what the invoice still owes with a card. Twice-submitted forms never charge twice: the
 * invoice row is locked while the pending payment is written, and a second submission finds either
 * nothing owed (the first succeeded) or the first's pending payment (in progress).
 */
export async function payByCard(ctx: Ctx, invoiceId: string, card: CardInput): Promise<PayOutcome> {
  if (!(await gatewayEnabled(ctx.db, ctx.tenantId, PAY_PAGE_PROVIDER))) return { kind: 'unavailable' };
  const prepared = await ctx.db.transaction(async (tx) => {
    const [inv] = await tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, invoiceId))).for('update');
    if (!inv || !OPEN_INVOICE_STATUSES.includes(inv.status as InvoiceStatus)) return { kind: 'nothing_owed' as const };
    const owed = outstanding(inv, (await creditedTotals(tx, ctx.tenantId, [inv.id])).get(inv.id) ?? '0');
    if (owed.lte(0)) return { kind: 'nothing_owed' as const };
    if (await pendingFromPage(tx, ctx, invoiceId)) return { kind: 'in_progress' as const };
    const [payment] = await tx.insert(payments).values({
      tenantId: ctx.tenantId, billTo: inv.billTo, payerId: inv.payerId, customerId: inv.payerId ? null : inv.customerId, method: 'card',
      amount: owed.toString(), currency: inv.currency, receivedOn: await tenantToday(tx, ctx), provider: PAY_PAGE_PROVIDER, status: 'pending',
      note: pageNote(invoiceId), createdBy: PAY_PAGE_ACTOR, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).returning();
    await recordAudit(tx, { ...ctx, tx }, { action: 'payment.pay_page', entityType: 'payment', entityId: payment.id,
      after: { invoiceId, number: inv.number, amount: toMoneyString(owed, inv.currency), currency: inv.currency } });
    return { kind: 'ready' as const, payment, number: inv.number };
  });
  if (prepared.kind !== 'ready') return prepared;
  const { payment } = prepared;
  let result: GatewayCharge;
  try {
    const gateway = await gatewayFor(ctx.db, ctx.tenantId, PAY_PAGE_PROVIDER);
    const saved = await gateway.saveMethod({ tenantId: ctx.tenantId, customerKey: payment.billTo, customerName: card.name, card });
    result = await gateway.charge({ tenantId: ctx.tenantId, amount: new Decimal(payment.amount).toString(), currency: payment.currency, idempotencyKey: `bw-pay-${payment.id}`,
      token: saved.token, orderId: payment.id, orderName: `Invoice ${prepared.number ?? invoiceId}` });
  } catch (e) {
    if (e instanceof GatewayUnavailable) result = { ref: null, status: 'pending' };
    else if (e instanceof GatewayRejected) result = { ref: null, status: 'failed', declineCode: 'incorrect_number', declineMessage: e.message };
    else throw e;
  }
  await ctx.db.transaction((tx) => settlePayment(tx, { ...ctx, tx }, payment.id, result, 'pay page', invoiceId));
  if (result.status === 'succeeded') return { kind: 'succeeded', paymentId: payment.id, amount: toMoneyString(new Decimal(payment.amount), payment.currency) };
  if (result.status === 'failed') return { kind: 'declined', paymentId: payment.id, declineCode: result.declineCode ?? 'other' };
  return { kind: 'pending', paymentId: payment.id };
}
