/**
 * What the daily run reads, set-based: the overdue invoices with what each still owes, and per
 * chunk of them their customers, payers, last declines, steps taken and manual controls.
 */
import { and, asc, desc, eq, inArray, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { anyUuid } from '../db/bulk';
import { customers, dunningActions, dunningControls, invoices, payers, payments } from '../db/schema';
import { Decimal } from '../lib/money';
import { latestChurnFacts, type ChurnFacts } from '../churn/facts';
import { creditedTotals, outstanding, OPEN_INVOICE_STATUSES } from '../invoices/invoices';

export type InvoiceRow = typeof invoices.$inferSelect;
export type CustomerRow = typeof customers.$inferSelect;
export type ActionRow = typeof dunningActions.$inferSelect;
export interface Overdue { inv: InvoiceRow; owed: Decimal }

const CHUNK = 500;

/** Issued, unpaid invoices whose due date is before `today`, oldest due first, with what each still owes (> 0). */
export async function loadOverdue(db: DbOrTx, tenantId: string, today: string): Promise<Overdue[]> {
  const rows = await db.select().from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), inArray(invoices.status, OPEN_INVOICE_STATUSES), lt(invoices.dueDate, today)))
    .orderBy(asc(invoices.dueDate), asc(invoices.id));
  const out: Overdue[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const credited = await creditedTotals(db, tenantId, part.map((r) => r.id));
    for (const inv of part) {
      const owed = outstanding(inv, credited.get(inv.id) ?? '0');
      if (owed.greaterThan(0)) out.push({ inv, owed });
    }
  }
  return out;
}

export interface ChunkData {
  /** billTo → the customers it stands for. */
  customersOf: Map<string, CustomerRow[]>;
  payerOf: Map<string, typeof payers.$inferSelect>;
  lastDecline: Map<string, string | null>;
  actionsOf: Map<string, ActionRow[]>;
  controlOf: Map<string, typeof dunningControls.$inferSelect>;
  /** Customer id → the churn facts of its latest score of the active model (server/churn/facts.ts). */
  churnOf: Map<string, ChurnFacts>;
}

export async function loadChunk(db: DbOrTx, tenantId: string, part: Overdue[]): Promise<ChunkData> {
  const billTos = [...new Set(part.map((o) => o.inv.billTo))];
  const ids = part.map((o) => o.inv.id);
  const [custs, pays, declines, acts, ctls] = await Promise.all([
    db.select().from(customers).where(and(eq(customers.tenantId, tenantId), or(anyUuid(customers.payerId, billTos), anyUuid(customers.id, billTos)))).orderBy(asc(customers.createdAt), asc(customers.id)),
    db.select().from(payers).where(and(eq(payers.tenantId, tenantId), anyUuid(payers.id, billTos))),
    db.select({ billTo: payments.billTo, code: payments.declineCode }).from(payments)
      .where(and(eq(payments.tenantId, tenantId), anyUuid(payments.billTo, billTos), eq(payments.status, 'failed'))).orderBy(desc(payments.createdAt)),
    db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, tenantId), anyUuid(dunningActions.invoiceId, ids))).orderBy(asc(dunningActions.step)),
    db.select().from(dunningControls).where(and(eq(dunningControls.tenantId, tenantId), anyUuid(dunningControls.invoiceId, ids))),
  ]);
  const churnOf = await latestChurnFacts(db, tenantId, custs.map((c) => c.id));
  const customersOf = new Map<string, CustomerRow[]>();
  const billToSet = new Set(billTos);
  for (const c of custs) {
    const key = c.payerId ?? c.id;
    if (!billToSet.has(key)) continue;
    customersOf.set(key, [...(customersOf.get(key) ?? []), c]);
  }
  const lastDecline = new Map<string, string | null>();
  for (const d of declines) if (!lastDecline.has(d.billTo)) lastDecline.set(d.billTo, d.code);
  const actionsOf = new Map<string, ActionRow[]>();
  for (const a of acts) actionsOf.set(a.invoiceId, [...(actionsOf.get(a.invoiceId) ?? []), a]);
  return { customersOf, payerOf: new Map(pays.map((p) => [p.id, p])), lastDecline, actionsOf, controlOf: new Map(ctls.map((c) => [c.invoiceId, c])), churnOf };
}
