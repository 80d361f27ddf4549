/**
 * Writing a chunk of a bill run: rates each payer (rate-payer.ts) and stores its bills and draft
 * invoices, the promotion ledger, `bill_run_payers` rows and the run's counters in ONE
 * transaction, skipping what already exists (unique keys + ON CONFLICT DO NOTHING). The
 * `bill_run_payers` row written in that same transaction makes the progress counters exact when a
 * job is retried after a crash.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { insertRows } from '../db/bulk';
import { billRuns, couponCodes } from '../db/schema';
import { addDays } from '../lib/dates';
import { noteText } from './payer-notes';
import { Decimal } from '../lib/money';
import type { RuleDoc } from '../rating/types';
import { ratePayer, type InvoiceDraft, type PayerData, type ResolvedCoupons, type RunDocs } from './rate-payer';
import { limitedRules, PromotionBook } from './promotions';
import { resolvePresentedCodes } from '../promotions/coupons';
import { recordRedemptions } from '../promotions/ledger';
import { existingInvoices, loadSlices } from './bill-run-load';
import { drawDown, loadBalances, postInvoiceConsumption } from '../wallets/invoice-wallets';
import { loadPointsPolicies } from '../wallets/points-policy';
import { systemCtx } from '../lib/context';
import { emitEvent, hasSubscribers } from '../webhooks/emit';
import { mergeSlices, runSlices, type PayerEntry, type PayerRow } from './anniversary-slices';
import { billPendingCharges } from '../dunning/pending-charges';

/** Days from issue to due date. */
export const PAYMENT_TERMS_DAYS = 14;

type Run = typeof billRuns.$inferSelect;

/** A slice of rows in one statement (../db/bulk.ts), skipping conflicts; the `returning` column of each row inserted. */
async function bulkInsert(tx: DbOrTx, table: string, columns: readonly string[], rows: Record<string, unknown>[], returning: string): Promise<string[]> {
  const inserted = await insertRows<Record<string, string>>(tx, table, columns, rows, { onConflictDoNothing: true, returning: [returning], batch: 2000 });
  return inserted.map((r) => r[returning]);
}

const INVOICE_COLUMNS = ['id', 'tenant_id', 'bill_to', 'payer_id', 'customer_id', 'bill_run_id', 'period_start', 'period_end', 'currency', 'sequence', 'status', 'issue_date', 'due_date',
  'lines', 'subtotal', 'discount_total', 'tax_total', 'total', 'prepaid_applied', 'points_applied', 'amount_due', 'trace', 'versions', 'created_at', 'updated_at'] as const;
const BILL_COLUMNS = ['id', 'tenant_id', 'subscription_id', 'customer_id', 'bill_to', 'invoice_id', 'bill_run_id', 'period_start', 'period_end', 'cycle_index', 'currency',
  'segments', 'lines', 'subtotal', 'discount_total', 'trace', 'plan_versions', 'rule_versions', 'created_at'] as const;
const PAYER_COLUMNS = ['bill_run_id', 'bill_to', 'tenant_id', 'outcome', 'invoice_id', 'currency', 'total', 'bills', 'error', 'created_at'] as const;

const TIMING = process.env.BILL_RUN_TIMING === '1';

/**
 * Rates and stores the given payers of a run: loads the chunk in a few set-based queries, rates in
 * memory, and writes invoices, bills, redemptions, `bill_run_payers` rows and the run's counters
 * with multi-row INSERT ... ON CONFLICT DO NOTHING in ONE transaction. A crash leaves the chunk
 * either entirely written or not at all; a retried chunk finds its subscriptions billed and its
 * `bill_run_payers` rows there, so it creates and counts nothing twice.
 */
export async function processPayers(db: Db, run: Run, billTos: string[], opts: { now: () => Date; signal?: AbortSignal; holdLease?: (tx: DbOrTx) => Promise<void> }) {
  const t0 = performance.now();
  const mark = (what: string) => { if (TIMING) console.log(`[bill-run] ${billTos.length} payers ${what} ${(performance.now() - t0).toFixed(0)} ms`); };
  // A calendar run is one slice (the run's period, all payers); an anniversary run is one slice per
  // distinct subscription period due in the run month (README "Anniversary groups").
  const loaded = await loadSlices(db, await runSlices(db, run, billTos));
  mark('loaded');
  // Lost the lease while loading: another worker has this chunk now.
  opts.signal?.throwIfAborted();
  const now = opts.now();
  const rowsAt = now.toISOString();
  const needsLedger = loaded.some((l) => limitedRules(l.base.ruleDocs).length > 0 || l.data.some((d) => d.subs.some((s) => s.sub.coupons.length)));

  await db.transaction(async (tx) => {
    // First: a worker that lost the chunk's lease must not write it (server/jobs/README.md).
    if (opts.holdLease) await opts.holdLease(tx);
    // Budgets and single-use codes are shared by all chunks of all runs of the tenant: chunks that
    // can consume them are serialised by a transaction-scoped advisory lock, and read the ledger
    // only once they hold it. Runs without coupon/promotion rules and codes never take it.
    if (needsLedger && !run.dryRun) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billwise:promotions:${run.tenantId}`}))`);
    // Prepaid and points wallets of the chunk's payers, locked until the chunk is written, so what
    // the rating draws is what the ledger still holds (payments lock invoices, then the wallet).
    const wallet = await loadBalances(tx, run.tenantId, billTos, !run.dryRun);
    const pointsPolicy = await loadPointsPolicies(tx, run.tenantId);
    const walletCtx = systemCtx(db, run.tenantId, [], () => now);
    const notifyCreated = !run.dryRun && (await hasSubscribers(tx, run.tenantId, 'invoice.created'));
    const slicePayerRows: PayerRow[][] = [];
    const slicePayerOf: Map<string, PayerEntry>[] = [];
    let billsInserted = 0;
    // Each slice reads the ledger after the previous slices wrote theirs (same transaction).
    for (const { run, base, data, usage, existing, customerIds } of loaded) {
    const couponSubs = data.flatMap((d) => d.subs).filter((s) => s.sub.coupons.length);
    const limited = limitedRules(base.ruleDocs).length > 0;
    let promotions: PromotionBook | null = null;
    const coupons = new Map<string, ResolvedCoupons>();
    if (limited || couponSubs.length) {
      promotions = await PromotionBook.load(tx, run.tenantId, base.ruleDocs, customerIds);
      for (const s of couponSubs) coupons.set(s.sub.id, await resolvePresentedCodes(tx, run.tenantId, s.sub.coupons, run.periodStart));
    }
    const docs: RunDocs = { ...base, usage, ...(promotions ? { promotions } : {}), ...(coupons.size ? { coupons } : {}), balances: wallet.balances, pointsPolicy };
    /** Generated codes redeemed earlier in this chunk (the ledger counts them only when written). */
    const codeUses = new Map<string, number>();
    const nowIso = now.toISOString();
    const dueDate = addDays(run.periodEnd, PAYMENT_TERMS_DAYS);

    const payerRows: PayerRow[] = [];
    const invoiceRows: Record<(typeof INVOICE_COLUMNS)[number], unknown>[] = [];
    const pending: { d: PayerData; inv: InvoiceDraft; id: string }[] = [];
    const payerOf = new Map<string, PayerEntry>();
    for (const d of data) {
      let result;
      try {
        // Single-use generated codes: a code already redeemed earlier in this chunk may be used up.
        for (const s of d.subs) {
          const rc = coupons.get(s.sub.id);
          if (rc) await dropUsedUpCodes(tx, run.tenantId, rc, codeUses, base.ruleDocs);
        }
        result = ratePayer(d, docs);
      } catch (err) {
        payerRows.push({ billTo: d.billTo, outcome: 'failed', error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const notes = [
        ...result.skipped.map((s) => `${s.subscriptionId}: ${s.reason}`),
        ...d.subs.flatMap((s) => (coupons.get(s.sub.id)?.rejected ?? []).map((r) => noteText('couponNotApplied', { subscription: s.sub.id, code: r.code, reason: r.reason }))),
      ];
      const note = notes.length ? notes.join('; ') : null;
      if (!result.invoices.length) {
        // Nothing left to bill: already invoiced (a re-run; report that invoice so totals match), or nothing due.
        const ex = existing.get(d.billTo);
        payerRows.push(ex?.live
          ? { billTo: d.billTo, outcome: 'existing', invoiceId: ex.id, currency: ex.currency, total: ex.total, error: note }
          : ex
            // Billed, but on an invoice that was voided: not "existing"; the invoice's re-bill bills it again.
            ? { billTo: d.billTo, outcome: 'skipped', invoiceId: ex.id, currency: ex.currency, error: [note, noteText('voidInvoice', { invoice: ex.id })].filter(Boolean).join('; ') }
            : { billTo: d.billTo, outcome: result.skipped.length ? 'skipped' : 'empty', error: note });
        continue;
      }
      let total = new Decimal(0);
      const entry = { row: { billTo: d.billTo, outcome: run.dryRun ? 'dry_run' : 'created', invoiceId: null as string | null, currency: result.invoices[0].currency, total: '0', bills: result.invoices.reduce((n, i) => n + i.bills.length, 0), error: note } as PayerRow, created: { bills: 0, invoices: 0 }, invoiceIds: [] as string[] };
      for (const inv of result.invoices) {
        total = total.plus(inv.total);
        drawDown(wallet.balances, d.billTo, inv);
        for (const [, code] of inv.presentedCodes) codeUses.set(code, (codeUses.get(code) ?? 0) + 1);
        if (run.dryRun) continue;
        const id = randomUUID();
        entry.invoiceIds.push(id);
        // Subscriptions not on the payer's invoice for this period yet (added or completed after
        // it was made) go on a supplementary invoice with the next sequence, never dropped.
        const ex = existing.get(d.billTo);
        const sequence = (ex?.lastSequence.get(inv.currency) ?? 0) + 1;
        if (sequence > 1) {
          const why = noteText(ex?.byCurrency.has(inv.currency) ? 'supplementary' : 'replacesVoid', { sequence });
          entry.row.error = [entry.row.error, why].filter(Boolean).join('; ');
        }
        invoiceRows.push({
          id, tenant_id: run.tenantId, bill_to: d.billTo, payer_id: d.payerId, customer_id: d.payerId ? null : d.billTo, bill_run_id: run.id,
          period_start: run.periodStart, period_end: run.periodEnd, currency: inv.currency, sequence, status: 'draft',
          issue_date: run.periodEnd, due_date: dueDate,
          lines: inv.lines, subtotal: inv.subtotal, discount_total: inv.discountTotal, tax_total: inv.taxTotal, total: inv.total,
          prepaid_applied: inv.prepaidApplied, points_applied: inv.pointsApplied, amount_due: inv.amountDue, trace: inv.trace, versions: inv.versions,
          created_at: nowIso, updated_at: nowIso,
        });
        pending.push({ d, inv, id });
      }
      entry.row.total = total.toString();
      payerOf.set(d.billTo, entry);
      payerRows.push(entry.row);
    }

    mark('rated');
    // Invoices: the ones that already exist (a concurrent or earlier run) are left alone and reported.
    const createdIds = new Set(await bulkInsert(tx, 'invoices', INVOICE_COLUMNS, invoiceRows, 'id'));
    mark('invoices');
    // Late fees waiting for the party's next invoice (server/dunning/pending-charges.ts) become its lines.
    const charged = await billPendingCharges(tx, run.tenantId, pending.filter((p) => createdIds.has(p.id)).map((p) => ({ id: p.id, billTo: p.d.billTo, currency: p.inv.currency })), new Date(nowIso));
    const plusFees = (id: string, amount: string) => (charged.has(id) ? new Decimal(amount).plus(charged.get(id)!.amount).toString() : amount);
    const conflicted = pending.filter((p) => !createdIds.has(p.id));
    const already = conflicted.length ? await existingInvoices(tx, run, [...new Set(conflicted.map((p) => p.d.billTo))]) : new Map();
    const billRows: Record<(typeof BILL_COLUMNS)[number], unknown>[] = [];
    for (const p of pending) {
      const entry = payerOf.get(p.d.billTo)!;
      if (!createdIds.has(p.id)) {
        entry.row.outcome = entry.created.invoices ? 'created' : 'existing';
        entry.row.invoiceId ??= already.get(p.d.billTo)?.byCurrency.get(p.inv.currency) ?? null;
        continue;
      }
      if (entry.row.outcome === 'existing') entry.row.outcome = 'created';
      // The payer's total is what its invoices say, late fees added to them included.
      if (charged.has(p.id)) entry.row.total = new Decimal(entry.row.total ?? '0').plus(charged.get(p.id)!.amount).toString();
      entry.row.invoiceId ??= p.id;
      entry.created.invoices++;
      entry.created.bills += p.inv.bills.length;
      await postInvoiceConsumption(tx, walletCtx, wallet.rows, { id: p.id, billTo: p.d.billTo, payerId: p.d.payerId, ...p.inv });
      if (notifyCreated) {
        await emitEvent(tx, run.tenantId, 'invoice.created', { invoice: { id: p.id, status: 'draft', billTo: p.d.billTo, payerId: p.d.payerId, periodStart: run.periodStart, periodEnd: run.periodEnd,
          currency: p.inv.currency, total: plusFees(p.id, p.inv.total), prepaidApplied: p.inv.prepaidApplied, pointsApplied: p.inv.pointsApplied, amountDue: plusFees(p.id, p.inv.amountDue) } });
      }
      for (const b of p.inv.bills) billRows.push({
        id: randomUUID(), tenant_id: run.tenantId, subscription_id: b.subscriptionId, customer_id: b.customerId, bill_to: p.d.billTo, invoice_id: p.id, bill_run_id: run.id,
        period_start: run.periodStart, period_end: run.periodEnd, cycle_index: b.cycleIndex, currency: b.currency, segments: b.segments,
        lines: b.lines, subtotal: b.subtotal, discount_total: b.discountTotal, trace: b.trace, plan_versions: b.planVersions, rule_versions: base.ruleVersions, created_at: nowIso,
      });
      // The promotion ledger: one row per rule and invoice (several customers on one invoice: summed, first customer).
      if (p.inv.redemptionRows.length) {
        const perRule = new Map<string, { customerId: string; amount: Decimal }>();
        for (const r of p.inv.redemptionRows) {
          const e = perRule.get(r.rule);
          if (e) e.amount = e.amount.plus(r.amount); else perRule.set(r.rule, { customerId: r.customerId, amount: new Decimal(r.amount) });
        }
        const byCustomer = new Map<string, { rule: string; amount: string }[]>();
        for (const [rule, e] of perRule) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), { rule, amount: e.amount.toString() }]);
        for (const [customerId, redemptions] of byCustomer) {
          await recordRedemptions(tx, { tenantId: run.tenantId, invoiceId: p.id, customerId, currency: p.inv.currency, periodStart: run.periodStart, redemptions, presentedCodes: p.inv.presentedCodes });
        }
      }
    }
    // A bill that already exists (a subscription billed since the chunk was loaded) is not counted.
    billsInserted += (await bulkInsert(tx, 'bills', BILL_COLUMNS, billRows, 'id')).length;
    slicePayerRows.push(payerRows);
    slicePayerOf.push(payerOf);
    }

    mark('bills');
    const { payerRows, payerOf } = mergeSlices(slicePayerRows, slicePayerOf, billTos);
    // One row per payer and run; the primary key makes the counters exact after a crash + retry.
    const counted = new Set(await bulkInsert(tx, 'bill_run_payers', PAYER_COLUMNS, payerRows.map((r) => ({
      bill_run_id: run.id, bill_to: r.billTo, tenant_id: run.tenantId, outcome: r.outcome, invoice_id: r.invoiceId ?? null, currency: r.currency ?? null,
      total: r.total ?? null, bills: r.bills ?? 0, error: r.error ?? null, created_at: rowsAt,
    })), 'bill_to'));
    mark('written');
    if (!counted.size) return;
    let failed = 0, nBills = 0, nInvoices = 0;
    for (const r of payerRows) {
      if (!counted.has(r.billTo)) continue;
      if (r.outcome === 'failed') failed++;
      const c = payerOf.get(r.billTo)?.created;
      if (c) { nBills += c.bills; nInvoices += c.invoices; }
    }
    nBills = Math.min(nBills, billsInserted);
    // The run's counters once per chunk; the chunk that processes the last payer completes the run.
    const done = sql`${billRuns.processedPayers} + ${counted.size} >= ${billRuns.totalPayers} and ${billRuns.status} <> 'failed'`;
    await tx.update(billRuns).set({
      processedPayers: sql`${billRuns.processedPayers} + ${counted.size}`, failedPayers: sql`${billRuns.failedPayers} + ${failed}`,
      billsCreated: sql`${billRuns.billsCreated} + ${nBills}`, invoicesCreated: sql`${billRuns.invoicesCreated} + ${nInvoices}`,
      status: sql`case when ${done} then 'completed' else ${billRuns.status} end`,
      finishedAt: sql`case when ${done} then ${now.toISOString()}::timestamptz else ${billRuns.finishedAt} end`,
    }).where(eq(billRuns.id, run.id));
  });
}

/**
 * A generated code presented by several customers of one chunk: the ledger counts its uses only
 * when written, so a code whose limit the chunk has already reached is taken out here.
 */
async function dropUsedUpCodes(tx: DbOrTx, tenantId: string, rc: ResolvedCoupons, codeUses: Map<string, number>, rules: RuleDoc[]) {
  for (const [rule, code] of [...rc.byRule]) {
    const used = codeUses.get(code);
    if (!used) continue;
    const [row] = await tx.select({ max: couponCodes.maxRedemptions, redeemed: couponCodes.redeemed }).from(couponCodes)
      .where(and(eq(couponCodes.tenantId, tenantId), eq(couponCodes.code, code)));
    if (!row || row.max === null || row.redeemed + used < row.max) continue;
    const campaign = (rules.find((r) => r.id === rule)?.event.params as { code?: string } | undefined)?.code;
    rc.byRule.delete(rule);
    const i = campaign ? rc.codes.indexOf(campaign) : -1;
    if (i >= 0) rc.codes.splice(i, 1);
    rc.rejected.push({ code, reason: 'already used up' });
  }
}
