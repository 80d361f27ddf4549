/**
 * Anniversary slicing: a chunk of an anniversary group's run is rated as one slice per distinct
 * subscription period due in the run month, and the slices' per-payer results are merged back
 * into one `bill_run_payers` row per payer (README "Anniversary groups").
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { billRunPayers, billRuns, subscriptions } from '../db/schema';
import { Decimal } from '../lib/money';
import { anniversaryDue } from './rate-payer';
import { billingGroupOf } from './bill-run-groups';
import { customersOf, type Slice } from './bill-run-load';

type Run = typeof billRuns.$inferSelect;

/** A payer's outcome in a run, as stored in `bill_run_payers`. */
export type PayerRow = Omit<typeof billRunPayers.$inferInsert, 'billRunId' | 'tenantId'>;

/**
 * Calendar group (or no group): one slice, the run's period for all payers. Anniversary group: per
 * subscription, its own monthly period whose last day falls in the run month (`anniversaryDue`),
 * grouped by period; each slice is rated and stored as if it were a run of that period (bills and
 * invoices keyed by the subscription's period start), within the chunk's one write transaction.
 */
export async function runSlices(db: DbOrTx, run: Run, billTos: string[]): Promise<Slice[]> {
  if (!run.groupCode || (await billingGroupOf(db, run.tenantId, run.groupCode)).mode !== 'anniversary') return [{ run, billTos }];
  const cs = await customersOf(db, run.tenantId, billTos);
  const subs = cs.length ? await db.select({ id: subscriptions.id, customerId: subscriptions.customerId, startDate: subscriptions.startDate }).from(subscriptions).where(and(
    eq(subscriptions.tenantId, run.tenantId), inArray(subscriptions.customerId, cs.map((c) => c.id)), eq(subscriptions.billingGroup, run.groupCode!),
  )) : [];
  const billToOf = new Map(cs.map((c) => [c.id, c.payerId ?? c.id]));
  const byStart = new Map<string, { run: Run; billTos: Set<string>; only: Set<string> }>();
  for (const s of subs) {
    const p = anniversaryDue(s.startDate, { start: run.periodStart, end: run.periodEnd });
    if (!p) continue;
    const e = byStart.get(p.start) ?? { run: { ...run, periodStart: p.start, periodEnd: p.end }, billTos: new Set<string>(), only: new Set<string>() };
    e.billTos.add(billToOf.get(s.customerId)!);
    e.only.add(s.id);
    byStart.set(p.start, e);
  }
  return [...byStart.values()].sort((a, b) => (a.run.periodStart < b.run.periodStart ? -1 : 1))
    .map((e) => ({ run: e.run, billTos: billTos.filter((b) => e.billTos.has(b)), only: e.only }));
}

const OUTCOME_RANK: Record<string, number> = { failed: 5, created: 4, dry_run: 3, existing: 2, skipped: 1, empty: 0 };
export type PayerEntry = { row: PayerRow; created: { bills: number; invoices: number }; invoiceIds: string[] };

/**
 * One `bill_run_payers` row per payer and run: a single slice is taken as is; several slices (an
 * anniversary run) merge per payer (strongest outcome, summed totals and bills, first invoice),
 * and payers with nothing due in the run month are `empty`.
 */
export function mergeSlices(rows: PayerRow[][], entries: Map<string, PayerEntry>[], billTos: string[]): { payerRows: PayerRow[]; payerOf: Map<string, PayerEntry> } {
  if (rows.length === 1) return { payerRows: rows[0], payerOf: entries[0] };
  const merged = new Map<string, PayerRow>();
  for (const r of rows.flat()) {
    const m = merged.get(r.billTo);
    if (!m) { merged.set(r.billTo, { ...r }); continue; }
    if ((OUTCOME_RANK[r.outcome] ?? 0) > (OUTCOME_RANK[m.outcome] ?? 0)) m.outcome = r.outcome;
    m.invoiceId ??= r.invoiceId ?? null;
    m.currency ??= r.currency ?? null;
    if (r.total != null) m.total = m.total == null ? r.total : new Decimal(m.total).plus(r.total).toString();
    m.bills = (m.bills ?? 0) + (r.bills ?? 0);
    m.error = [m.error, r.error].filter(Boolean).join('; ') || null;
  }
  const payerOf = new Map<string, PayerEntry>();
  for (const e of entries) for (const [b, x] of e) {
    const m = payerOf.get(b);
    if (!m) payerOf.set(b, { row: merged.get(b)!, created: { ...x.created }, invoiceIds: [...x.invoiceIds] });
    else { m.created.bills += x.created.bills; m.created.invoices += x.created.invoices; m.invoiceIds.push(...x.invoiceIds); }
  }
  return { payerRows: billTos.map((b) => merged.get(b) ?? { billTo: b, outcome: 'empty' }), payerOf };
}
