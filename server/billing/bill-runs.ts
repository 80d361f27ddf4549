/**
 * Bill runs (정기 청구 작업). Creating a run finds the payers with subscriptions active in the
 * period and enqueues one job per chunk of payers; the worker rates each payer (rate-payer.ts)
 * and stores its bills and draft invoice in ONE transaction, skipping what already exists
 * (unique keys + ON CONFLICT DO NOTHING). A `bill_run_payers` row written in that same
 * transaction makes the progress counters exact when a job is retried after a crash.
 */
import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { billRunGroups, billRunPayers, billRuns, bills, customers, invoices, jobs, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { addDays, addInterval, isIsoDate } from '../lib/dates';
import { Decimal } from '../lib/money';
import { resolveAt } from '../catalog/versions';
import { prepareRules } from '../rating';
import type { PlanDoc, RuleDoc } from '../rating/types';
import { enqueue, heartbeat, type Job } from '../jobs/queue';
import { periodContaining, tenantSettings, tenantToday } from '../subscriptions/common';
import { loadUsage } from './usage';
import { ratePayer, type PayerData, type RunDocs } from './rate-payer';

export const BILL_RUN_JOB = 'bill_run.chunk';
export const DEFAULT_CHUNK = 100;
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
  return withTransaction(ctx, async (tx, tctx) => {
    let cycleDay = 1;
    if (input.groupCode) {
      const [g] = await tx.select().from(billRunGroups).where(and(eq(billRunGroups.tenantId, ctx.tenantId), eq(billRunGroups.code, input.groupCode)));
      if (!g) throw invalid([{ path: 'groupCode', message: `no bill-run group "${input.groupCode}"` }]);
      cycleDay = g.cycleDay;
    }
    // Default: the latest period of the group that has ended, in the tenant's time zone.
    const start = input.periodStart ?? periodContaining(addDays(periodContaining(await tenantToday(tx, tctx), cycleDay).start, -1), cycleDay).start;
    if (!isIsoDate(start)) throw invalid([{ path: 'periodStart', message: 'must be a date YYYY-MM-DD' }]);
    if (periodContaining(start, cycleDay).start !== start) {
      throw invalid([{ path: 'periodStart', message: `must fall on the group's cycle day ${cycleDay} (periods of one group never overlap)` }]);
    }
    const end = input.periodEnd ?? addInterval(start, 'month', 1, cycleDay);
    if (!isIsoDate(end) || end <= start) throw invalid([{ path: 'periodEnd', message: 'must be a date after periodStart' }]);

    const payerRows = await tx.selectDistinct({ billTo: billToSql }).from(subscriptions)
      .innerJoin(customers, eq(customers.id, subscriptions.customerId))
      .where(and(
        eq(subscriptions.tenantId, ctx.tenantId),
        input.groupCode ? eq(subscriptions.billingGroup, input.groupCode) : sql`${subscriptions.billingGroup} is null`,
        sql`exists (select 1 from ${subscriptionPhases} p where p.subscription_id = ${subscriptions.id} and p.start_date < ${end} and (p.end_date is null or p.end_date > ${start}))`,
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

/** Plans/rules prepared once per run and process (a bill run rates every payer with the same pack). */
const docsCache = new Map<string, Omit<RunDocs, 'usage'>>();

async function runDocs(db: DbOrTx, run: Run): Promise<Omit<RunDocs, 'usage'>> {
  const hit = docsCache.get(run.id);
  if (hit) return hit;
  const settings = await tenantSettings(db, run.tenantId);
  const [plans, plansLate, rules] = await Promise.all([
    resolveAt<PlanDoc>(db, run.tenantId, 'plan', run.periodStart),
    resolveAt<PlanDoc>(db, run.tenantId, 'plan', addDays(run.periodEnd, -1)),
    resolveAt<RuleDoc>(db, run.tenantId, 'rule', run.periodStart),
  ]);
  const docs = {
    period: { start: run.periodStart, end: run.periodEnd }, rounding: settings.rounding,
    plans: new Map(plans.map((p) => [p.code, p])), plansLate: new Map(plansLate.map((p) => [p.code, p])),
    rules: prepareRules(rules.map((r) => ({ ...r.document, version: r.document.version ?? r.version }))),
    ruleVersions: rules.map((r) => ({ id: r.code, version: r.version })),
  };
  if (docsCache.size > 50) docsCache.clear();
  docsCache.set(run.id, docs);
  return docs;
}

/** Everything the chunk's payers need, in a handful of queries for the whole chunk. */
async function loadChunk(db: DbOrTx, run: Run, billTos: string[]): Promise<PayerData[]> {
  const cs = await db.select().from(customers).where(and(eq(customers.tenantId, run.tenantId), inArray(billToSql, billTos)));
  const subs = cs.length ? await db.select().from(subscriptions).where(and(
    eq(subscriptions.tenantId, run.tenantId), inArray(subscriptions.customerId, cs.map((c) => c.id)),
    run.groupCode ? eq(subscriptions.billingGroup, run.groupCode) : sql`${subscriptions.billingGroup} is null`,
  )).orderBy(asc(subscriptions.startDate), asc(subscriptions.id)) : [];
  const ids = subs.map((s) => s.id);
  const phases = ids.length ? await db.select().from(subscriptionPhases).where(and(
    eq(subscriptionPhases.tenantId, run.tenantId), inArray(subscriptionPhases.subscriptionId, ids),
    lt(subscriptionPhases.startDate, run.periodEnd), sql`(${subscriptionPhases.endDate} is null or ${subscriptionPhases.endDate} > ${run.periodStart})`,
  )).orderBy(asc(subscriptionPhases.startDate)) : [];
  // Subscriptions already billed for this period are left out (a payer change must not bill twice).
  const billed = ids.length ? await db.select({ id: bills.subscriptionId }).from(bills).where(and(eq(bills.tenantId, run.tenantId), inArray(bills.subscriptionId, ids), eq(bills.periodStart, run.periodStart))) : [];
  const billedSet = new Set(billed.map((b) => b.id));
  const prior = ids.length ? await db.select({ id: bills.subscriptionId, n: sql<number>`count(*)::int` }).from(bills)
    .where(and(eq(bills.tenantId, run.tenantId), inArray(bills.subscriptionId, ids), lt(bills.periodStart, run.periodStart))).groupBy(bills.subscriptionId) : [];
  const priorMap = new Map(prior.map((p) => [p.id, Number(p.n)]));
  const phasesBySub = new Map<string, typeof phases>();
  for (const p of phases) phasesBySub.set(p.subscriptionId, [...(phasesBySub.get(p.subscriptionId) ?? []), p]);
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
    if (!ph?.length || billedSet.has(s.id)) continue;
    out.get(customerBillTo.get(s.customerId)!)!.subs.push({ sub: s, phases: ph, priorBills: priorMap.get(s.id) ?? 0 });
  }
  return [...out.values()];
}

/** Counts a payer once per run, in the caller's transaction (exact after crash + retry). */
async function markPayer(tx: DbOrTx, run: Run, row: Omit<typeof billRunPayers.$inferInsert, 'billRunId' | 'tenantId'>, created: { bills: number; invoices: number }) {
  const [ins] = await tx.insert(billRunPayers).values({ ...row, billRunId: run.id, tenantId: run.tenantId }).onConflictDoNothing().returning({ b: billRunPayers.billTo });
  if (!ins) return;
  await tx.update(billRuns).set({
    processedPayers: sql`${billRuns.processedPayers} + 1`,
    failedPayers: row.outcome === 'failed' ? sql`${billRuns.failedPayers} + 1` : billRuns.failedPayers,
    billsCreated: sql`${billRuns.billsCreated} + ${created.bills}`, invoicesCreated: sql`${billRuns.invoicesCreated} + ${created.invoices}`,
  }).where(eq(billRuns.id, run.id));
}

/** Rates and stores the given payers of a run. Used by the job handler and synchronous runs. */
export async function processPayers(db: Db, run: Run, billTos: string[], opts: { now: () => Date; onPayer?: () => Promise<void> }) {
  const settings = await tenantSettings(db, run.tenantId);
  const base = await runDocs(db, run);
  const data = await loadChunk(db, run, billTos);
  const meterCodes = new Set<string>();
  for (const d of data) for (const s of d.subs) for (const p of s.phases) {
    const plan = base.plans.get(p.planCode) ?? base.plansLate.get(p.planCode);
    for (const c of plan?.document.components ?? []) if (c.type === 'usage') meterCodes.add(c.meter);
  }
  const usage = await loadUsage(db, run.tenantId, settings.timezone, data.flatMap((d) => d.customers.map((c) => c.id)), meterCodes, base.period);
  const docs: RunDocs = { ...base, usage };
  for (const d of data) {
    const now = opts.now();
    let result;
    try {
      result = ratePayer(d, docs);
    } catch (err) {
      await db.transaction((tx) => markPayer(tx, run, { billTo: d.billTo, outcome: 'failed', error: err instanceof Error ? err.message : String(err) }, { bills: 0, invoices: 0 }));
      continue;
    }
    const skippedNote = result.skipped.length ? result.skipped.map((s) => `${s.subscriptionId}: ${s.reason}`).join('; ') : null;
    if (!result.invoices.length) {
      // Nothing left to bill: already invoiced (a re-run; report that invoice so totals match), or nothing billable.
      const [ex] = await db.select({ id: invoices.id, currency: invoices.currency, total: invoices.total }).from(invoices)
        .where(and(eq(invoices.tenantId, run.tenantId), eq(invoices.billTo, d.billTo), eq(invoices.periodStart, run.periodStart))).orderBy(asc(invoices.currency)).limit(1);
      const row = ex
        ? { billTo: d.billTo, outcome: 'existing', invoiceId: ex.id, currency: ex.currency, total: ex.total, error: skippedNote }
        : { billTo: d.billTo, outcome: d.subs.length ? 'failed' : 'empty', error: skippedNote };
      await db.transaction((tx) => markPayer(tx, run, row, { bills: 0, invoices: 0 }));
      continue;
    }
    await db.transaction(async (tx) => {
      // One row per payer and run; a multi-currency payer is rare and is summarised in the first currency's row.
      let outcome: string = run.dryRun ? 'dry_run' : 'created';
      let invoiceId: string | null = null;
      let created = { bills: 0, invoices: 0 };
      let totalOut = new Decimal(0);
      for (const inv of result.invoices) {
        totalOut = totalOut.plus(inv.total);
        if (run.dryRun) continue;
        const [row] = await tx.insert(invoices).values({
          tenantId: run.tenantId, billTo: d.billTo, payerId: d.payerId, customerId: d.payerId ? null : d.billTo, billRunId: run.id,
          periodStart: run.periodStart, periodEnd: run.periodEnd, currency: inv.currency, status: 'draft',
          issueDate: run.periodEnd, dueDate: addDays(run.periodEnd, PAYMENT_TERMS_DAYS),
          lines: inv.lines, subtotal: inv.subtotal, discountTotal: inv.discountTotal, taxTotal: inv.taxTotal, total: inv.total,
          prepaidApplied: inv.prepaidApplied, pointsApplied: inv.pointsApplied, amountDue: inv.amountDue, trace: inv.trace, versions: inv.versions,
          createdAt: now, updatedAt: now,
        }).onConflictDoNothing().returning({ id: invoices.id });
        if (!row) {
          outcome = 'existing';
          const [ex] = await tx.select({ id: invoices.id }).from(invoices).where(and(eq(invoices.tenantId, run.tenantId), eq(invoices.billTo, d.billTo), eq(invoices.periodStart, run.periodStart), eq(invoices.currency, inv.currency)));
          invoiceId ??= ex?.id ?? null;
          continue;
        }
        invoiceId ??= row.id;
        created.invoices++;
        const ins = await tx.insert(bills).values(inv.bills.map((b) => ({
          tenantId: run.tenantId, subscriptionId: b.subscriptionId, customerId: b.customerId, billTo: d.billTo, invoiceId: row.id, billRunId: run.id,
          periodStart: run.periodStart, periodEnd: run.periodEnd, cycleIndex: b.cycleIndex, currency: b.currency, segments: b.segments,
          lines: b.lines, subtotal: b.subtotal, discountTotal: b.discountTotal, trace: b.trace, planVersions: b.planVersions, ruleVersions: docs.ruleVersions, createdAt: now,
        }))).onConflictDoNothing().returning({ id: bills.id });
        created.bills += ins.length;
      }
      if (outcome === 'existing' && created.invoices > 0) outcome = 'created';
      await markPayer(tx, run, { billTo: d.billTo, outcome, invoiceId, currency: result.invoices[0].currency, total: totalOut.toString(), bills: result.invoices.reduce((n, i) => n + i.bills.length, 0), error: skippedNote }, created);
    });
    if (opts.onPayer) await opts.onPayer();
  }
}

/** Job handler: one chunk of payers; marks the run running, and completed after its last job. */
export async function handleBillRunJob(db: Db, job: Job, env: { workerId: string; now: () => Date }) {
  const { billRunId, billTo } = job.payload as { billRunId: string; billTo: string[] };
  const [run] = await db.select().from(billRuns).where(eq(billRuns.id, billRunId));
  if (!run) return;
  if (run.status === 'queued') await db.update(billRuns).set({ status: 'running', startedAt: env.now() }).where(and(eq(billRuns.id, run.id), eq(billRuns.status, 'queued')));
  await processPayers(db, run, billTo, { now: env.now, onPayer: () => heartbeat(db, job, env.workerId) });
  const [{ left }] = await db.select({ left: sql<number>`count(*)::int` }).from(jobs)
    .where(and(sql`${jobs.dedupeKey} like ${`billrun:${run.id}:%`}`, sql`${jobs.status} <> 'done'`, sql`${jobs.id} <> ${job.id}`));
  if (Number(left) === 0) await db.update(billRuns).set({ status: 'completed', finishedAt: env.now() }).where(and(eq(billRuns.id, run.id), sql`${billRuns.status} <> 'failed'`));
}

export async function failBillRun(db: Db, job: Job, err: unknown) {
  const { billRunId } = job.payload as { billRunId: string };
  await db.update(billRuns).set({ status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() }).where(eq(billRuns.id, billRunId));
}

/**
 * Synchronous bill run (seeds, tests, small tenants): creates the run and processes its jobs
 * in-process right away instead of waiting for a worker.
 */
export async function runBillRunNow({ ctx, input }: { ctx: Ctx; input: BillRunInput }) {
  const created = await createBillRun({ ctx, input });
  const { claim } = await import('../jobs/queue');
  const { runJob } = await import('../jobs/worker');
  const workerId = `inline-${created.id.slice(0, 8)}`;
  for (;;) {
    const job = await claim(ctx.db, workerId, { where: sql`${jobs.dedupeKey} like ${`billrun:${created.id}:%`}` });
    if (!job) break;
    await runJob(ctx.db, job, workerId, ctx.now);
  }
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
  if (input.mode === 'anniversary') throw invalid([{ path: 'mode', message: 'anniversary groups are not supported yet; use calendar with a cycle day' }]);
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(billRunGroups).where(and(eq(billRunGroups.tenantId, ctx.tenantId), eq(billRunGroups.code, input.code)));
    const [g] = before
      ? await tx.update(billRunGroups).set({ name: input.name, cycleDay: input.cycleDay }).where(eq(billRunGroups.id, before.id)).returning()
      : await tx.insert(billRunGroups).values({ tenantId: ctx.tenantId, code: input.code, name: input.name, cycleDay: input.cycleDay, mode: 'calendar', createdAt: ctx.now() }).returning();
    await recordAudit(tx, tctx, { action: before ? 'bill_run_group.update' : 'bill_run_group.create', entityType: 'bill_run_group', entityId: g.code, before, after: g });
    return { id: g.id, code: g.code, name: g.name, cycleDay: g.cycleDay, mode: g.mode };
  });
}
