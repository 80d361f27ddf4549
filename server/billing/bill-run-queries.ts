/** Reading bill runs: one run with its progress, totals and payers, or the tenant's runs; and their wire form. */
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { billRunPayers, billRuns } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import { payerNotes, type PayerNote } from './payer-notes';

type Run = typeof billRuns.$inferSelect;

async function runTotals(db: DbOrTx, run: Run) {
  const rows = await db.select({
    outcome: billRunPayers.outcome, currency: billRunPayers.currency, n: sql<number>`count(*)::int`, total: sql<string | null>`sum(${billRunPayers.total})::text`, billCount: sql<number>`sum(${billRunPayers.bills})::int`,
  }).from(billRunPayers).where(eq(billRunPayers.billRunId, run.id)).groupBy(billRunPayers.outcome, billRunPayers.currency);
  const totals: Record<string, { invoices: number; total: string }> = {};
  const newTotals: Record<string, { invoices: number; total: string }> = {};
  const outcomes: Record<string, number> = {};
  const addTo = (into: typeof totals, currency: string, n: number, total: string | null) => {
    const t = into[currency] ?? { invoices: 0, total: '0' };
    t.invoices += n;
    t.total = toMoneyString(new Decimal(t.total).plus(total ?? '0'), currency);
    into[currency] = t;
  };
  for (const r of rows) {
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + Number(r.n);
    // skipped: a void invoice's payer carries its currency but no invoice of this run.
    if (r.currency && r.outcome !== 'failed' && r.outcome !== 'empty' && r.outcome !== 'skipped') addTo(totals, r.currency, Number(r.n), r.total);
    if (r.currency && (r.outcome === 'created' || r.outcome === 'dry_run')) addTo(newTotals, r.currency, Number(r.n), r.total);
  }
  return { totals, newTotals, outcomes };
}

export async function billRunOut(db: DbOrTx, run: Run, withPayers = false) {
  const { totals, newTotals, outcomes } = await runTotals(db, run);
  const out = {
    id: run.id, groupCode: run.groupCode, periodStart: run.periodStart, periodEnd: run.periodEnd, status: run.status, dryRun: run.dryRun,
    progress: {
      totalPayers: run.totalPayers, processedPayers: run.processedPayers, failedPayers: run.failedPayers,
      percent: run.totalPayers ? Math.floor((run.processedPayers * 100) / run.totalPayers) : 100,
    },
    billsCreated: run.billsCreated, invoicesCreated: run.invoicesCreated, outcomes,
    /** Per currency: invoices of this run's payers for the period (new or already there) and their total. */
    totals,
    /** Per currency: only the invoices this run creates (a dry run: would create), without those already there. */
    newTotals,
    error: run.error, createdBy: run.createdBy,
    createdAt: run.createdAt.toISOString(), startedAt: run.startedAt?.toISOString() ?? null, finishedAt: run.finishedAt?.toISOString() ?? null,
    payers: undefined as undefined | { billTo: string; outcome: string; invoiceId: string | null; currency: string | null; total: string | null; bills: number; error: string | null; notes: PayerNote[] }[],
  };
  if (withPayers) {
    const ps = await db.select().from(billRunPayers).where(eq(billRunPayers.billRunId, run.id)).orderBy(asc(billRunPayers.billTo)).limit(1000);
    out.payers = ps.map((p) => ({ billTo: p.billTo, outcome: p.outcome, invoiceId: p.invoiceId, currency: p.currency, total: p.total === null ? null : toMoneyString(new Decimal(p.total), p.currency ?? ''), bills: p.bills, error: p.error, notes: payerNotes(p.error) }));
  }
  return out;
}

export async function getBillRun({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:read');
  const [run] = await q(ctx).select().from(billRuns).where(and(eq(billRuns.tenantId, ctx.tenantId), eq(billRuns.id, id)));
  if (!run) throw notFound('Bill run');
  return billRunOut(q(ctx), run, true);
}

export async function listBillRuns({ ctx, query }: { ctx: Ctx; query: { limit: number; offset: number } }) {
  assertPermission(ctx, 'billing:read');
  const [{ n }] = await q(ctx).select({ n: count() }).from(billRuns).where(eq(billRuns.tenantId, ctx.tenantId));
  const rows = await q(ctx).select().from(billRuns).where(eq(billRuns.tenantId, ctx.tenantId)).orderBy(desc(billRuns.createdAt)).limit(query.limit).offset(query.offset);
  return { data: await Promise.all(rows.map((r) => billRunOut(q(ctx), r))), total: Number(n) };
}
