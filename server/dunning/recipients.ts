/**
 * Who a group of reminders goes to, read set-based (two queries for any number of invoices): the
 * same name and address the invoice document uses (server/invoices/document.ts): a payer's own
 * e-mail, else its first customer's; a customer paying its own invoices, its own.
 */
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { customers, payers, tenants } from '../db/schema';
import type { InvoiceLocale } from '../invoices/render/types';
import type { DunningInvoice } from './load';

export interface Recipient { name: string; email: string | null }
export interface Sender { name: string; locale: InvoiceLocale }

/** The tenant as the reminder's sender, read once per run; its language is the documents' language. */
export async function reminderSender(db: DbOrTx, tenantId: string): Promise<Sender> {
  const [t] = await db.select({ name: tenants.name, locale: tenants.locale }).from(tenants).where(eq(tenants.id, tenantId));
  return { name: t?.name ?? '', locale: t?.locale === 'en' ? 'en' : 'ko' };
}

export async function reminderRecipients(db: DbOrTx, tenantId: string, invs: Pick<DunningInvoice, 'id' | 'billTo' | 'payerId' | 'customerId'>[]): Promise<Map<string, Recipient>> {
  const payerIds = [...new Set(invs.map((i) => i.payerId).filter((x): x is string => !!x))];
  const customerIds = [...new Set(invs.filter((i) => !i.payerId).map((i) => i.customerId ?? i.billTo))];
  const [pays, custs] = await Promise.all([
    payerIds.length ? db.select({ id: payers.id, name: payers.name, email: payers.email }).from(payers).where(and(eq(payers.tenantId, tenantId), inArray(payers.id, payerIds))) : [],
    db.select({ id: customers.id, payerId: customers.payerId, name: customers.name, email: customers.email }).from(customers)
      .where(and(eq(customers.tenantId, tenantId), or(...(customerIds.length ? [inArray(customers.id, customerIds)] : []), ...(payerIds.length ? [inArray(customers.payerId, payerIds)] : []))))
      .orderBy(asc(customers.createdAt), asc(customers.id)),
  ]);
  const payer = new Map(pays.map((p) => [p.id, p]));
  const byId = new Map(custs.map((c) => [c.id, c]));
  const firstOf = new Map<string, (typeof custs)[number]>();
  for (const c of custs) if (c.payerId && !firstOf.has(c.payerId)) firstOf.set(c.payerId, c);
  const out = new Map<string, Recipient>();
  for (const inv of invs) {
    if (inv.payerId) {
      const p = payer.get(inv.payerId);
      const first = firstOf.get(inv.payerId);
      out.set(inv.id, { name: first?.name ?? p?.name ?? '', email: p?.email ?? first?.email ?? null });
    } else {
      const c = byId.get(inv.customerId ?? inv.billTo);
      out.set(inv.id, { name: c?.name ?? '', email: c?.email ?? null });
    }
  }
  return out;
}
