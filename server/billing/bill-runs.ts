/**
 * Bill runs (정기 청구 작업). Creating a run finds the payers with subscriptions active in the
 * period and enqueues one job per chunk of payers; the worker rates each payer (rate-payer.ts)
 * and stores its bills and draft invoice in ONE transaction, skipping what already exists
 * (unique keys + ON CONFLICT DO NOTHING). A `bill_run_payers` row written in that same
 * transaction makes the progress counters exact when a job is retried after a crash.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { billRunGroups, billRunPayers, billRuns, bills, couponCodes, customers, invoices, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { addDays, addInterval, isIsoDate } from '../lib/dates';
import { Decimal } from '../lib/money';
import { resolveAt } from '../catalog/versions';
import { prepareRules } from '../rating';
import type { PlanDoc, RuleDoc } from '../rating/types';
import { enqueue, type Job } from '../jobs/queue';
import { registerJobKind, type JobKind, type JobRunEnv } from '../jobs/registry';
import { drainJobs } from '../jobs/worker';
import { periodContaining } from '../subscriptions/common';
import { tenantSettings, tenantToday } from '../tenants/tenant-settings';
import { loadUsage, type UsageBook } from './usage';
import { anniversaryDue, ratePayer, type InvoiceDraft, type PayerData, type ResolvedCoupons, type RunDocs } from './rate-payer';
import { limitedRules, PromotionBook } from './promotions';
import { resolvePresentedCodes } from '../promotions/coupons';
import { recordRedemptions } from '../promotions/ledger';

export const BILL_RUN_JOB = 'bill_run.chunk';
export const DEFAULT_CHUNK = Number(process.env.BILL_RUN_CHUNK ?? 500);
/** Days from issue to due date. */
export const PAYMENT_TERMS_DAYS = 14;

type Run = typeof billRuns.$inferSelect;

export interface BillRunInput { groupCode?: string; periodStart?: string; periodEnd?: string; dryRun?: boolean; chunkSize?: number }

/** The bill-to key of a customer: its payer, or itself when it pays its own invoices. */
const billToSql = sql<string>`coalesce(${customers.payerId}, ${customers.id})`;

async function runTotals(db: DbOrTx, run: Run) {
  const rows = await db.select({
    outcome: billRunPayers.outcome, currency: billRunPayers.currency, n: sql<number>`count(*)::int`, total: sql<string | null>`sum(${billRunPayers.total})::text`, billCount: sql<number>`sum(${billRunPayers.bills})::int`,
  }).from(billRunPayers).where(eq(billRunPayers.billRunId, run.id)).groupBy(billRunPayers.outcome, billRunPayers.currency);
  const totals: Record<string, { invoices: number; total: string }> = {};
  const outcomes: Record<string, number> = {};
  for (const r of rows) {
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + Number(r.n);
    if (r.currency && r.outcome !== 'failed' && r.outcome !== 'empty') {
      const t = totals[r.currency] ?? { invoices: 0, total: '0' };
      t.invoices += Number(r.n);
      t.total = new Decimal(t.total).plus(r.total ?? '0').toString();
      totals[r.currency] = t;
    }
  }
  return { totals, outcomes };
}

export async function billRunOut(db: DbOrTx, run: Run, withPayers = false) {
  const { totals, outcomes } = await runTotals(db, run);
  const out = {
    id: run.id, groupCode: run.groupCode, periodStart: run.periodStart, periodEnd: run.periodEnd, status: run.status, dryRun: run.dryRun,
    progress: {
      totalPayers: run.totalPayers, processedPayers: run.processedPayers, failedPayers: run.failedPayers,
      percent: run.totalPayers ? Math.floor((run.processedPayers * 100) / run.totalPayers) : 100,
    },
    billsCreated: run.billsCreated, invoicesCreated: run.invoicesCreated, outcomes,
    /** Per currency: invoices of this run's payers for the period (new or already there) and their total. */
    totals,
    error: run.error, createdBy: run.createdBy,
    createdAt: run.createdAt.toISOString(), startedAt: run.startedAt?.toISOString() ?? null, finishedAt: run.finishedAt?.toISOString() ?? null,
    payers: undefined as undefined | { billTo: string; outcome: string; invoiceId: string | null; currency: string | null; total: string | null; bills: number; error: string | null }[],
  };
  if (withPayers) {
    const ps = await db.select().from(billRunPayers).where(eq(billRunPayers.billRunId, run.id)).orderBy(asc(billRunPayers.billTo)).limit(1000);
    out.payers = ps.map((p) => ({ billTo: p.billTo, outcome: p.outcome, invoiceId: p.invoiceId, currency: p.currency, total: p.total === null ? null : new Decimal(p.total).toString(), bills: p.bills, error: p.error }));
  }
  return out;
}

/** Creates a run and its jobs; the worker does the rest. */
export async function createBillRun({ ctx, input }: { ctx: Ctx; input: BillRunInput }) {
  assertPermission(ctx, 'billing:write');
  // A previous run may have just written many bills and invoices; fresh planner statistics keep
  // this run's "already billed / already invoiced" lookups on their indexes (a re-run of a 100,000
  // subscription period otherwise scans: README "Performance"). ANALYZE samples, so it is cheap.
  if (!ctx.tx) await ctx.db.execute(sql`analyze bills, invoices, subscriptions, subscription_phases`);
  return withTransaction(ctx, async (tx, tctx) => {
    let cycleDay = 1;
    let anniversary = false;
    if (input.groupCode) {
      const [g] = await tx.select().from(billRunGroups).where(and(eq(billRunGroups.tenantId, ctx.tenantId), eq(billRunGroups.code, input.groupCode)));
      if (!g) throw invalid([{ path: 'groupCode', message: `no bill-run group "${input.groupCode}"` }]);
      // Anniversary groups run per calendar month (README "Anniversary groups").
      anniversary = g.mode === 'anniversary';
      cycleDay = anniversary ? 1 : g.cycleDay;
    }
    // Default: the latest period of the group that has ended, in the tenant's time zone.
    const start = input.periodStart ?? periodContaining(addDays(periodContaining(await tenantToday(tx, tctx), cycleDay).start, -1), cycleDay).start;
    if (!isIsoDate(start)) throw invalid([{ path: 'periodStart', message: 'must be a date YYYY-MM-DD' }]);
    if (periodContaining(start, cycleDay).start !== start) {
      throw invalid([{ path: 'periodStart', message: `must fall on the group's cycle day ${cycleDay} (periods of one group never overlap)` }]);
    }
    const end = input.periodEnd ?? addInterval(start, 'month', 1, cycleDay);
    if (!isIsoDate(end) || end <= start) throw invalid([{ path: 'periodEnd', message: 'must be a date after periodStart' }]);
    if (anniversary && end !== addInterval(start, 'month', 1, 1)) throw invalid([{ path: 'periodEnd', message: 'an anniversary run covers one calendar month; leave periodEnd out' }]);
    // Anniversary: the periods due in the run month start at the earliest in the month before.
    const from = anniversary ? addInterval(start, 'month', -1, 1) : start;

    const payerRows = await tx.selectDistinct({ billTo: billToSql }).from(subscriptions)
      .innerJoin(customers, eq(customers.id, subscriptions.customerId))
      .where(and(
        eq(subscriptions.tenantId, ctx.tenantId),
        input.groupCode ? eq(subscriptions.billingGroup, input.groupCode) : sql`${subscriptions.billingGroup} is null`,
        sql`exists (select 1 from ${subscriptionPhases} p where p.subscription_id = ${subscriptions.id} and p.start_date < ${end} and (p.end_date is null or p.end_date > ${from}))`,
      )).orderBy(billToSql);
    const billTos = payerRows.map((r) => r.billTo);
    const chunk = Math.max(1, input.chunkSize ?? DEFAULT_CHUNK);
    const now = ctx.now();
    const [run] = await tx.insert(billRuns).values({
      tenantId: ctx.tenantId, groupCode: input.groupCode ?? null, periodStart: start, periodEnd: end, dryRun: input.dryRun ?? false,
      status: billTos.length ? 'queued' : 'completed', totalPayers: billTos.length, totalJobs: Math.ceil(billTos.length / chunk),
      createdBy: ctx.actor.name, createdAt: now, finishedAt: billTos.length ? null : now,
    }).returning();
    const list = [];
    for (let i = 0, k = 0; i < billTos.length; i += chunk, k++) {
      list.push({ tenantId: ctx.tenantId, kind: BILL_RUN_JOB, payload: { billRunId: run.id, billTo: billTos.slice(i, i + chunk) }, dedupeKey: `billrun:${run.id}:${k}` });
    }
    await enqueue(tx, list);
    await recordAudit(tx, tctx, { action: 'bill_run.create', entityType: 'bill_run', entityId: run.id, after: run });
    return billRunOut(tx, run);
  });
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

// ------------------------------------------------------------------------------------ worker side

type BaseDocs = Omit<RunDocs, 'usage'> & { timezone: string; ruleDocs: RuleDoc[] };

/** Plans/rules prepared once per run and process (a bill run rates every payer with the same pack). */
const docsCache = new Map<string, BaseDocs>();

async function runDocs(db: DbOrTx, run: Run): Promise<BaseDocs> {
  const key = `${run.id}|${run.periodStart}`;
  const hit = docsCache.get(key);
  if (hit) return hit;
  const settings = await tenantSettings(db, run.tenantId);
  const [plans, plansLate, rules] = await Promise.all([
    resolveAt<PlanDoc>(db, run.tenantId, 'plan', run.periodStart),
    resolveAt<PlanDoc>(db, run.tenantId, 'plan', addDays(run.periodEnd, -1)),
    resolveAt<RuleDoc>(db, run.tenantId, 'rule', run.periodStart),
  ]);
  const ruleDocs = rules.map((r) => ({ ...r.document, version: r.document.version ?? r.version }));
  const docs: BaseDocs = {
    period: { start: run.periodStart, end: run.periodEnd }, rounding: settings.rounding, timezone: settings.timezone,
    plans: new Map(plans.map((p) => [p.code, p])), plansLate: new Map(plansLate.map((p) => [p.code, p])),
    rules: prepareRules(ruleDocs), ruleDocs,
    ruleVersions: rules.map((r) => ({ id: r.code, version: r.version })),
  };
  if (docsCache.size > 50) docsCache.clear();
  docsCache.set(key, docs);
  return docs;
}

/**
 * Customers billed to one of `billTos` (`coalesce(payer_id, id) in (...)`), as two queries that
 * the indexes serve: with an OR of two 1,000-value lists PostgreSQL scans the whole table.
 */
async function customersOf(db: DbOrTx, tenantId: string, billTos: string[]) {
  const [byPayer, own] = await Promise.all([
    db.select().from(customers).where(and(eq(customers.tenantId, tenantId), inArray(customers.payerId, billTos))),
    db.select().from(customers).where(and(eq(customers.tenantId, tenantId), isNull(customers.payerId), inArray(customers.id, billTos))),
  ]);
  return [...own, ...byPayer].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Everything the chunk's payers need, in a handful of set-based queries for the whole chunk. */
async function loadChunk(db: DbOrTx, run: Run, billTos: string[], only?: Set<string>): Promise<PayerData[]> {
  const cs = await customersOf(db, run.tenantId, billTos);
  const subs = cs.length ? await db.select().from(subscriptions).where(and(
    eq(subscriptions.tenantId, run.tenantId), inArray(subscriptions.customerId, cs.map((c) => c.id)),
    run.groupCode ? eq(subscriptions.billingGroup, run.groupCode) : sql`${subscriptions.billingGroup} is null`,
  )).orderBy(asc(subscriptions.startDate), asc(subscriptions.id)) : [];
  const ids = subs.map((s) => s.id);
  const [phases, perSub] = ids.length ? await Promise.all([
    db.select().from(subscriptionPhases).where(and(
      eq(subscriptionPhases.tenantId, run.tenantId), inArray(subscriptionPhases.subscriptionId, ids),
      lt(subscriptionPhases.startDate, run.periodEnd), sql`(${subscriptionPhases.endDate} is null or ${subscriptionPhases.endDate} > ${run.periodStart})`,
    )).orderBy(asc(subscriptionPhases.startDate)),
    // Per subscription: already billed for this period (left out: a payer change must not bill twice)
    // and bills before it (cycleIndex), in one query.
    db.select({ id: bills.subscriptionId, prior: sql<number>`count(*) filter (where ${bills.periodStart} < ${run.periodStart})::int`, billed: sql<boolean>`bool_or(${bills.periodStart} = ${run.periodStart})` })
      .from(bills).where(and(eq(bills.tenantId, run.tenantId), inArray(bills.subscriptionId, ids), sql`${bills.periodStart} <= ${run.periodStart}`)).groupBy(bills.subscriptionId),
  ]) : [[], []];
  const billedSet = new Set(perSub.filter((b) => b.billed).map((b) => b.id));
  const priorMap = new Map(perSub.map((p) => [p.id, Number(p.prior)]));
  const phasesBySub = new Map<string, typeof phases>();
  for (const p of phases) {
    const list = phasesBySub.get(p.subscriptionId);
    if (list) list.push(p); else phasesBySub.set(p.subscriptionId, [p]);
  }
  const out = new Map<string, PayerData>();
  for (const b of billTos) out.set(b, { billTo: b, payerId: null, customers: [], subs: [] });
  for (const c of cs) {
    const d = out.get(c.payerId ?? c.id)!;
    d.customers.push(c);
    d.payerId = c.payerId;
  }
  const customerBillTo = new Map(cs.map((c) => [c.id, c.payerId ?? c.id]));
  for (const s of subs) {
    const ph = phasesBySub.get(s.id);
    if (!ph?.length || billedSet.has(s.id) || (only && !only.has(s.id))) continue;
    out.get(customerBillTo.get(s.customerId)!)!.subs.push({ sub: s, phases: ph, priorBills: priorMap.get(s.id) ?? 0 });
  }
  return [...out.values()];
}

/**
 * Invoices already there for the chunk's payers and this period: the first (by currency) for
 * reports, and per currency the highest sequence, so a supplementary invoice takes the next one.
 */
async function existingInvoices(db: DbOrTx, run: Run, billTos: string[]) {
  const rows = billTos.length ? await db.select({ billTo: invoices.billTo, id: invoices.id, currency: invoices.currency, total: invoices.total, sequence: invoices.sequence }).from(invoices)
    .where(and(eq(invoices.tenantId, run.tenantId), inArray(invoices.billTo, billTos), eq(invoices.periodStart, run.periodStart))).orderBy(asc(invoices.currency), asc(invoices.sequence)) : [];
  const out = new Map<string, { id: string; currency: string; total: string; byCurrency: Map<string, string>; lastSequence: Map<string, number> }>();
  for (const r of rows) {
    const e = out.get(r.billTo) ?? { id: r.id, currency: r.currency, total: r.total, byCurrency: new Map<string, string>(), lastSequence: new Map<string, number>() };
    e.byCurrency.set(r.currency, r.id);
    e.lastSequence.set(r.currency, Math.max(e.lastSequence.get(r.currency) ?? 0, r.sequence));
    out.set(r.billTo, e);
  }
  return out;
}

type PayerRow = Omit<typeof billRunPayers.$inferInsert, 'billRunId' | 'tenantId'>;

/**
 * INSERT ... SELECT FROM json_populate_recordset($1) ON CONFLICT DO NOTHING RETURNING `returning`:
 * a whole slice of rows as ONE JSON parameter. Building a 20,000-parameter statement with the
 * query builder cost more CPU than rating the chunk; this costs one JSON.stringify. `rows` use the
 * column names; every listed column must be given (a missing key is NULL, not the default).
 */
async function bulkInsert(tx: DbOrTx, table: string, columns: readonly string[], rows: Record<string, unknown>[], returning: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 2000) {
    const json = JSON.stringify(rows.slice(i, i + 2000));
    const cols = sql.raw(columns.map((c) => `"${c}"`).join(', '));
    const res = await tx.execute(sql`insert into ${sql.raw(`"${table}"`)} (${cols}) select ${cols} from json_populate_recordset(null::${sql.raw(`"${table}"`)}, ${json}::json) on conflict do nothing returning ${sql.raw(`"${returning}"`)} as v`);
    const list = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { v: string }[];
    for (const r of list) out.push(r.v);
  }
  return out;
}

interface Slice { run: Run; billTos: string[]; only?: Set<string> }

/**
 * Calendar group (or no group): one slice, the run's period for all payers. Anniversary group: per
 * subscription, its own monthly period whose last day falls in the run month (`anniversaryDue`),
 * grouped by period; each slice is rated and stored as if it were a run of that period (bills and
 * invoices keyed by the subscription's period start), within the chunk's one write transaction.
 */
async function runSlices(db: DbOrTx, run: Run, billTos: string[]): Promise<Slice[]> {
  const [g] = run.groupCode ? await db.select({ mode: billRunGroups.mode }).from(billRunGroups)
    .where(and(eq(billRunGroups.tenantId, run.tenantId), eq(billRunGroups.code, run.groupCode))) : [];
  if (g?.mode !== 'anniversary') return [{ run, billTos }];
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
type PayerEntry = { row: PayerRow; created: { bills: number; invoices: number }; invoiceIds: string[] };

/**
 * One `bill_run_payers` row per payer and run: a single slice is taken as is; several slices (an
 * anniversary run) merge per payer (strongest outcome, summed totals and bills, first invoice),
 * and payers with nothing due in the run month are `empty`.
 */
function mergeSlices(rows: PayerRow[][], entries: Map<string, PayerEntry>[], billTos: string[]): { payerRows: PayerRow[]; payerOf: Map<string, PayerEntry> } {
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

const INVOICE_COLUMNS = ['id', 'tenant_id', 'bill_to', 'payer_id', 'customer_id', 'bill_run_id', 'period_start', 'period_end', 'currency', 'sequence', 'status', 'issue_date', 'due_date',
  'lines', 'subtotal', 'discount_total', 'tax_total', 'total', 'prepaid_applied', 'points_applied', 'amount_due', 'trace', 'versions', 'created_at', 'updated_at'] as const;
const BILL_COLUMNS = ['id', 'tenant_id', 'subscription_id', 'customer_id', 'bill_to', 'invoice_id', 'bill_run_id', 'period_start', 'period_end', 'cycle_index', 'currency',
  'segments', 'lines', 'subtotal', 'discount_total', 'trace', 'plan_versions', 'rule_versions', 'created_at'] as const;
const PAYER_COLUMNS = ['bill_run_id', 'bill_to', 'tenant_id', 'outcome', 'invoice_id', 'currency', 'total', 'bills', 'error', 'created_at'] as const;

/**
 * Rates and stores the given payers of a run: loads the chunk in a few set-based queries, rates in
 * memory, and writes invoices, bills, redemptions, `bill_run_payers` rows and the run's counters
 * with multi-row INSERT ... ON CONFLICT DO NOTHING in ONE transaction. A crash leaves the chunk
 * either entirely written or not at all; a retried chunk finds its subscriptions billed and its
 * `bill_run_payers` rows there, so it creates and counts nothing twice.
 */
const TIMING = process.env.BILL_RUN_TIMING === '1';
export async function processPayers(db: Db, run: Run, billTos: string[], opts: { now: () => Date; signal?: AbortSignal; holdLease?: (tx: DbOrTx) => Promise<void> }) {
  const t0 = performance.now();
  const mark = (what: string) => { if (TIMING) console.log(`[bill-run] ${billTos.length} payers ${what} ${(performance.now() - t0).toFixed(0)} ms`); };
  // A calendar run is one slice (the run's period, all payers); an anniversary run is one slice per
  // distinct subscription period due in the run month (README "Anniversary groups").
  const slices = await runSlices(db, run, billTos);
  const loaded: { run: Run; base: BaseDocs; data: PayerData[]; usage: UsageBook; existing: Awaited<ReturnType<typeof existingInvoices>>; customerIds: string[] }[] = [];
  for (const slice of slices) {
    const base = await runDocs(db, slice.run);
    // The loads probe indexes with ~1,000 keys each. With the default random_page_cost (4, disks)
    // PostgreSQL prefers scanning a 100,000-row tenant over 1,000 index probes, once per chunk:
    // that made bill runs quadratic. The index pages are hot during a run, so say so to the planner.
    const l = await db.transaction(async (rtx) => {
      await rtx.execute(sql`set local random_page_cost = 1.1`);
      const data = await loadChunk(rtx, slice.run, slice.billTos, slice.only);
      const meterCodes = new Set<string>();
      for (const d of data) for (const s of d.subs) for (const p of s.phases) {
        const plan = base.plans.get(p.planCode) ?? base.plansLate.get(p.planCode);
        for (const c of plan?.document.components ?? []) if (c.type === 'usage') meterCodes.add(c.meter);
      }
      const customerIds = data.flatMap((d) => d.customers.map((c) => c.id));
      const [usage, existing] = await Promise.all([
        loadUsage(rtx, slice.run.tenantId, base.timezone, customerIds, meterCodes, base.period),
        existingInvoices(rtx, slice.run, slice.billTos),
      ]);
      return { data, usage, existing, customerIds };
    });
    loaded.push({ run: slice.run, base, ...l });
  }
  mark('loaded');
  // Lost the lease while loading: another worker has this chunk now.
  opts.signal?.throwIfAborted();
  const now = opts.now();
  const rowsAt = now.toISOString();
  const needsLedger = loaded.some((l) => limitedRules(l.base.ruleDocs).length > 0 || l.data.some((d) => d.subs.some((s) => s.sub.coupons.length)));

  await db.transaction(async (tx) => {
    if (opts.holdLease) await opts.holdLease(tx);
    // Budgets and single-use codes are shared by all chunks of all runs of the tenant: chunks that
    // can consume them are serialised by a transaction-scoped advisory lock, and read the ledger
    // only once they hold it. Runs without coupon/promotion rules and codes never take it.
    if (needsLedger && !run.dryRun) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billwise:promotions:${run.tenantId}`}))`);
    const slicePayerRows: PayerRow[][] = [];
    const slicePayerOf: Map<string, { row: PayerRow; created: { bills: number; invoices: number }; invoiceIds: string[] }>[] = [];
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
    const docs: RunDocs = { ...base, usage, ...(promotions ? { promotions } : {}), ...(coupons.size ? { coupons } : {}) };
    /** Generated codes redeemed earlier in this chunk (the ledger counts them only when written). */
    const codeUses = new Map<string, number>();
    const nowIso = now.toISOString();
    const dueDate = addDays(run.periodEnd, PAYMENT_TERMS_DAYS);

    const payerRows: PayerRow[] = [];
    const invoiceRows: Record<(typeof INVOICE_COLUMNS)[number], unknown>[] = [];
    const pending: { d: PayerData; inv: InvoiceDraft; id: string }[] = [];
    const payerOf = new Map<string, { row: PayerRow; created: { bills: number; invoices: number }; invoiceIds: string[] }>();
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
        ...d.subs.flatMap((s) => (coupons.get(s.sub.id)?.rejected ?? []).map((r) => `${s.sub.id}: coupon ${r.code} not applied: ${r.reason}`)),
      ];
      const note = notes.length ? notes.join('; ') : null;
      if (!result.invoices.length) {
        // Nothing left to bill: already invoiced (a re-run; report that invoice so totals match), or nothing due.
        const ex = existing.get(d.billTo);
        payerRows.push(ex
          ? { billTo: d.billTo, outcome: 'existing', invoiceId: ex.id, currency: ex.currency, total: ex.total, error: note }
          : { billTo: d.billTo, outcome: result.skipped.length ? 'skipped' : 'empty', error: note });
        continue;
      }
      let total = new Decimal(0);
      const entry = { row: { billTo: d.billTo, outcome: run.dryRun ? 'dry_run' : 'created', invoiceId: null as string | null, currency: result.invoices[0].currency, total: '0', bills: result.invoices.reduce((n, i) => n + i.bills.length, 0), error: note } as PayerRow, created: { bills: 0, invoices: 0 }, invoiceIds: [] as string[] };
      for (const inv of result.invoices) {
        total = total.plus(inv.total);
        for (const [, code] of inv.presentedCodes) codeUses.set(code, (codeUses.get(code) ?? 0) + 1);
        if (run.dryRun) continue;
        const id = randomUUID();
        entry.invoiceIds.push(id);
        // Subscriptions not on the payer's invoice for this period yet (added or completed after
        // it was made) go on a supplementary invoice with the next sequence, never dropped.
        const sequence = (existing.get(d.billTo)?.lastSequence.get(inv.currency) ?? 0) + 1;
        if (sequence > 1) entry.row.error = [entry.row.error, `supplementary invoice #${sequence} for subscriptions added after the period's invoice`].filter(Boolean).join('; ');
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
      entry.row.invoiceId ??= p.id;
      entry.created.invoices++;
      entry.created.bills += p.inv.bills.length;
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

/** Job handler: one chunk of payers; marks the run running (the chunk with its last payer completes it). */
async function handleBillRunJob(job: Job, env: JobRunEnv) {
  const { db } = env;
  const { billRunId, billTo } = job.payload as { billRunId: string; billTo: string[] };
  const [run] = await db.select().from(billRuns).where(eq(billRuns.id, billRunId));
  if (!run) return;
  if (run.status === 'queued') await db.update(billRuns).set({ status: 'running', startedAt: env.now() }).where(and(eq(billRuns.id, run.id), eq(billRuns.status, 'queued')));
  await processPayers(db, run, billTo, { now: env.now, signal: env.signal, holdLease: env.holdLease });
}

async function failBillRun(db: Db, job: Job, err: unknown) {
  const { billRunId } = job.payload as { billRunId: string };
  await db.update(billRuns).set({ status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() }).where(eq(billRuns.id, billRunId));
}

const billRunChunkJob: JobKind = { kind: BILL_RUN_JOB, run: handleBillRunJob, onFinalFailure: failBillRun };

/** Registers billing's job kinds; called where a process starts (server/job-kinds.ts). */
export function registerBillingJobs() {
  registerJobKind(billRunChunkJob);
}

/**
 * Synchronous bill run (seeds, tests, small tenants): creates the run and processes its jobs
 * in-process right away instead of waiting for a worker.
 */
export async function runBillRunNow({ ctx, input }: { ctx: Ctx; input: BillRunInput }) {
  registerBillingJobs();
  const created = await createBillRun({ ctx, input });
  await drainJobs(ctx.db, { workerId: `inline-${created.id.slice(0, 8)}`, now: ctx.now, filter: { kinds: [BILL_RUN_JOB], tenantId: ctx.tenantId, dedupeKeyPrefix: `billrun:${created.id}:` } });
  return getBillRun({ ctx, id: created.id });
}

// ------------------------------------------------------------------------------------ groups

export async function listGroups({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'billing:read');
  const rows = await q(ctx).select().from(billRunGroups).where(eq(billRunGroups.tenantId, ctx.tenantId)).orderBy(asc(billRunGroups.code));
  return rows.map((g) => ({ id: g.id, code: g.code, name: g.name, cycleDay: g.cycleDay, mode: g.mode }));
}

export async function upsertGroup({ ctx, input }: { ctx: Ctx; input: { code: string; name: string; cycleDay: number; mode?: 'calendar' | 'anniversary' } }) {
  assertPermission(ctx, 'billing:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(billRunGroups).where(and(eq(billRunGroups.tenantId, ctx.tenantId), eq(billRunGroups.code, input.code)));
    // Switching the mode of a group that has bill runs would make its periods overlap or leave gaps.
    if (before && input.mode && input.mode !== before.mode) {
      const [run] = await tx.select({ id: billRuns.id }).from(billRuns).where(and(eq(billRuns.tenantId, ctx.tenantId), eq(billRuns.groupCode, input.code))).limit(1);
      if (run) throw invalid([{ path: 'mode', message: `group "${input.code}" already has bill runs; its mode cannot change` }]);
    }
    const [g] = before
      ? await tx.update(billRunGroups).set({ name: input.name, cycleDay: input.cycleDay, ...(input.mode ? { mode: input.mode } : {}) }).where(eq(billRunGroups.id, before.id)).returning()
      : await tx.insert(billRunGroups).values({ tenantId: ctx.tenantId, code: input.code, name: input.name, cycleDay: input.cycleDay, mode: input.mode ?? 'calendar', createdAt: ctx.now() }).returning();
    await recordAudit(tx, tctx, { action: before ? 'bill_run_group.update' : 'bill_run_group.create', entityType: 'bill_run_group', entityId: g.code, before, after: g });
    return { id: g.id, code: g.code, name: g.name, cycleDay: g.cycleDay, mode: g.mode };
  });
}
