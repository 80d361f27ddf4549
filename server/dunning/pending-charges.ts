/**
 * Late fees "on the next invoice" (`late_fee` with `on: "next_invoice"`): the dunning step records
 * a pending charge (in the step's transaction, so once per step); the bill run that next creates an
 * invoice for the same party and currency takes every pending charge of that party as a line
 * (`rule` = the late-fee rule, untaxed, like a fee invoice) in its own write transaction, exactly
 * once: the pending → billed update under the row lock is the claim.
 *
 * Reversal (decision): a fee is for paying late, so paying the overdue invoice afterwards does not
 * waive it (as with fees on their own invoice, which stay billed). A pending charge whose source
 * invoice was voided before the bill run is reversed instead of billed (the debt it was for is
 * gone); a credit note on the fee is the way to waive one that is already billed.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/client';
import { dunningPendingCharges, invoices } from '../db/schema';
import { Decimal, toMoneyString } from '../lib/money';
import type { DunningInvoice } from './load';
import type { StepEnv, StepResult } from './steps';

export interface PendItem { src: DunningInvoice; fee: Decimal; ruleCode: string; ruleVersion: number; actionId: string }

export const feeDescription = (src: { number: string | null; id: string }) => `연체료 / Late fee: ${src.number ?? src.id}`;

/** The dunning step: one pending charge per claimed fee step, one insert. */
export async function pendLateFees(env: StepEnv, tx: Tx, items: PendItem[]): Promise<StepResult[]> {
  const rows = await tx.insert(dunningPendingCharges).values(items.map((it) => ({
    tenantId: env.ctx.tenantId, billTo: it.src.billTo, currency: it.src.currency, amount: it.fee.toString(), description: feeDescription(it.src),
    sourceInvoiceId: it.src.id, actionId: it.actionId, ruleCode: it.ruleCode, ruleVersion: it.ruleVersion, status: 'pending' as const, createdAt: env.ctx.now(),
  }))).returning({ id: dunningPendingCharges.id, actionId: dunningPendingCharges.actionId });
  const idOf = new Map(rows.map((r) => [r.actionId, r.id]));
  return items.map((it) => ({ status: 'done', result: { amount: toMoneyString(it.fee, it.src.currency), currency: it.src.currency, on: 'next_invoice', pendingChargeId: idOf.get(it.actionId)! } }));
}

export interface ChargeLine { kind: 'charge'; description: string; amount: string; rule: string; ruleVersion: number; pendingChargeId: string; sourceInvoiceId: string }

/**
 * The bill run's part, in its write transaction, for the invoices it has just created: reverses
 * pending charges of voided source invoices, claims the rest (pending → billed on the party's
 * invoice in that currency), and returns per invoice the lines and the amount to add.
 */
export async function billPendingCharges(tx: DbOrTx, tenantId: string, created: { id: string; billTo: string; currency: string }[], now: Date): Promise<Map<string, { lines: ChargeLine[]; amount: Decimal }>> {
  const out = new Map<string, { lines: ChargeLine[]; amount: Decimal }>();
  if (!created.length) return out;
  const billTos = [...new Set(created.map((c) => c.billTo))];
  const mine = and(eq(dunningPendingCharges.tenantId, tenantId), inArray(dunningPendingCharges.billTo, billTos), eq(dunningPendingCharges.status, 'pending'));
  await tx.update(dunningPendingCharges).set({ status: 'reversed', reversedReason: 'the overdue invoice was voided before the fee was billed', settledAt: now })
    .where(and(mine, inArray(dunningPendingCharges.sourceInvoiceId, tx.select({ id: invoices.id }).from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.status, 'void'))))));
  const target = new Map(created.map((c) => [`${c.billTo}|${c.currency}`, c.id]));
  const values = sql.join(created.map((c) => sql`(${c.billTo}::uuid, ${c.currency}::text, ${c.id}::uuid)`), sql`, `);
  const claimed = await tx.execute(sql`update ${dunningPendingCharges} as p set status = 'billed', invoice_id = v.invoice_id, settled_at = ${now.toISOString()}::timestamptz
    from (values ${values}) as v(bill_to, currency, invoice_id)
    where p.tenant_id = ${tenantId} and p.bill_to = v.bill_to and p.currency = v.currency and p.status = 'pending'
    returning p.id, p.bill_to, p.currency, p.amount, p.description, p.rule_code, p.rule_version, p.source_invoice_id`);
  const rows = (Array.isArray(claimed) ? claimed : (claimed as { rows: unknown[] }).rows) as { id: string; bill_to: string; currency: string; amount: string; description: string; rule_code: string; rule_version: number; source_invoice_id: string }[];
  for (const r of rows) {
    const invoiceId = target.get(`${r.bill_to}|${r.currency}`)!;
    const e = out.get(invoiceId) ?? { lines: [], amount: new Decimal(0) };
    e.lines.push({ kind: 'charge', description: r.description, amount: toMoneyString(new Decimal(r.amount), r.currency), rule: r.rule_code, ruleVersion: Number(r.rule_version), pendingChargeId: r.id, sourceInvoiceId: r.source_invoice_id });
    e.amount = e.amount.plus(r.amount);
    out.set(invoiceId, e);
  }
  for (const [id, e] of out) {
    await tx.update(invoices).set({
      lines: sql`${invoices.lines} || ${JSON.stringify(e.lines)}::jsonb`, subtotal: sql`${invoices.subtotal} + ${e.amount.toString()}::numeric`,
      total: sql`${invoices.total} + ${e.amount.toString()}::numeric`, amountDue: sql`${invoices.amountDue} + ${e.amount.toString()}::numeric`, updatedAt: now,
    }).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id)));
  }
  return out;
}
