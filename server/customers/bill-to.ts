/**
 * Who pays: the bill-to party of invoices, payments and wallets is the payer (납부자), or the
 * customer itself when it has no payer — the same `coalesce(payer_id, id)` the bill run groups by.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { customers, invoices, payers } from '../db/schema';
import type { Ctx } from '../lib/context';

export interface BillTo {
  billTo: string;
  payerId: string | null;
  customerId: string | null;
  /** What its invoices can be in: the currencies of the customers it pays for, and of the invoices it was billed (a customer may subscribe to a plan priced in another currency). */
  currencies: string[];
}

/** The bill-to party whose id is `id` (a payer, or a customer paying its own invoices), or null. */
export async function findBillTo(db: DbOrTx, ctx: Ctx, id: string): Promise<BillTo | null> {
  const [p] = await db.select({ id: payers.id }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.id, id)));
  const paid = await db.select({ id: customers.id, payerId: customers.payerId, currency: customers.currency }).from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), p ? eq(customers.payerId, id) : and(eq(customers.id, id), isNull(customers.payerId))));
  if (!p && !paid.length) return null;
  const billed = await db.selectDistinct({ currency: invoices.currency }).from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.billTo, id)));
  const currencies = [...new Set([...paid.map((c) => c.currency), ...billed.map((i) => i.currency)])].sort();
  return p ? { billTo: id, payerId: id, customerId: null, currencies } : { billTo: id, payerId: null, customerId: id, currencies };
}
