/**
 * Loading a chunk of a bill run: the plans and rules in effect (once per run and process), the
 * payers' customers, subscriptions, phases and prior bills, usage, and the invoices already there,
 * each in a few set-based queries for the whole chunk.
 */
import { phaseHorizon } from './in-advance';
import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { advanceCredits, billRuns, bills, customers, invoices, subscriptionPhases, subscriptions } from '../db/schema';
import { addDays } from '../lib/dates';
import { resolveAt } from '../catalog/versions';
import { prepareRules } from '../rating';
import type { PlanDoc, RuleDoc } from '../rating/types';
import { tenantSettings } from '../tenants/tenant-settings';
import { loadUsage, type UsageBook } from './usage';
import { CYCLE_LOOKBACK_DAYS, cyclesEndingIn, isCycleInterval } from './cycles';
import type { PayerData, RunDocs } from './rate-payer';
import { latestChurnFacts, readsChurnFacts } from '../churn/facts';
import { resumesIn, unpaidResumes } from './resumed-days';
import { acceleratedAlready } from './accelerated';

type Run = typeof billRuns.$inferSelect;

/** Part of a chunk rated as one period: the whole chunk, or (anniversary groups) the subscriptions due in one period. */
export interface Slice { run: Run; billTos: string[]; only?: Set<string> }

export type ExistingInvoices = Awaited<ReturnType<typeof existingInvoices>>;
export interface LoadedSlice { run: Run; base: BaseDocs; data: PayerData[]; usage: UsageBook; existing: ExistingInvoices; customerIds: string[] }

export type BaseDocs = Omit<RunDocs, 'usage'> & { timezone: string; ruleDocs: RuleDoc[] };

/** Plans/rules prepared once per run and process (a bill run rates every payer with the same pack). */
const docsCache = new Map<string, BaseDocs>();

export async function runDocs(db: DbOrTx, run: Run): Promise<BaseDocs> {
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
export async function customersOf(db: DbOrTx, tenantId: string, billTos: string[]) {
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
  const [phases, perSub, credited] = ids.length ? await Promise.all([
    db.select().from(subscriptionPhases).where(and(
      eq(subscriptionPhases.tenantId, run.tenantId), inArray(subscriptionPhases.subscriptionId, ids),
      // From further back than the period: a weekly or daily cycle ending in it may begin before it (cycles.ts).
      // Past the period end: in-advance plans rate the next period's phases too (./in-advance.ts).
      lt(subscriptionPhases.startDate, phaseHorizon(run.periodEnd)), sql`(${subscriptionPhases.endDate} is null or ${subscriptionPhases.endDate} > ${addDays(run.periodStart, -CYCLE_LOOKBACK_DAYS)})`,
    )).orderBy(asc(subscriptionPhases.startDate)),
    // Per subscription: already billed for this period (left out: a payer change must not bill twice)
    // and bills before it (cycleIndex), in one query.
    // Anniversary bills before it count a yearly plan's cycles (its installments), not its monthly usage or catch-up bills.
    db.select({ id: bills.subscriptionId, prior: sql<number>`count(*) filter (where ${bills.periodStart} < ${run.periodStart})::int`, billed: sql<boolean>`bool_or(${bills.periodStart} = ${run.periodStart})`,
      anniversaries: sql<number>`count(*) filter (where ${bills.periodStart} < ${run.periodStart} and ${bills.segments} @> '[{"billedInAdvance":{}}]'::jsonb)::int` })
      .from(bills).where(and(eq(bills.tenantId, run.tenantId), inArray(bills.subscriptionId, ids), sql`${bills.periodStart} <= ${run.periodStart}`)).groupBy(bills.subscriptionId),
    // In-advance charges for this period credited back from a date inside it (a mid-period change):
    // the days from then on are charged on this run's invoice (server/subscriptions/advance-credit.ts).
    // The earliest such date after the period bounds a yearly plan's catch-up (./anniversary-catch-up.ts).
    db.select({
      id: advanceCredits.subscriptionId,
      from: sql<string | null>`(min(${advanceCredits.creditedFrom}) filter (where ${advanceCredits.creditedFrom} < ${run.periodEnd}))::text`,
      until: sql<string | null>`(min(${advanceCredits.creditedFrom}) filter (where ${advanceCredits.creditedFrom} >= ${run.periodEnd}))::text`,
    }).from(advanceCredits)
      .where(and(eq(advanceCredits.tenantId, run.tenantId), inArray(advanceCredits.subscriptionId, ids), gte(advanceCredits.creditedFrom, run.periodStart)))
      .groupBy(advanceCredits.subscriptionId),
  ]) : [[], [], []];
  const creditedMap = new Map(credited.filter((c) => c.from).map((c) => [c.id, c.from!]));
  const untilMap = new Map(credited.filter((c) => c.until).map((c) => [c.id, c.until!]));
  // Phases past the horizon (scheduled changes): a yearly plan's anniversary bill covers the whole
  // period as its phases stand (./anniversary-renewal.ts), and its catch-up reaches to the end of that
  // period (./anniversary-catch-up.ts). Few rows: only subscriptions with a change scheduled that far.
  if (ids.length) {
    const later = await db.select().from(subscriptionPhases).where(and(eq(subscriptionPhases.tenantId, run.tenantId),
      inArray(subscriptionPhases.subscriptionId, ids), gte(subscriptionPhases.startDate, phaseHorizon(run.periodEnd))));
    if (later.length) {
      phases.push(...later);
      phases.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
    }
  }
  const billedSet = new Set(perSub.filter((b) => b.billed).map((b) => b.id));
  const priorMap = new Map(perSub.map((p) => [p.id, Number(p.prior)]));
  const anniversaryMap = new Map(perSub.map((p) => [p.id, Number(p.anniversaries)]));
  const phasesBySub = new Map<string, typeof phases>();
  for (const p of phases) {
    const list = phasesBySub.get(p.subscriptionId);
    if (list) list.push(p); else phasesBySub.set(p.subscriptionId, [p]);
  }
  // A pause spanning periods: the resumed days of this period that no earlier bill paid in advance (./resumed-days.ts).
  const resumed = await unpaidResumes(db, run.tenantId, { start: run.periodStart, end: run.periodEnd },
    resumesIn(subs.filter((s) => !billedSet.has(s.id) && (!only || only.has(s.id))), phasesBySub, { start: run.periodStart, end: run.periodEnd }));
  // Subscriptions that end: the installments left are charged once (./accelerated.ts).
  const accelerated = await acceleratedAlready(db, run.tenantId, run.periodStart, subs.filter((s) => s.endDate && s.endDate > run.periodStart).map((s) => s.id));
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
    const creditedFrom = [creditedMap.get(s.id), resumed.get(s.id)].filter((d): d is string => !!d).sort()[0];
    const creditedUntil = untilMap.get(s.id);
    out.get(customerBillTo.get(s.customerId)!)!.subs.push({ sub: s, phases: ph, priorBills: priorMap.get(s.id) ?? 0, priorAnniversaries: anniversaryMap.get(s.id) ?? 0, ...(creditedFrom ? { creditedFrom } : {}), ...(creditedUntil ? { creditedUntil } : {}), ...(accelerated.has(s.id) ? { installmentsAccelerated: true } : {}) });
  }
  return [...out.values()];
}

/**
 * Invoices already there for the chunk's payers and this period: the first (by currency) for
 * reports, and per currency the highest sequence, so a supplementary invoice takes the next one.
 * A void invoice is never reported as the payer's invoice (`live` false when all are void); it
 * still holds its sequence, so a re-bill after a void gets the next one.
 */
export async function existingInvoices(db: DbOrTx, run: Run, billTos: string[]) {
  const rows = billTos.length ? await db.select({ billTo: invoices.billTo, id: invoices.id, currency: invoices.currency, total: invoices.total, sequence: invoices.sequence, status: invoices.status }).from(invoices)
    .where(and(eq(invoices.tenantId, run.tenantId), inArray(invoices.billTo, billTos), eq(invoices.periodStart, run.periodStart))).orderBy(asc(invoices.currency), asc(invoices.sequence)) : [];
  const out = new Map<string, { id: string; currency: string; total: string; live: boolean; byCurrency: Map<string, string>; lastSequence: Map<string, number> }>();
  for (const r of rows) {
    let e = out.get(r.billTo);
    if (!e) out.set(r.billTo, (e = { id: r.id, currency: r.currency, total: r.total, live: false, byCurrency: new Map<string, string>(), lastSequence: new Map<string, number>() }));
    if (r.status !== 'void') {
      if (!e.live) Object.assign(e, { id: r.id, currency: r.currency, total: r.total, live: true });
      e.byCurrency.set(r.currency, r.id);
    }
    e.lastSequence.set(r.currency, Math.max(e.lastSequence.get(r.currency) ?? 0, r.sequence));
  }
  return out;
}

/**
 * Per customer, the first day of usage the run bills when it is before the period's start: the
 * start of the earliest weekly/daily cycle ending in the period (cycles.ts). Others: the period.
 */
function usageStarts(data: PayerData[], base: BaseDocs): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of data) for (const { sub, phases } of d.subs) for (const p of phases) {
    const doc = (base.plans.get(p.planCode) ?? base.plansLate.get(p.planCode))?.document;
    if (!doc || !isCycleInterval(doc)) continue;
    const first = cyclesEndingIn(sub.startDate, doc.interval, doc.intervalCount ?? 1, base.period)[0];
    if (first && first.period.start < base.period.start && first.period.start < (out.get(sub.customerId) ?? base.period.start)) out.set(sub.customerId, first.period.start);
  }
  return out;
}

/** Loads every slice of a chunk: its plans and rules, payers, usage and the invoices already there. */
export async function loadSlices(db: Db, slices: Slice[]): Promise<LoadedSlice[]> {
  const loaded: LoadedSlice[] = [];
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
      const [usage, existing, churn] = await Promise.all([
        loadUsage(rtx, slice.run.tenantId, base.timezone, customerIds, meterCodes, base.period, usageStarts(data, base)),
        existingInvoices(rtx, slice.run, slice.billTos),
        // Churn facts only when a rule reads them: the latest score of the active model (server/churn/facts.ts).
        readsChurnFacts(base.rules.referencedFacts) ? latestChurnFacts(rtx, slice.run.tenantId, customerIds) : null,
      ]);
      if (churn) for (const d of data) d.churn = churn;
      return { data, usage, existing, customerIds };
    });
    loaded.push({ run: slice.run, base, ...l });
  }
  return loaded;
}
