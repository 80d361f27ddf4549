/**
 * Credit note → the render model of the PDF (render/types.ts, `kind: 'credit_note'`): the seller
 * and buyer of the invoice it credits, its own number and date, its lines, and its VAT split as
 * stored (credit-note-tax.ts). A note issued before the split was kept is shown with the split
 * worked out now from its invoice, by the same function.
 */
import { and, eq } from 'drizzle-orm';
import { creditNotes, tenants } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import { todayInZone } from '../lib/dates';
import { invoiceDocument } from './document';
import { getInvoice } from './invoices';
import { creditNoteTax } from './credit-note-tax';
import type { InvoiceDocument } from './render/types';

export async function creditNoteDocument(ctx: Ctx, id: string): Promise<InvoiceDocument> {
  assertPermission(ctx, 'invoices:read');
  const [cn] = await q(ctx).select().from(creditNotes).where(and(eq(creditNotes.tenantId, ctx.tenantId), eq(creditNotes.id, id)));
  if (!cn) throw notFound('Credit note');
  const [t] = await q(ctx).select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  const inv = await getInvoice({ ctx, id: cn.invoiceId });
  const { doc: base } = await invoiceDocument(ctx, cn.invoiceId);
  const c = cn.currency;
  const split = cn.netAmount !== null && cn.taxAmount !== null && cn.taxes
    ? { net: toMoneyString(new Decimal(cn.netAmount), c), tax: toMoneyString(new Decimal(cn.taxAmount), c), taxes: cn.taxes }
    : creditNoteTax({ total: inv.total, taxTotal: inv.taxTotal, currency: c, lines: inv.lines as unknown[] }, new Decimal(cn.amount));
  const issued = todayInZone(t?.timezone ?? 'UTC', cn.createdAt);
  const amount = toMoneyString(new Decimal(cn.amount), c);
  return {
    ...base,
    kind: 'credit_note', credits: inv.number ?? base.number, reason: cn.reason,
    number: cn.number, status: 'finalized', issueDate: issued, dueDate: issued,
    lines: cn.lines.map((l) => ({ description: l.description, kind: 'adjustment' as const, amount: l.amount })),
    subtotal: split.net, discountTotal: toMoneyString(new Decimal(0), c), taxTotal: split.tax,
    // One row per tax name, as on the invoice.
    taxes: [...split.taxes.reduce((m, x) => m.set(x.name, (m.get(x.name) ?? new Decimal(0)).plus(x.amount)), new Map<string, Decimal>())]
      .map(([name, a]) => ({ name, amount: toMoneyString(a, c) })),
    total: amount, prepaidApplied: toMoneyString(new Decimal(0), c), pointsApplied: toMoneyString(new Decimal(0), c), amountDue: amount,
    notes: cn.reason, paymentInstructions: undefined,
  };
}
