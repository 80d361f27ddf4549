/**
 * Installments on cancellation (README "Installments on cancellation", decision): when a subscription
 * with installments ends, the installments not charged yet are billed at once, on the invoice of the
 * run whose window holds its end (charge-timing.ts `ends`). A plan billed in advance may see its end
 * in two runs (the next period of one, the own period of the next): the second must not bill them
 * again. So a run tells the rater `ends` only while no earlier, non-void bill of the subscription has
 * an accelerated line (a void invoice gave them back; its re-bill charges them again).
 */
import { and, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { bills, invoices } from '../db/schema';

/** Of `ids` (subscriptions that end), those whose remaining installments an earlier bill already charged. */
export async function acceleratedAlready(db: DbOrTx, tenantId: string, periodStart: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectDistinct({ id: bills.subscriptionId }).from(bills)
    .innerJoin(invoices, and(eq(invoices.tenantId, bills.tenantId), eq(invoices.id, bills.invoiceId)))
    .where(and(eq(bills.tenantId, tenantId), inArray(bills.subscriptionId, ids), lt(bills.periodStart, periodStart), ne(invoices.status, 'void'),
      sql`${bills.lines} @> '[{"detail":{"accelerated":true}}]'::jsonb`));
  return new Set(rows.map((r) => r.id));
}
