/**
 * Keeping mrr_movements: `refreshCustomerMrr` replaces one customer's movements from its
 * subscription phases (called in the transaction of every subscription change: order completed,
 * plan or quantity change, pause, resume, cancel), `rebuildMrrMovements` does it for every
 * customer of a tenant (after an import or a catalog correction), and `mrrSegments` is the
 * timeline both read, also used by tests and the benchmark as the naive reference.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { customers, mrrMovements, subscriptionPhases, subscriptions, tenants } from '../db/schema';
import { resolveAt, type ResolvedDocument } from '../catalog/versions';
import { factCustomer } from '../customers/facts';
import { maxDate, minDate } from '../lib/dates';
import type { RoundingMode } from '../lib/money';
import type { PlanDoc, RuleDoc } from '../rating/types';
import { deriveMovements, type MrrSegment } from './movements-derive';
import { phaseMrr } from './mrr';
import { publishChange } from './live';

/** Plans and rules in effect per date, read once per refresh/rebuild. */
class Docs {
  private plans = new Map<string, Promise<ResolvedDocument<PlanDoc>[]>>();
  private rules = new Map<string, Promise<ResolvedDocument<RuleDoc>[]>>();
  constructor(private db: DbOrTx, private tenantId: string) {}
  async plan(code: string, date: string): Promise<PlanDoc | null> {
    const at = async (d: string) => {
      if (!this.plans.has(d)) this.plans.set(d, resolveAt<PlanDoc>(this.db, this.tenantId, 'plan', d));
      return (await this.plans.get(d)!).find((p) => p.code === code)?.document ?? null;
    };
    // a plan first published after the phase began (back-dated order): its earliest version in effect later
    return (await at(date)) ?? at('9999-12-31');
  }
  async ruleDocs(date: string): Promise<RuleDoc[]> {
    if (!this.rules.has(date)) this.rules.set(date, resolveAt<RuleDoc>(this.db, this.tenantId, 'rule', date));
    return (await this.rules.get(date)!).map((r) => r.document);
  }
}

type CustomerRow = typeof customers.$inferSelect;

type SubRow = typeof subscriptions.$inferSelect;
type PhaseRow = typeof subscriptionPhases.$inferSelect;

async function segmentsOf(docs: Docs, rounding: RoundingMode, customer: CustomerRow, subs: SubRow[], phases: PhaseRow[]): Promise<MrrSegment[]> {
  const out: MrrSegment[] = [];
  for (const p of phases) {
    const sub = subs.find((s) => s.id === p.subscriptionId);
    if (!sub) continue;
    // a trial is not MRR: the phase counts from the first billable day
    const start = sub.trialEndDate ? maxDate(p.startDate, sub.trialEndDate) : p.startDate;
    const ends = [p.endDate, sub.endDate].filter((e): e is string => !!e);
    const end = ends.length ? ends.reduce(minDate) : null;
    if (end !== null && end <= start) continue;
    const plan = await docs.plan(p.planCode, start);
    if (!plan) continue;
    const mrr = phaseMrr({
      plan, quantities: p.quantities, customer: factCustomer(customer, start), from: start,
      rules: await docs.ruleDocs(start), coupons: sub.coupons, rounding,
    });
    out.push({ start, end, currency: plan.currency, mrr, planCode: p.planCode });
  }
  return out;
}

async function roundingOf(db: DbOrTx, tenantId: string): Promise<RoundingMode> {
  const [t] = await db.select({ r: tenants.roundingMode }).from(tenants).where(eq(tenants.id, tenantId));
  return (t?.r ?? 'half_up') as RoundingMode;
}

/** The MRR timeline of some (or all) customers of a tenant, straight from the phases. */
export async function mrrSegments(db: DbOrTx, tenantId: string, customerIds?: string[]): Promise<Map<string, MrrSegment[]>> {
  const docs = new Docs(db, tenantId);
  const rounding = await roundingOf(db, tenantId);
  const rows = await db.select().from(customers)
    .where(and(eq(customers.tenantId, tenantId), customerIds ? inArray(customers.id, customerIds) : undefined));
  // all subscriptions and phases of these customers in two queries, then grouped (a rebuild reads a tenant at once)
  const subs = await db.select().from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), customerIds ? inArray(subscriptions.customerId, customerIds) : undefined));
  const phases = subs.length ? await db.select({ p: subscriptionPhases }).from(subscriptionPhases)
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionPhases.subscriptionId))
    .where(and(eq(subscriptionPhases.tenantId, tenantId), customerIds ? inArray(subscriptions.customerId, customerIds) : undefined))
    .orderBy(asc(subscriptionPhases.startDate)) : [];
  const subsBy = new Map<string, SubRow[]>();
  for (const x of subs) subsBy.set(x.customerId, [...(subsBy.get(x.customerId) ?? []), x]);
  const phasesBy = new Map<string, PhaseRow[]>();
  const owner = new Map(subs.map((x) => [x.id, x.customerId]));
  for (const { p } of phases) {
    const c = owner.get(p.subscriptionId)!;
    phasesBy.set(c, [...(phasesBy.get(c) ?? []), p]);
  }
  const out = new Map<string, MrrSegment[]>();
  for (const c of rows) out.set(c.id, await segmentsOf(docs, rounding, c, subsBy.get(c.id) ?? [], phasesBy.get(c.id) ?? []));
  return out;
}

async function writeMovements(db: DbOrTx, tenantId: string, bySegments: Map<string, MrrSegment[]>) {
  const ids = [...bySegments.keys()];
  if (!ids.length) return 0;
  // in chunks: one IN list of a whole tenant (100,000 customers) passes PostgreSQL's 65,535 parameters
  for (let i = 0; i < ids.length; i += 1000) await db.delete(mrrMovements).where(and(eq(mrrMovements.tenantId, tenantId), inArray(mrrMovements.customerId, ids.slice(i, i + 1000))));
  const rows = [...bySegments].flatMap(([customerId, segs]) => {
    const moves = deriveMovements(segs);
    // the cohort (mrr_facts): the month of the customer's first `new` in the currency, which is its first movement there
    const cohort = new Map<string, string>();
    for (const m of moves) if (!cohort.has(m.currency)) cohort.set(m.currency, `${m.date.slice(0, 7)}-01`);
    return moves.map((m) => ({
      tenantId, customerId, currency: m.currency, date: m.date, kind: m.kind, cohortMonth: cohort.get(m.currency)!,
      amount: m.amount.toString(), mrrBefore: m.mrrBefore.toString(), mrrAfter: m.mrrAfter.toString(), planCode: m.planCode,
    }));
  });
  for (let i = 0; i < rows.length; i += 1000) await db.insert(mrrMovements).values(rows.slice(i, i + 1000));
  return rows.length;
}

/** Replaces the movements of the given customers (call inside the transaction that changed them). */
export async function refreshCustomerMrr(db: DbOrTx, tenantId: string, customerIds: string[]): Promise<void> {
  if (!customerIds.length) return;
  await writeMovements(db, tenantId, await mrrSegments(db, tenantId, [...new Set(customerIds)]));
  await publishChange(db, tenantId, 'subscription');
}

/** Recomputes every customer's movements of a tenant; returns the number of rows written. */
export async function rebuildMrrMovements(db: DbOrTx, tenantId: string): Promise<number> {
  const segs = await mrrSegments(db, tenantId);
  await db.delete(mrrMovements).where(eq(mrrMovements.tenantId, tenantId));
  return writeMovements(db, tenantId, segs);
}
