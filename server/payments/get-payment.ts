import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { invoices, paymentAllocations, paymentRefunds, payments } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { Decimal } from '../lib/money';
import { allocationOut, paymentOut, refundOut } from './serialize';

/** Allocated totals of some payments (one grouped query), '0' for those without allocations. */
export async function allocatedTotals(db: DbOrTx, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: paymentAllocations.paymentId, total: sql<string>`sum(${paymentAllocations.amount})::text` }).from(paymentAllocations)
    .where(and(eq(paymentAllocations.tenantId, tenantId), inArray(paymentAllocations.paymentId, ids))).groupBy(paymentAllocations.paymentId);
  return new Map(rows.map((r) => [r.id, r.total]));
}

/** Payments as the list answers them: each with its allocated total (one grouped query). */
export async function paymentsOut(db: DbOrTx, tenantId: string, rows: (typeof payments.$inferSelect)[]) {
  const allocated = await allocatedTotals(db, tenantId, rows.map((r) => r.id));
  return rows.map((p) => paymentOut(p, allocated.get(p.id) ?? '0'));
}

/** A payment with its allocations (and their invoice numbers) and refunds. */
export async function getPayment({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'payments:read');
  const db = q(ctx);
  const [p] = await db.select().from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.id, id)));
  if (!p) throw notFound('Payment');
  const allocs = await db.select({ a: paymentAllocations, number: invoices.number }).from(paymentAllocations)
    .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
    .where(and(eq(paymentAllocations.tenantId, ctx.tenantId), eq(paymentAllocations.paymentId, id))).orderBy(asc(paymentAllocations.createdAt), asc(invoices.dueDate), asc(invoices.issueDate), asc(paymentAllocations.id));
  const refunds = await db.select().from(paymentRefunds).where(and(eq(paymentRefunds.tenantId, ctx.tenantId), eq(paymentRefunds.paymentId, id))).orderBy(asc(paymentRefunds.createdAt), asc(paymentRefunds.id));
  const allocated = allocs.reduce((s, r) => s.plus(r.a.amount), new Decimal(0)).toString();
  return { ...paymentOut(p, allocated), allocations: allocs.map((r) => allocationOut(r.a, p.currency, r.number)), refunds: refunds.map(refundOut) };
}
