/**
 * Applies succeeded payments to their bill-to parties' open invoices (finalized, payment_failed,
 * partially_paid), explicitly or oldest due date first; what is left goes to the prepaid wallet.
 * One payment (POST /payments, a deposit, a settled charge) or a batch of them (POST
 * /payments/batch) take the same path: the invoices of all of them are locked and read at once,
 * each payment is planned in turn against what the ones before it left owing, and the writes go
 * out together (one statement each for the allocations, the invoices and the audit rows).
 *
 * Never more than is owed, even with two payments for one invoice at the same instant: the
 * invoice rows are locked FOR UPDATE, always in id order (so two allocators never deadlock),
 * and what is owed is computed from the locked rows. The second payment waits, then sees the
 * first one's amount_paid.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { invoicePoints, invoices, payments } from '../db/schema';
import { insertRows } from '../db/bulk';
import type { Ctx } from '../lib/context';
import { invalid, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, toMoneyString } from '../lib/money';
import { recordAudits, type AuditEntry } from '../audit/record';
import { creditedTotals, invoiceSummary, outstanding, OPEN_INVOICE_STATUSES, type InvoiceStatus } from '../invoices/invoices';
import { lockWallet, postEntry } from '../wallets/ledger';
import { creditEarnedPoints } from '../wallets/invoice-wallets';
import { tenantToday } from '../tenants/tenant-settings';
import { emitEvent, hasSubscribers } from '../webhooks/emit';

type PaymentRow = typeof payments.$inferSelect;
type InvoiceRow = typeof invoices.$inferSelect;
export interface ExplicitAllocation { invoiceId: string; amount: string }

/** Checks an explicit allocation against the locked invoices; every problem at its field. */
function checkExplicit(p: PaymentRow, wanted: ExplicitAllocation[], byId: Map<string, InvoiceRow>, owed: Map<string, Decimal>, at: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  let total = new Decimal(0);
  wanted.forEach((a, k) => {
    const inv = byId.get(a.invoiceId);
    if (!inv || inv.billTo !== p.billTo) return issues.push({ path: `${at}allocations[${k}].invoiceId`, message: 'no such invoice of this payer' });
    if (seen.has(a.invoiceId)) return issues.push({ path: `${at}allocations[${k}].invoiceId`, message: 'is allocated twice; give one amount per invoice' });
    seen.add(a.invoiceId);
    if (!OPEN_INVOICE_STATUSES.includes(inv.status as InvoiceStatus)) return issues.push({ path: `${at}allocations[${k}].invoiceId`, message: `is ${inv.status}; payments go to finalized, partially_paid or payment_failed invoices` });
    if (inv.currency !== p.currency) return issues.push({ path: `${at}currency`, message: `does not match the currency of invoice ${inv.number ?? inv.id} (${inv.currency})` });
    const problem = amountProblem(a.amount, p.currency);
    if (problem) return issues.push({ path: `${at}allocations[${k}].amount`, message: problem });
    const owes = owed.get(inv.id)!;
    if (new Decimal(a.amount).greaterThan(owes)) return issues.push({ path: `${at}allocations[${k}].amount`, message: `is more than the invoice still owes (${toMoneyString(owes, inv.currency)})` });
    total = total.plus(a.amount);
  });
  if (!issues.length && total.greaterThan(p.amount)) {
    issues.push({ path: `${at}allocations`, message: `total ${toMoneyString(total, p.currency)}, more than the payment amount ${toMoneyString(new Decimal(p.amount), p.currency)}` });
  }
  return issues;
}

/** One payment to allocate; `at` prefixes the paths of its field issues (`payments[3].` in a batch). */
export interface AllocationRequest {
  p: PaymentRow;
  explicit?: ExplicitAllocation[];
  /** An invoice paid before the oldest-first order (the one an automatic charge was for). */
  prefer?: string;
  at?: string;
}

/** Allocates `p` (already inserted, succeeded) and credits the rest to the prepaid wallet. */
export async function allocatePayment(tx: Tx, ctx: Ctx, p: PaymentRow, explicit?: ExplicitAllocation[], prefer?: string) {
  await allocatePayments(tx, ctx, [{ p, explicit, prefer }]);
}

/** The invoices any of `reqs` may pay, locked in id order: the open ones of their bill-to parties and the ones named explicitly. */
async function lockInvoices(tx: Tx, ctx: Ctx, reqs: AllocationRequest[]): Promise<InvoiceRow[]> {
  const billTos = [...new Set(reqs.filter((r) => !r.explicit).map((r) => r.p.billTo))];
  const named = [...new Set(reqs.flatMap((r) => r.explicit?.map((a) => a.invoiceId) ?? []))];
  const which = or(
    billTos.length ? and(inArray(invoices.billTo, billTos), inArray(invoices.status, OPEN_INVOICE_STATUSES)) : undefined,
    named.length ? inArray(invoices.id, named) : undefined,
  );
  return tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), which)).orderBy(asc(invoices.id)).for('update');
}

const oldestFirst = (prefer: string | undefined) => (a: InvoiceRow, b: InvoiceRow) => Number(b.id === prefer) - Number(a.id === prefer)
  || a.dueDate.localeCompare(b.dueDate) || a.issueDate.localeCompare(b.issueDate) || (a.number ?? '').localeCompare(b.number ?? '') || a.id.localeCompare(b.id);

export async function allocatePayments(tx: Tx, ctx: Ctx, reqs: AllocationRequest[]) {
  if (!reqs.length) return;
  const rows = await lockInvoices(tx, ctx, reqs);
  const credited = await creditedTotals(tx, ctx.tenantId, rows.map((r) => r.id));
  // The invoices as the payments planned so far leave them: each payment sees the ones before it.
  const state = new Map(rows.map((r) => [r.id, { ...r }]));
  const owed = new Map(rows.map((r) => [r.id, outstanding(r, credited.get(r.id) ?? '0')]));
  const byBillTo = new Map<string, InvoiceRow[]>();
  for (const r of rows) if (OPEN_INVOICE_STATUSES.includes(r.status as InvoiceStatus)) byBillTo.set(r.billTo, [...(byBillTo.get(r.billTo) ?? []), r]);
  const allocations: Record<string, unknown>[] = [];
  const audits: AuditEntry[] = [];
  const paidNow: { inv: InvoiceRow; paymentId: string }[] = [];
  const rests: { p: PaymentRow; rest: Decimal }[] = [];
  const at = ctx.now();

  for (const { p, explicit, prefer, at: path = '' } of reqs) {
    let plan: { inv: InvoiceRow; amount: Decimal }[];
    if (explicit) {
      const issues = checkExplicit(p, explicit, state, owed, path);
      if (issues.length) throw invalid(issues);
      plan = explicit.map((a) => ({ inv: state.get(a.invoiceId)!, amount: new Decimal(a.amount) }));
    } else {
      let left = new Decimal(p.amount);
      plan = [];
      const mine = (byBillTo.get(p.billTo) ?? []).filter((r) => r.currency === p.currency).map((r) => state.get(r.id)!).sort(oldestFirst(prefer));
      for (const inv of mine) {
        const take = Decimal.min(left, owed.get(inv.id)!);
        if (take.lte(0)) continue;
        plan.push({ inv, amount: take });
        left = left.minus(take);
      }
    }
    for (const { inv, amount } of plan) {
      allocations.push({ tenant_id: ctx.tenantId, payment_id: p.id, invoice_id: inv.id, amount: amount.toString(), created_at: at });
      const left = owed.get(inv.id)!.minus(amount);
      owed.set(inv.id, left);
      const before = { status: inv.status, amountPaid: inv.amountPaid };
      inv.amountPaid = new Decimal(inv.amountPaid).plus(amount).toString();
      inv.status = left.isZero() ? 'paid' : 'partially_paid';
      inv.updatedAt = at;
      if (left.isZero()) {
        inv.paidAt = at;
        paidNow.push({ inv, paymentId: p.id });
      }
      audits.push({ action: 'invoice.payment', entityType: 'invoice', entityId: inv.id,
        before, after: { status: inv.status, amountPaid: inv.amountPaid, paymentId: p.id, amount: amount.toString() } });
    }
    const rest = plan.reduce((s, a) => s.minus(a.amount), new Decimal(p.amount));
    if (rest.isZero()) continue;
    if (p.method === 'prepaid') {
      throw invalid([{ path: `${path}amount`, message: `is more than the open invoices owe (${toMoneyString(new Decimal(p.amount).minus(rest), p.currency)}); prepaid balance is only drawn for what is owed` }]);
    }
    rests.push({ p, rest });
  }

  await insertRows(tx, 'payment_allocations', ALLOCATION_COLUMNS, allocations);
  const touched = [...new Set(allocations.map((a) => a.invoice_id as string))].map((id) => state.get(id)!);
  if (touched.length) {
    const values = sql.join(touched.map((i) => sql`(${i.id}::uuid, ${i.amountPaid}::numeric, ${i.status}, ${i.paidAt?.toISOString() ?? null}::timestamptz)`), sql`, `);
    await tx.execute(sql`update invoices i set amount_paid = v.amount_paid, status = v.status, paid_at = coalesce(v.paid_at, i.paid_at), updated_at = ${at.toISOString()}::timestamptz
      from (values ${values}) as v (id, amount_paid, status, paid_at) where i.id = v.id`);
  }
  if (paidNow.length) {
    const paidIds = paidNow.map((x) => x.inv.id);
    const earning = new Set((await tx.selectDistinct({ id: invoicePoints.invoiceId }).from(invoicePoints)
      .where(and(eq(invoicePoints.tenantId, ctx.tenantId), inArray(invoicePoints.invoiceId, paidIds)))).map((r) => r.id));
    const today = earning.size ? await tenantToday(tx, ctx) : '';
    for (const { inv } of paidNow) if (earning.has(inv.id)) await creditEarnedPoints(tx, ctx, inv, today);
    if (await hasSubscribers(tx, ctx.tenantId, 'invoice.paid')) {
      for (const { inv, paymentId } of paidNow) {
        await emitEvent(tx, ctx.tenantId, 'invoice.paid', { invoice: { ...invoiceSummary(inv), amountDue: toMoneyString(new Decimal(0), inv.currency) }, paymentId });
      }
    }
  }
  await recordAudits(tx, ctx, audits);

  for (const { p, rest } of rests) {
    const wallet = await lockWallet(tx, ctx, p, 'prepaid', p.currency);
    await postEntry(tx, ctx, wallet, { type: 'overpayment', amount: rest, paymentId: p.id, reason: 'overpayment' });
    await tx.update(payments).set({ walletCredited: rest.toString(), updatedAt: ctx.now() }).where(eq(payments.id, p.id));
  }
}

const ALLOCATION_COLUMNS = ['tenant_id', 'payment_id', 'invoice_id', 'amount', 'created_at'] as const;
