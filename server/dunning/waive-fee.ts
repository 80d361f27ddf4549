/**
 * Pending late fees (`late_fee` with `on: next_invoice`, pending-charges.ts) as people see them,
 * and waiving one by hand before it is billed: `pending` → `waived` with the reason, under the
 * row lock the bill run's claim also takes, so a fee is either billed or waived, never both.
 * Audited (`dunning.fee_waived`) and written on the source invoice's timeline (`waived`, by whom
 * and why). A billed fee is waived with a credit note on the invoice that carries it instead.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { dunningPendingCharges, dunningTimeline, invoices } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, notFound } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { todayInZone } from '../lib/dates';
import { tenantSettings } from '../tenants/tenant-settings';
import { dunningReasonText } from './reasons';

type ChargeRow = typeof dunningPendingCharges.$inferSelect;

export function pendingChargeOut(r: ChargeRow, sourceNumber?: string | null, invoiceNumber?: string | null) {
  return {
    id: r.id, billTo: r.billTo, currency: r.currency, amount: toMoneyString(new Decimal(r.amount), r.currency), description: r.description,
    sourceInvoiceId: r.sourceInvoiceId, sourceInvoiceNumber: sourceNumber ?? null, ruleCode: r.ruleCode, ruleVersion: r.ruleVersion, status: r.status,
    invoiceId: r.invoiceId, invoiceNumber: invoiceNumber ?? null, reason: r.reversedReason, createdAt: r.createdAt.toISOString(), settledAt: r.settledAt?.toISOString() ?? null,
  };
}

/** Late fees waiting for (or taken by, waived from, reversed off) the next invoice: of one overdue invoice, of one party, or all. */
export async function listPendingCharges({ ctx, query }: { ctx: Ctx; query: { sourceInvoiceId?: string; billTo?: string; status?: ChargeRow['status'] } }) {
  assertPermission(ctx, 'dunning:read');
  const where: SQL[] = [eq(dunningPendingCharges.tenantId, ctx.tenantId)];
  if (query.sourceInvoiceId) where.push(eq(dunningPendingCharges.sourceInvoiceId, query.sourceInvoiceId));
  if (query.billTo) where.push(eq(dunningPendingCharges.billTo, query.billTo));
  if (query.status) where.push(eq(dunningPendingCharges.status, query.status));
  const rows = await q(ctx).select().from(dunningPendingCharges).where(and(...where)).orderBy(desc(dunningPendingCharges.createdAt), desc(dunningPendingCharges.id)).limit(500);
  const numbers = new Map<string, string | null>();
  const ids = [...new Set(rows.flatMap((r) => [r.sourceInvoiceId, ...(r.invoiceId ? [r.invoiceId] : [])]))];
  for (const id of ids) {
    const [i] = await q(ctx).select({ number: invoices.number }).from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id)));
    numbers.set(id, i?.number ?? null);
  }
  return { data: rows.map((r) => pendingChargeOut(r, numbers.get(r.sourceInvoiceId), r.invoiceId ? numbers.get(r.invoiceId) : null)) };
}

export async function waivePendingCharge({ ctx, id, reason }: { ctx: Ctx; id: string; reason: string }) {
  assertPermission(ctx, 'dunning:write');
  const today = todayInZone((await tenantSettings(ctx.db, ctx.tenantId)).timezone, ctx.now());
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(dunningPendingCharges).where(and(eq(dunningPendingCharges.tenantId, ctx.tenantId), eq(dunningPendingCharges.id, id))).for('update');
    if (!before) throw notFound('Pending charge');
    if (before.status !== 'pending') throw conflict(`The fee is ${before.status}; only a pending fee can be waived (a billed one is credited on its invoice)`, [{ path: 'id', message: `is ${before.status}` }]);
    const [after] = await tx.update(dunningPendingCharges).set({ status: 'waived', reversedReason: reason, settledAt: ctx.now() }).where(eq(dunningPendingCharges.id, id)).returning();
    const amount = toMoneyString(new Decimal(before.amount), before.currency);
    await tx.insert(dunningTimeline).values({ tenantId: ctx.tenantId, invoiceId: before.sourceInvoiceId, runDate: today, ruleCode: before.ruleCode, ruleVersion: before.ruleVersion,
      action: 'late_fee', decision: 'waived', reason: dunningReasonText('feeWaived', { amount, by: ctx.actor.name, reason }),
      facts: { pendingChargeId: id, amount, currency: before.currency }, createdAt: ctx.now() });
    await recordAudit(tx, tctx, { action: 'dunning.fee_waived', entityType: 'invoice', entityId: before.sourceInvoiceId, before: pendingChargeOut(before), after: pendingChargeOut(after) });
    return pendingChargeOut(after);
  });
}
