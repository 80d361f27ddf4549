/**
 * Re-billing a payer's period after its invoice was voided (README "Re-bill after a void"): the
 * void invoice's bills are released (their rows removed, kept in the audit entry) so the period
 * is no longer "already billed" for those subscriptions, and a bill run limited to that payer,
 * same group and period as the original run, bills it again into a new draft (the next
 * `sequence`; numbered at finalize like any invoice). The void invoice itself keeps its lines.
 */
import { and, eq } from 'drizzle-orm';
import { billRuns, bills, invoices } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { conflict, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { drainJobs } from '../jobs/worker';
import { BILL_RUN_JOB, createBillRun } from './bill-run-create';
import { getBillRun } from './bill-run-queries';
import { registerBillingJobs } from './bill-run-job';

export async function rebillInvoice({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:write');
  assertPermission(ctx, 'invoices:write');
  const created = await withTransaction(ctx, async (tx, tctx) => {
    const [inv] = await tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id))).for('update');
    if (!inv) throw notFound('Invoice');
    if (inv.status !== 'void') throw conflict(`Invoice is ${inv.status}; only a void invoice can be billed again`);
    const [run] = inv.billRunId ? await tx.select().from(billRuns).where(and(eq(billRuns.tenantId, ctx.tenantId), eq(billRuns.id, inv.billRunId))) : [];
    if (!run) throw conflict('The invoice was not made by a bill run; start a bill run for its period instead');
    const released = await tx.delete(bills).where(and(eq(bills.tenantId, ctx.tenantId), eq(bills.invoiceId, id))).returning();
    if (!released.length) throw conflict('This void invoice has already been billed again');
    await recordAudit(tx, tctx, {
      action: 'invoice.rebill', entityType: 'invoice', entityId: id,
      before: { bills: released.map((b) => ({ id: b.id, subscriptionId: b.subscriptionId, periodStart: b.periodStart, periodEnd: b.periodEnd, subtotal: b.subtotal, discountTotal: b.discountTotal, lines: b.lines, segments: b.segments })) },
    });
    // The original run's period was billed for real already, so it is no open-period surprise.
    return createBillRun({ ctx: tctx, input: { groupCode: run.groupCode ?? undefined, periodStart: run.periodStart, periodEnd: run.periodEnd, billTos: [inv.billTo], allowOpenPeriod: true } });
  });
  // Inside a caller's transaction (an Idempotency-Key request) the run's jobs are not visible to
  // another connection until it commits: the worker bills it then; follow `billRun`.
  if (ctx.tx) return { billRun: created, invoiceId: null };
  registerBillingJobs();
  await drainJobs(ctx.db, { workerId: `rebill-${created.id.slice(0, 8)}`, now: ctx.now, filter: { kinds: [BILL_RUN_JOB], tenantId: ctx.tenantId, dedupeKeyPrefix: `billrun:${created.id}:` } });
  const run = await getBillRun({ ctx, id: created.id });
  const payer = run.payers?.[0];
  return { billRun: run, invoiceId: payer?.outcome === 'created' ? payer.invoiceId : null };
}
