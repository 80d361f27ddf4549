/**
 * Invoices (인보이스 / 청구서). A draft may be edited (notes, due date) or voided; finalize makes
 * it immutable and gives it the next gapless number of the tenant (INV-YYYYMM-000001) from a
 * counter row locked FOR UPDATE in the same transaction, so a rolled-back finalize uses no
 * number. After that only status moves (paid, payment_failed, void); corrections are credit notes.
 * Payments (server/payments) move an issued invoice to partially_paid or paid through amountPaid.
 */
import { publishChange } from '../analytics/live';
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { anyUuid } from '../db/bulk';
import { bills, creditNotes, documentCounters, invoices, payers, tenants } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { reverseRedemptions } from '../promotions/ledger';
import { paginate } from '../lib/paginate';
import { addDays, isIsoDate } from '../lib/dates';
import { Decimal, amountProblem, toMoneyString } from '../lib/money';
import { tenantToday } from '../tenants/tenant-settings';
import { creditEarnedPoints, reverseInvoiceWallets } from '../wallets/invoice-wallets';
import { emitEvent, type EventType } from '../webhooks/emit';
import { scheduleCollection } from '../payments/collection/schedule';
import { withReasonCode } from '../rating/reasons';
import { creditNoteTax } from './credit-note-tax';
import { billToNames } from '../customers/bill-to';

type InvoiceRow = typeof invoices.$inferSelect;
export const INVOICE_STATUSES = ['draft', 'finalized', 'partially_paid', 'paid', 'payment_failed', 'void'] as const;
/** Issued and not settled: what payments may be allocated to. */
export const OPEN_INVOICE_STATUSES: InvoiceStatus[] = ['finalized', 'payment_failed', 'partially_paid'];
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const m = (s: string | null, currency: string) => (s === null ? null : toMoneyString(new Decimal(s), currency));

/**
 * What the payer still owes: nothing once paid or void; otherwise the amount due as invoiced
 * (total − prepaid − points, stored) less the credit notes and the payments allocated to it,
 * never below zero (credits beyond it are a refund matter, not a negative debt).
 */
export function outstanding(i: Pick<InvoiceRow, 'status' | 'amountDue' | 'amountPaid'>, credited: string): Decimal {
  if (i.status === 'paid' || i.status === 'void') return new Decimal(0);
  return Decimal.max(0, new Decimal(i.amountDue).minus(credited).minus(i.amountPaid));
}

/** Credited totals of some invoices (one grouped query, the ids as one array parameter however many), '0' for those without credit notes. */
export async function creditedTotals(db: Ctx['db'] | Tx, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: creditNotes.invoiceId, total: sql<string>`sum(${creditNotes.amount})::text` }).from(creditNotes)
    .where(and(eq(creditNotes.tenantId, tenantId), anyUuid(creditNotes.invoiceId, ids))).groupBy(creditNotes.invoiceId);
  return new Map(rows.map((r) => [r.id, r.total]));
}

export function invoiceSummary(i: InvoiceRow, credited = '0') {
  return {
    id: i.id, number: i.number, status: i.status as InvoiceStatus, billTo: i.billTo, payerId: i.payerId, customerId: i.customerId, billRunId: i.billRunId,
    periodStart: i.periodStart, periodEnd: i.periodEnd, currency: i.currency, sequence: i.sequence, issueDate: i.issueDate, dueDate: i.dueDate,
    subtotal: m(i.subtotal, i.currency)!, discountTotal: m(i.discountTotal, i.currency)!, taxTotal: m(i.taxTotal, i.currency)!, total: m(i.total, i.currency)!,
    prepaidApplied: m(i.prepaidApplied, i.currency)!, pointsApplied: m(i.pointsApplied, i.currency)!, amountDue: toMoneyString(outstanding(i, credited), i.currency), invoicedAmountDue: m(i.amountDue, i.currency)!,
    creditedTotal: toMoneyString(new Decimal(credited), i.currency), amountPaid: m(i.amountPaid, i.currency)!,
    notes: i.notes, finalizedAt: i.finalizedAt?.toISOString() ?? null, paidAt: i.paidAt?.toISOString() ?? null, voidedAt: i.voidedAt?.toISOString() ?? null,
    sentAt: i.sentAt?.toISOString() ?? null, sentTo: i.sentTo, createdAt: i.createdAt.toISOString(), updatedAt: i.updatedAt.toISOString(),
  };
}

export interface InvoiceListQuery { status?: InvoiceStatus; payerId?: string; billTo?: string; periodStart?: string; issuedFrom?: string; issuedTo?: string; limit: number; offset: number }

export async function listInvoices({ ctx, query }: { ctx: Ctx; query: InvoiceListQuery }) {
  assertPermission(ctx, 'invoices:read');
  const where: SQL[] = [eq(invoices.tenantId, ctx.tenantId)];
  if (query.status) where.push(eq(invoices.status, query.status));
  if (query.payerId) where.push(eq(invoices.payerId, query.payerId));
  if (query.billTo) where.push(eq(invoices.billTo, query.billTo));
  if (query.periodStart) where.push(eq(invoices.periodStart, query.periodStart));
  if (query.issuedFrom) where.push(gte(invoices.issueDate, query.issuedFrom));
  if (query.issuedTo) where.push(lte(invoices.issueDate, query.issuedTo));
  return paginate({ db: q(ctx), from: invoices, where: and(...where), orderBy: [desc(invoices.periodStart), asc(invoices.number), desc(invoices.createdAt), asc(invoices.id)], page: query,
    map: async (rows) => {
      const credited = await creditedTotals(q(ctx), ctx.tenantId, rows.map((r) => r.id));
      const names = await billToNames(q(ctx), ctx.tenantId, rows.map((r) => r.billTo));
      return rows.map((r) => ({ ...invoiceSummary(r, credited.get(r.id)), billToName: names.get(r.billTo) ?? null }));
    } });
}

async function findInvoice(db: Ctx['db'] | Tx, ctx: Ctx, id: string, lock = false) {
  const base = db.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id)));
  const [i] = lock ? await base.for('update') : await base;
  if (!i) throw notFound('Invoice');
  return i;
}

export async function getInvoice({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'invoices:read');
  const i = await findInvoice(q(ctx), ctx, id);
  const bs = await q(ctx).select().from(bills).where(and(eq(bills.tenantId, ctx.tenantId), eq(bills.invoiceId, id))).orderBy(asc(bills.subscriptionId));
  const cns = await q(ctx).select().from(creditNotes).where(and(eq(creditNotes.tenantId, ctx.tenantId), eq(creditNotes.invoiceId, id))).orderBy(asc(creditNotes.createdAt));
  const credited = cns.reduce((s, c) => s.plus(c.amount), new Decimal(0)).toString();
  return {
    ...invoiceSummary(i, credited),
    lines: i.lines, trace: traceOut(i.trace), versions: i.versions,
    bills: bs.map((b) => ({
      id: b.id, subscriptionId: b.subscriptionId, customerId: b.customerId, cycleIndex: b.cycleIndex, segments: b.segments, lines: b.lines,
      subtotal: m(b.subtotal, b.currency)!, discountTotal: m(b.discountTotal, b.currency)!, planVersions: b.planVersions, ruleVersions: b.ruleVersions, trace: traceOut(b.trace),
    })),
    creditNotes: cns.map(creditNoteOut),
  };
}

/** Stored trace entries (old ones too) with their reason as code and parameters for the console to word. */
export function traceOut(trace: unknown[]): unknown[] {
  return trace.map((e) => (e && typeof e === 'object' && typeof (e as { reason?: unknown }).reason === 'string' ? withReasonCode(e as { reason: string }) : e));
}

export function creditNoteOut(c: typeof creditNotes.$inferSelect) {
  return {
    id: c.id, number: c.number, invoiceId: c.invoiceId, currency: c.currency, lines: c.lines, amount: toMoneyString(new Decimal(c.amount), c.currency),
    netAmount: m(c.netAmount, c.currency), taxAmount: m(c.taxAmount, c.currency), taxes: c.taxes ?? null,
    reason: c.reason, createdBy: c.createdBy, createdAt: c.createdAt.toISOString(),
  };
}

/** The next number of a per-tenant counter, gapless: the row is locked until the caller's transaction ends. */
export async function nextNumber(tx: Tx, tenantId: string, kind: string): Promise<number> {
  await tx.insert(documentCounters).values({ tenantId, kind, lastNumber: 0 }).onConflictDoNothing();
  const [row] = await tx.select().from(documentCounters).where(and(eq(documentCounters.tenantId, tenantId), eq(documentCounters.kind, kind))).for('update');
  const next = row.lastNumber + 1;
  await tx.update(documentCounters).set({ lastNumber: next }).where(and(eq(documentCounters.tenantId, tenantId), eq(documentCounters.kind, kind)));
  return next;
}

/** Reserves `n` consecutive numbers at once (bulk issuing, e.g. a dunning run's late fees); returns the first. */
export async function nextNumbers(tx: Tx, tenantId: string, kind: string, n: number): Promise<number> {
  await tx.insert(documentCounters).values({ tenantId, kind, lastNumber: 0 }).onConflictDoNothing();
  const [row] = await tx.update(documentCounters).set({ lastNumber: sql`${documentCounters.lastNumber} + ${n}` })
    .where(and(eq(documentCounters.tenantId, tenantId), eq(documentCounters.kind, kind))).returning({ last: documentCounters.lastNumber });
  return row.last - n + 1;
}

const STATUS_MOVES: Record<string, { from: InvoiceStatus[]; to: InvoiceStatus; stamp: 'paidAt' | 'paymentFailedAt' | 'voidedAt' }> = {
  // A manual override ("paid outside Billwise"): it records no payment; POST /payments does.
  'mark-paid': { from: ['finalized', 'payment_failed', 'partially_paid'], to: 'paid', stamp: 'paidAt' },
  'mark-payment-failed': { from: ['finalized'], to: 'payment_failed', stamp: 'paymentFailedAt' },
  // Not from partially_paid: the money allocated to it would be owed back with nothing to show for it.
  void: { from: ['draft', 'finalized', 'payment_failed'], to: 'void', stamp: 'voidedAt' },
};

/** The webhook event each invoice action emits (server/webhooks). */
const INVOICE_EVENTS: Record<string, EventType | undefined> = {
  finalize: 'invoice.finalized', void: 'invoice.voided', 'mark-paid': 'invoice.paid', 'mark-payment-failed': 'invoice.payment_failed',
};

async function change(ctx: Ctx, id: string, action: string, fn: (tx: Tx, i: InvoiceRow, tctx: Ctx) => Promise<Partial<InvoiceRow>>,
  then?: (tx: Tx, after: InvoiceRow, tctx: Ctx) => Promise<void>) {
  assertPermission(ctx, 'invoices:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const before = await findInvoice(tx, tctx, id, true);
    const patch = await fn(tx, before, tctx);
    const [after] = await tx.update(invoices).set({ ...patch, updatedAt: ctx.now() }).where(eq(invoices.id, id)).returning();
    const credited = (await creditedTotals(tx, tctx.tenantId, [id])).get(id);
    await recordAudit(tx, tctx, { action: `invoice.${action}`, entityType: 'invoice', entityId: id, before: invoiceSummary(before, credited), after: invoiceSummary(after, credited) });
    const event = INVOICE_EVENTS[action];
    if (event) await emitEvent(tx, tctx.tenantId, event, { invoice: invoiceSummary(after, credited) });
    if (then) await then(tx, after, tctx);
    await publishChange(tx, ctx.tenantId, 'invoice');
  });
  return getInvoice({ ctx, id });
}

/** The payer's own payment terms, else the tenant's (both in days from the issue date). */
async function paymentTermsDays(tx: Tx, ctx: Ctx, i: InvoiceRow): Promise<number> {
  if (i.payerId) {
    const [p] = await tx.select({ days: payers.paymentTermsDays }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.id, i.payerId)));
    if (p?.days != null) return p.days;
  }
  const [t] = await tx.select({ days: tenants.paymentTermsDays }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  return t.days;
}

export async function finalizeInvoice({ ctx, id }: { ctx: Ctx; id: string }) {
  return change(ctx, id, 'finalize', async (tx, i, tctx) => {
    if (i.status !== 'draft') throw conflict(`Invoice is ${i.status}; only a draft can be finalized`);
    const today = await tenantToday(tx, tctx);
    const n = await nextNumber(tx, ctx.tenantId, 'invoice');
    const number = `INV-${today.slice(0, 4)}${today.slice(5, 7)}-${String(n).padStart(6, '0')}`;
    // In this transaction: a rolled-back finalize leaves no charge behind. The job decides whether
    // the payer's default method is automatic (server/payments/collection/auto-collect.ts).
    await scheduleCollection(tx, ctx.tenantId, i.id);
    // Nothing left to pay (prepaid balance and points covered it, or the total is 0): paid at once,
    // as Stripe marks a $0 invoice paid. The wallet draws are its settlement (README, "Paid by balance").
    const settled = outstanding({ ...i, status: 'finalized' }, (await creditedTotals(tx, ctx.tenantId, [i.id])).get(i.id) ?? '0').isZero();
    return { status: settled ? 'paid' : 'finalized', number, issueDate: today, dueDate: addDays(today, await paymentTermsDays(tx, tctx, i)), finalizedAt: ctx.now(),
      ...(settled ? { paidAt: ctx.now() } : {}) };
  }, async (tx, after, tctx) => {
    if (after.status !== 'paid') return;
    await creditEarnedPoints(tx, tctx, after, await tenantToday(tx, tctx));
    await recordAudit(tx, tctx, { action: 'invoice.paid_by_balance', entityType: 'invoice', entityId: after.id,
      after: { status: 'paid', prepaidApplied: after.prepaidApplied, pointsApplied: after.pointsApplied, total: after.total } });
    await emitEvent(tx, tctx.tenantId, 'invoice.paid', { invoice: invoiceSummary(after), paidBy: 'balance' });
  });
}

export async function moveInvoice({ ctx, id, action }: { ctx: Ctx; id: string; action: keyof typeof STATUS_MOVES }) {
  const mv = STATUS_MOVES[action];
  return change(ctx, id, action, async (tx, i, tctx) => {
    // An invoice that balances alone paid (no money allocated) can still be voided: its draws go back.
    const paidByBalance = action === 'void' && i.status === 'paid' && new Decimal(i.amountPaid).isZero();
    if (!mv.from.includes(i.status as InvoiceStatus) && !paidByBalance) throw conflict(`Invoice is ${i.status}; ${action} needs ${mv.from.join(' or ')}`);
    if (action === 'void') {
      // Voiding would cancel the whole amount while its credit notes still stand: credited twice.
      const credited = (await creditedTotals(tx, ctx.tenantId, [id])).get(id);
      if (credited && !new Decimal(credited).isZero()) {
        throw conflict(`Invoice ${i.number ?? i.id} has credit notes totalling ${toMoneyString(new Decimal(credited), i.currency)} and cannot be voided; credit the rest with a credit note instead`);
      }
      // The prepaid balance and points it drew go back to their wallets.
      await reverseInvoiceWallets(tx, tctx, i);
      // A void invoice gave nothing away: its coupon uses and promotion cost go back to the budget.
      const reversed = await reverseRedemptions(tx, ctx.tenantId, id);
      if (reversed.length) await recordAudit(tx, tctx, { action: 'invoice.void_redemptions_reversed', entityType: 'invoice', entityId: id, before: { redemptions: reversed } });
    }
    if (action === 'mark-paid') await creditEarnedPoints(tx, tctx, i, await tenantToday(tx, tctx));
    return { status: mv.to, [mv.stamp]: ctx.now() };
  });
}

/** Only drafts change; an issued invoice answers 409 and is corrected by a credit note. */
export async function updateDraft({ ctx, id, input }: { ctx: Ctx; id: string; input: { notes?: string | null; dueDate?: string } }) {
  return change(ctx, id, 'update', async (_tx, i) => {
    if (i.status !== 'draft') throw conflict(`Invoice ${i.number ?? i.id} is ${i.status} and cannot change; issue a credit note instead`);
    if (input.dueDate && (!isIsoDate(input.dueDate) || input.dueDate < i.issueDate)) throw invalid([{ path: 'dueDate', message: `must be a date on or after the issue date ${i.issueDate}` }]);
    return { ...(input.notes !== undefined ? { notes: input.notes } : {}), ...(input.dueDate ? { dueDate: input.dueDate } : {}) };
  });
}

/** Credit note (요금 조정) against an issued invoice; the credited total never exceeds the invoice total. */
export async function createCreditNote({ ctx, id, input }: { ctx: Ctx; id: string; input: { reason: string; lines: { description: string; amount: string }[] } }) {
  assertPermission(ctx, 'invoices:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const i = await findInvoice(tx, tctx, id, true);
    if (!['finalized', 'partially_paid', 'paid', 'payment_failed'].includes(i.status)) throw conflict(`Invoice is ${i.status}; credit notes apply to issued invoices (edit or void a draft instead)`);
    const issues = input.lines.flatMap((l, k) => {
      const problem = amountProblem(l.amount, i.currency);
      return problem ? [{ path: `lines[${k}].amount`, message: problem }] : [];
    });
    if (issues.length) throw invalid(issues);
    const amount = input.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
    const [{ done }] = await tx.select({ done: sql<string>`coalesce(sum(${creditNotes.amount}), 0)::text` }).from(creditNotes).where(and(eq(creditNotes.tenantId, ctx.tenantId), eq(creditNotes.invoiceId, id)));
    if (amount.plus(done).greaterThan(i.total)) throw invalid([{ path: 'lines', message: `credits would total ${toMoneyString(amount.plus(done), i.currency)}, more than the invoice total ${toMoneyString(new Decimal(i.total), i.currency)}` }]);
    const today = await tenantToday(tx, tctx);
    const split = creditNoteTax(i, amount);
    const n = await nextNumber(tx, ctx.tenantId, 'credit_note');
    const [cn] = await tx.insert(creditNotes).values({
      tenantId: ctx.tenantId, invoiceId: id, number: `CN-${today.slice(0, 4)}${today.slice(5, 7)}-${String(n).padStart(6, '0')}`, currency: i.currency,
      lines: input.lines.map((l) => ({ description: l.description, amount: toMoneyString(new Decimal(l.amount), i.currency) })),
      amount: amount.toString(), netAmount: split.net, taxAmount: split.tax, taxes: split.taxes, reason: input.reason, createdBy: ctx.actor.name, createdAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'invoice.credit_note', entityType: 'invoice', entityId: id, after: creditNoteOut(cn) });
    return creditNoteOut(cn);
  });
}

export async function markSent(ctx: Ctx, id: string, to: string) {
  await withTransaction(ctx, async (tx, tctx) => {
    await tx.update(invoices).set({ sentAt: ctx.now(), sentTo: to }).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id)));
    await recordAudit(tx, tctx, { action: 'invoice.send', entityType: 'invoice', entityId: id, after: { sentTo: to } });
  });
}
