/**
 * The unmatched-deposit queue (미확인 입금): deposits no rule could attribute wait here until a
 * person matches them to a payer or an invoice (the money is then recorded and allocated as any
 * matched deposit is) or dismisses them with a reason (returned to the sender, not ours). Both are
 * audited in the transaction that makes them, and only an `unmatched` deposit moves (the row is
 * locked first), so two people working the queue cannot match one deposit twice.
 */
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { bankDeposits, invoices } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { conflict, invalid, notFound } from '../../lib/errors';
import { Decimal, toMoneyString } from '../../lib/money';
import { paginate } from '../../lib/paginate';
import { recordAudit } from '../../audit/record';
import { billToNames, findBillTo } from '../../customers/bill-to';
import { payDeposit } from './record';
import type { DepositListQuery } from './schemas';

type DepositRow = typeof bankDeposits.$inferSelect;

export function depositOut(d: DepositRow, billToName: string | null = null) {
  return {
    id: d.id, importId: d.importId, line: d.line, source: d.source, bookedOn: d.bookedOn, amount: toMoneyString(new Decimal(d.amount), d.currency), currency: d.currency,
    depositorName: d.depositorName, memo: d.memo, accountNumber: d.accountNumber, status: d.status,
    matchRule: d.matchRule as 'virtual_account' | 'invoice_number' | 'amount_and_name' | 'manual' | null,
    unmatchedReason: d.unmatchedReason as 'no_match' | 'ambiguous' | 'currency' | null,
    billTo: d.billTo, billToName, invoiceId: d.invoiceId, paymentId: d.paymentId, dismissReason: d.dismissReason, resolvedBy: d.resolvedBy,
    resolvedAt: d.resolvedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(),
  };
}

export async function listDeposits({ ctx, query }: { ctx: Ctx; query: DepositListQuery }) {
  assertPermission(ctx, 'payments:read');
  const where: SQL[] = [eq(bankDeposits.tenantId, ctx.tenantId), eq(bankDeposits.status, query.status)];
  if (query.importId) where.push(eq(bankDeposits.importId, query.importId));
  if (query.from) where.push(gte(bankDeposits.bookedOn, query.from));
  if (query.to) where.push(lt(bankDeposits.bookedOn, query.to));
  return paginate({ db: q(ctx), from: bankDeposits, where: and(...where), orderBy: [desc(bankDeposits.bookedOn), desc(bankDeposits.createdAt), desc(bankDeposits.id)], page: query,
    map: async (rows) => {
      const n = await billToNames(q(ctx), ctx.tenantId, rows.flatMap((r) => (r.billTo ? [r.billTo] : [])));
      return rows.map((r) => depositOut(r, r.billTo ? n.get(r.billTo) ?? null : null));
    } });
}

async function lockUnmatched(tx: Tx, ctx: Ctx, id: string): Promise<DepositRow> {
  const [d] = await tx.select().from(bankDeposits).where(and(eq(bankDeposits.tenantId, ctx.tenantId), eq(bankDeposits.id, id))).for('update');
  if (!d) throw notFound('Deposit');
  if (d.status !== 'unmatched') throw conflict(`Deposit is ${d.status}; only an unmatched deposit can be matched or dismissed`);
  return d;
}

async function answer(ctx: Ctx, id: string) {
  const [d] = await q(ctx).select().from(bankDeposits).where(and(eq(bankDeposits.tenantId, ctx.tenantId), eq(bankDeposits.id, id)));
  const n = await billToNames(q(ctx), ctx.tenantId, d.billTo ? [d.billTo] : []);
  return depositOut(d, d.billTo ? n.get(d.billTo) ?? null : null);
}

/** Match by hand: to an invoice (its payer pays; that invoice first) or to a payer (oldest due first). */
export async function matchUnmatched({ ctx, id, input }: { ctx: Ctx; id: string; input: { billTo?: string; invoiceId?: string } }) {
  assertPermission(ctx, 'payments:write');
  if (!input.billTo && !input.invoiceId) throw invalid([{ path: 'billTo', message: 'give the payer (billTo) or the invoice (invoiceId) the deposit is from' }]);
  await withTransaction(ctx, async (tx, tctx) => {
    const d = await lockUnmatched(tx, tctx, id);
    let billTo = input.billTo;
    if (input.invoiceId) {
      const [inv] = await tx.select({ billTo: invoices.billTo, currency: invoices.currency }).from(invoices)
        .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, input.invoiceId)));
      if (!inv) throw invalid([{ path: 'invoiceId', message: 'no such invoice' }]);
      if (billTo && billTo !== inv.billTo) throw invalid([{ path: 'invoiceId', message: 'is not an invoice of this payer' }]);
      if (inv.currency !== d.currency) throw invalid([{ path: 'invoiceId', message: `is in ${inv.currency}; the deposit is in ${d.currency}` }]);
      billTo = inv.billTo;
    }
    const owner = await findBillTo(tx, tctx, billTo!);
    if (!owner) throw invalid([{ path: 'billTo', message: 'no such payer, or a customer that has a payer' }]);
    if (!owner.currencies.includes(d.currency)) throw invalid([{ path: 'billTo', message: `is not billed in ${d.currency}` }]);
    const after = await payDeposit(tx, tctx, d, owner, 'manual', input.invoiceId ?? null);
    await tx.update(bankDeposits).set({ resolvedBy: ctx.actor.name, resolvedAt: ctx.now() }).where(eq(bankDeposits.id, d.id));
    await recordAudit(tx, tctx, { action: 'deposit.match', entityType: 'bank_deposit', entityId: d.id, before: depositOut(d), after: { ...depositOut(after), resolvedBy: ctx.actor.name } });
  });
  return answer(ctx, id);
}

export async function dismissUnmatched({ ctx, id, reason }: { ctx: Ctx; id: string; reason: string }) {
  assertPermission(ctx, 'payments:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const d = await lockUnmatched(tx, tctx, id);
    const [after] = await tx.update(bankDeposits).set({ status: 'dismissed', dismissReason: reason, resolvedBy: ctx.actor.name, resolvedAt: ctx.now() })
      .where(eq(bankDeposits.id, d.id)).returning();
    await recordAudit(tx, tctx, { action: 'deposit.dismiss', entityType: 'bank_deposit', entityId: d.id, before: depositOut(d), after: depositOut(after) });
  });
  return answer(ctx, id);
}
