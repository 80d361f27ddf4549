/**
 * Invoice → the render model (server/invoices/render/types.ts) used by the PDF and the e-mail.
 * No billing math here beyond signs: discount amounts are already negative on stored lines.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { catalogEntries, customers, payers, subscriptions, tenants } from '../db/schema';
import { q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import type { InvoiceDocument, InvoiceLine, InvoiceLocale } from './render/types';
import { getInvoice } from './invoices';
import { localizedDescription } from './render/line-detail';
import type { LineDetail, LinePricing } from '../rating/types';

interface StoredLine { kind: InvoiceLine['kind']; description?: string; component?: string; quantity?: string; amount: string; rule?: string; name?: string; subscriptionId?: string; planCode?: string; segment?: { startDate: string; endDate: string }; detail?: LineDetail; pricing?: LinePricing; coupon?: string }

export async function invoiceDocument(ctx: Ctx, id: string): Promise<{ doc: InvoiceDocument; email: string | null }> {
  const inv = await getInvoice({ ctx, id });
  const [t] = await q(ctx).select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!t) throw notFound('Tenant');
  let buyer: InvoiceDocument['buyer'] = { name: '' };
  let email: string | null = null;
  const [customer] = await q(ctx).select().from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, inv.customerId ?? inv.billTo)));
  if (inv.payerId) {
    const [p] = await q(ctx).select().from(payers).where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.id, inv.payerId)));
    const [first] = await q(ctx).select().from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.payerId, inv.payerId))).limit(1);
    buyer = { name: first?.name ?? p?.name ?? '', customerType: first?.type, businessNumber: first?.businessRegNo ?? undefined, taxId: first?.taxId ?? undefined, email: p?.email ?? first?.email ?? undefined, payerName: p?.name };
    email = p?.email ?? first?.email ?? null;
  } else if (customer) {
    buyer = { name: customer.name, customerType: customer.type, businessNumber: customer.businessRegNo ?? undefined, taxId: customer.taxId ?? undefined, email: customer.email ?? undefined };
    email = customer.email;
  }
  const lines = inv.lines as StoredLine[];
  const subIds = [...new Set(lines.map((l) => l.subscriptionId).filter((x): x is string => !!x))];
  const subs = subIds.length ? await q(ctx).select({ id: subscriptions.id, planCode: subscriptions.planCode }).from(subscriptions).where(and(eq(subscriptions.tenantId, ctx.tenantId), inArray(subscriptions.id, subIds))) : [];
  const subLabel = new Map(subs.map((s) => [s.id, s.planCode]));
  // A discount line says the rule that gave it (its name as the catalog shows it), not the component it discounts.
  const ruleCodes = [...new Set(lines.filter((l) => l.kind === 'discount' && !l.description && l.rule).map((l) => l.rule!))];
  const ruleNames = new Map(ruleCodes.length ? (await q(ctx).select({ code: catalogEntries.code, name: catalogEntries.name }).from(catalogEntries)
    .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, 'rule'), inArray(catalogEntries.code, ruleCodes)))).map((r) => [r.code, r.name]) : []);
  const fallback = (l: StoredLine) => (l.kind === 'discount' && l.rule ? ruleNames.get(l.rule) ?? l.rule : l.component ?? l.kind);
  const taxes = new Map<string, Decimal>();
  for (const l of lines) if (l.kind === 'tax') taxes.set(l.name ?? l.rule ?? 'tax', (taxes.get(l.name ?? l.rule ?? 'tax') ?? new Decimal(0)).plus(l.amount));
  const locale = (t.locale === 'en' ? 'en' : 'ko') as InvoiceLocale;
  const doc: InvoiceDocument = {
    number: inv.number ?? `DRAFT-${inv.id.slice(0, 8)}`,
    status: inv.status, locale, currency: inv.currency,
    issueDate: inv.issueDate, dueDate: inv.dueDate, period: { start: inv.periodStart, end: inv.periodEnd },
    seller: { name: t.name, ...(t.businessRegNo ? { businessNumber: t.businessRegNo } : {}), ...(t.address ? { address: t.address } : {}) }, buyer,
    lines: lines.filter((l) => l.kind !== 'tax').map((l) => ({
      description: localizedDescription(l.description ?? fallback(l), l.detail, locale), subscription: l.planCode ?? (l.subscriptionId ? subLabel.get(l.subscriptionId) : undefined),
      component: l.component, kind: l.kind, quantity: l.quantity, amount: l.amount, rule: l.rule,
      // The price as rated (lines billed before prices were stored have none).
      ...(l.pricing?.unitAmount && l.pricing.model !== 'package' ? { unitAmount: l.pricing.unitAmount } : {}),
      ...(l.pricing?.tiers?.length ? { tiers: l.pricing.tiers } : {}),
      ...(l.pricing?.freeUnits ? { freeUnits: l.pricing.freeUnits } : {}),
      ...(l.coupon ? { coupon: l.coupon } : {}),
      ...(l.segment ? { period: { start: l.segment.startDate, end: l.segment.endDate } } : {}),
    })),
    subtotal: inv.subtotal, discountTotal: toMoneyString(new Decimal(inv.discountTotal).negated(), inv.currency), taxTotal: inv.taxTotal,
    taxes: [...taxes].map(([name, amount]) => ({ name, amount: toMoneyString(amount, inv.currency) })),
    total: inv.total, prepaidApplied: inv.prepaidApplied, pointsApplied: inv.pointsApplied,
    // The document shows the invoice as issued (total − prepaid − points); credit notes are their own documents.
    amountDue: inv.invoicedAmountDue,
    notes: inv.notes ?? undefined,
  };
  return { doc, email };
}
