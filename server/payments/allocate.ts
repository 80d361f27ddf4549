/**
 * Applies a succeeded payment to its bill-to party's open invoices (finalized, payment_failed,
 * partially_paid), explicitly or oldest due date first; what is left goes to the prepaid wallet.
 *
 * Never more than is owed, even with two payments for one invoice at the same instant: the
 * invoice rows are locked FOR UPDATE, always in id order (so two allocators never deadlock),
 * and what is owed is computed from the locked rows. The second payment waits, then sees the
 * first one's amount_paid.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { invoices, paymentAllocations, payments } from '../db/schema';
import type { Ctx } from '../lib/context';
import { invalid, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { creditedTotals, invoiceSummary, outstanding, OPEN_INVOICE_STATUSES, type InvoiceStatus } from '../invoices/invoices';
import { lockWallet, postEntry } from '../wallets/ledger';
import { creditEarnedPoints } from '../wallets/invoice-wallets';
import { tenantToday } from '../tenants/tenant-settings';
import { emitEvent } from '../webhooks/emit';

type PaymentRow = typeof payments.$inferSelect;
type InvoiceRow = typeof invoices.$inferSelect;
export interface ExplicitAllocation { invoiceId: string; amount: string }

async function lockInvoices(tx: Tx, ctx: Ctx, p: PaymentRow, ids: string[] | null): Promise<InvoiceRow[]> {
  const which = ids
    ? inArray(invoices.id, ids)
    : and(eq(invoices.billTo, p.billTo), eq(invoices.currency, p.currency), inArray(invoices.status, OPEN_INVOICE_STATUSES));
  return tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), which)).orderBy(asc(invoices.id)).for('update');
}

/** Checks an explicit allocation against the locked invoices; every problem at its field. */
function checkExplicit(p: PaymentRow, wanted: ExplicitAllocation[], byId: Map<string, InvoiceRow>, owed: Map<string, Decimal>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  let total = new Decimal(0);
  wanted.forEach((a, k) => {
    const inv = byId.get(a.invoiceId);
    if (!inv || inv.billTo !== p.billTo) return issues.push({ path: `allocations[${k}].invoiceId`, message: 'no such invoice of this payer' });
    if (seen.has(a.invoiceId)) return issues.push({ path: `allocations[${k}].invoiceId`, message: 'is allocated twice; give one amount per invoice' });
    seen.add(a.invoiceId);
    if (!OPEN_INVOICE_STATUSES.includes(inv.status as InvoiceStatus)) return issues.push({ path: `allocations[${k}].invoiceId`, message: `is ${inv.status}; payments go to finalized, partially_paid or payment_failed invoices` });
    if (inv.currency !== p.currency) return issues.push({ path: 'currency', message: `does not match the currency of invoice ${inv.number ?? inv.id} (${inv.currency})` });
    const problem = amountProblem(a.amount, p.currency);
    if (problem) return issues.push({ path: `allocations[${k}].amount`, message: problem });
    const owes = owed.get(inv.id)!;
    if (new Decimal(a.amount).greaterThan(owes)) return issues.push({ path: `allocations[${k}].amount`, message: `is more than the invoice still owes (${toMoneyString(owes, inv.currency)})` });
    total = total.plus(a.amount);
  });
  if (!issues.length && total.greaterThan(p.amount)) {
    issues.push({ path: 'allocations', message: `total ${toMoneyString(total, p.currency)}, more than the payment amount ${toMoneyString(new Decimal(p.amount), p.currency)}` });
  }
  return issues;
}

/** Allocates `p` (already inserted, succeeded) and credits the rest to the prepaid wallet. */
/** `prefer`: an invoice paid before the oldest-first order (the one an automatic charge was for). */
export async function allocatePayment(tx: Tx, ctx: Ctx, p: PaymentRow, explicit?: ExplicitAllocation[], prefer?: string) {
  const rows = await lockInvoices(tx, ctx, p, explicit ? [...new Set(explicit.map((a) => a.invoiceId))] : null);
  const credited = await creditedTotals(tx, ctx.tenantId, rows.map((r) => r.id));
  const owed = new Map(rows.map((r) => [r.id, outstanding(r, credited.get(r.id) ?? '0')]));
  const byId = new Map(rows.map((r) => [r.id, r]));

  let plan: { inv: InvoiceRow; amount: Decimal }[];
  if (explicit) {
    const issues = checkExplicit(p, explicit, byId, owed);
    if (issues.length) throw invalid(issues);
    plan = explicit.map((a) => ({ inv: byId.get(a.invoiceId)!, amount: new Decimal(a.amount) }));
  } else {
    let left = new Decimal(p.amount);
    plan = [];
    const oldestFirst = [...rows].sort((a, b) => Number(b.id === prefer) - Number(a.id === prefer) || a.dueDate.localeCompare(b.dueDate) || a.issueDate.localeCompare(b.issueDate) || (a.number ?? '').localeCompare(b.number ?? '') || a.id.localeCompare(b.id));
    for (const inv of oldestFirst) {
      const take = Decimal.min(left, owed.get(inv.id)!);
      if (take.lte(0)) continue;
      plan.push({ inv, amount: take });
      left = left.minus(take);
    }
  }

  for (const { inv, amount } of plan) {
    await tx.insert(paymentAllocations).values({ tenantId: ctx.tenantId, paymentId: p.id, invoiceId: inv.id, amount: amount.toString(), createdAt: ctx.now() });
    const paidNow = owed.get(inv.id)!.minus(amount).isZero();
    const patch = { amountPaid: new Decimal(inv.amountPaid).plus(amount).toString(), status: paidNow ? 'paid' : 'partially_paid', ...(paidNow ? { paidAt: ctx.now() } : {}), updatedAt: ctx.now() };
    await tx.update(invoices).set(patch).where(eq(invoices.id, inv.id));
    if (paidNow) {
      await creditEarnedPoints(tx, ctx, inv, await tenantToday(tx, ctx));
      await emitEvent(tx, ctx.tenantId, 'invoice.paid', { invoice: { ...invoiceSummary({ ...inv, ...patch, paidAt: ctx.now() }), amountDue: toMoneyString(new Decimal(0), inv.currency) }, paymentId: p.id });
    }
    await recordAudit(tx, ctx, { action: 'invoice.payment', entityType: 'invoice', entityId: inv.id,
      before: { status: inv.status, amountPaid: inv.amountPaid }, after: { status: patch.status, amountPaid: patch.amountPaid, paymentId: p.id, amount: amount.toString() } });
  }

  const rest = plan.reduce((s, a) => s.minus(a.amount), new Decimal(p.amount));
  if (rest.isZero()) return;
  if (p.method === 'prepaid') {
    throw invalid([{ path: 'amount', message: `is more than the open invoices owe (${toMoneyString(new Decimal(p.amount).minus(rest), p.currency)}); prepaid balance is only drawn for what is owed` }]);
  }
  const wallet = await lockWallet(tx, ctx, p, 'prepaid', p.currency);
  await postEntry(tx, ctx, wallet, { type: 'overpayment', amount: rest, paymentId: p.id, reason: 'overpayment' });
  await tx.update(payments).set({ walletCredited: rest.toString(), updatedAt: ctx.now() }).where(eq(payments.id, p.id));
}
