/**
 * Who pays: the bill-to party of invoices, payments and wallets is the payer (납부자), or the
 * customer itself when it has no payer — the same `coalesce(payer_id, id)` the bill run groups by.
 */
import { and, eq, inArray } from 'drizzle-orm';
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
  return (await findBillTos(db, ctx, [id])).get(id) ?? null;
}

/**
 * The bill-to parties among `ids` (payers, or customers paying their own invoices), in three
 * queries whatever their number; an id that is neither is absent from the map.
 */
export async function findBillTos(db: DbOrTx, ctx: Ctx, ids: string[]): Promise<Map<string, BillTo>> {
  const out = new Map<string, BillTo>();
  const wanted = [...new Set(ids)];
  if (!wanted.length) return out;
  const payerIds = new Set((await db.select({ id: payers.id }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), inArray(payers.id, wanted)))).map((p) => p.id));
  const rest = wanted.filter((id) => !payerIds.has(id));
  const currencies = new Map<string, Set<string>>(wanted.map((id) => [id, new Set<string>()]));
  const paying = new Set<string>(payerIds);
  // Two queries the indexes serve: an OR of both lists made PostgreSQL scan the table. A customer
  // by its primary key, "has no payer" checked here: with `payer_id is null` in the query, a planner
  // without statistics yet (a table just loaded) took the (tenant, payer) index and walked every
  // customer without a payer, 25-90 ms a payment at 100,000 customers.
  if (payerIds.size) {
    for (const c of await db.select({ payerId: customers.payerId, currency: customers.currency }).from(customers)
      .where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.payerId, [...payerIds])))) currencies.get(c.payerId!)!.add(c.currency);
  }
  if (rest.length) {
    for (const c of await db.select({ id: customers.id, payerId: customers.payerId, currency: customers.currency }).from(customers)
      .where(and(inArray(customers.id, rest), eq(customers.tenantId, ctx.tenantId)))) {
      if (c.payerId !== null) continue;
      paying.add(c.id);
      currencies.get(c.id)!.add(c.currency);
    }
  }
  if (!paying.size) return out;
  for (const i of await db.selectDistinct({ billTo: invoices.billTo, currency: invoices.currency }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), inArray(invoices.billTo, [...paying])))) currencies.get(i.billTo)?.add(i.currency);
  for (const id of paying) {
    const list = [...currencies.get(id)!].sort();
    out.set(id, payerIds.has(id) ? { billTo: id, payerId: id, customerId: null, currencies: list } : { billTo: id, payerId: null, customerId: id, currencies: list });
  }
  return out;
}

/** The names of bill-to parties by id (a payer's, or a customer's paying for itself), two queries whatever their number; unknown ids are absent. */
export async function billToNames(db: DbOrTx, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const p = await db.select({ id: payers.id, name: payers.name }).from(payers).where(and(eq(payers.tenantId, tenantId), inArray(payers.id, wanted)));
  const c = await db.select({ id: customers.id, name: customers.name }).from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.id, wanted)));
  return new Map([...c, ...p].map((r) => [r.id, r.name]));
}
