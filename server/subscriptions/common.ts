/** Helpers shared by orders, subscriptions and bill runs: tenant settings, plans in effect, facts, periods. */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { billRunGroups, customers } from '../db/schema';
import { resolveAt, type ResolvedDocument } from '../catalog/versions';
import { addInterval, daysInMonth, monthsBetween, type Period } from '../lib/dates';
import { ServiceError } from '../lib/errors';
import { buildFacts, type FactCustomer, type FactMap } from '../rules/facts';
import { checkEligibility } from '../rating';
import type { PlanDoc } from '../rating/types';

/** The published plan `code` in effect on `date`, or a 422 naming the field. */
export async function planAt(db: DbOrTx, tenantId: string, code: string, date: string, path = 'planCode'): Promise<ResolvedDocument<PlanDoc>> {
  const plans = await resolveAt<PlanDoc>(db, tenantId, 'plan', date);
  const p = plans.find((x) => x.code === code);
  if (!p) throw new ServiceError('VALIDATION_FAILED', `No published plan "${code}" is in effect on ${date}`, [{ path, message: `no published plan "${code}" in effect on ${date}` }]);
  return p;
}

type CustomerRow = typeof customers.$inferSelect;

/**
 * The `customer.*` facts of a stored customer. `customer.id` is the tenant's own customer code
 * (`customers.external_id`, e.g. "GRS"), not our internal UUID: rules are written by the tenant
 * about its customers (rules/packs/demo/rules/grs-aws-support.json), and UUIDs differ per database.
 */
export function factCustomer(c: CustomerRow, onDate: string): FactCustomer {
  const since = c.createdAt.toISOString().slice(0, 10);
  return {
    id: c.externalId, type: c.type, segment: c.segment, country: c.country, tags: c.tags,
    tenureMonths: since <= onDate ? monthsBetween(since, onDate) : 0,
    dunningExcluded: c.dunningExcluded, attributes: c.attributes,
  };
}

function factNames(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => factNames(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.fact === 'string') out.add(o.fact);
    for (const v of Object.values(o)) if (typeof v === 'object') factNames(v, out);
  }
  return out;
}

/** 422 NOT_ELIGIBLE naming the failed conditions when the customer does not match plan.eligibility. */
export function assertEligible(plan: PlanDoc, customer: CustomerRow, onDate: string, quantities: Record<string, string>, path: string) {
  if (!plan.eligibility) return;
  const facts: FactMap = buildFacts({
    customer: factCustomer(customer, onDate),
    subscription: { planCode: plan.code, startDate: onDate, cycleIndex: 1, quantities: Object.fromEntries(Object.entries(quantities).map(([k, v]) => [k, Number(v)])) },
    plan: { code: plan.code, interval: plan.interval, currency: plan.currency },
    referencedFacts: factNames(plan.eligibility, new Set()),
  });
  const reason = checkEligibility(plan, facts);
  if (reason) throw new ServiceError('NOT_ELIGIBLE', reason, [{ path, message: reason }]);
}

export async function getCustomerRow(db: DbOrTx, tenantId: string, id: string, path = 'customerId'): Promise<CustomerRow> {
  const [c] = await db.select().from(customers).where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)));
  if (!c) throw new ServiceError('VALIDATION_FAILED', 'Unknown customer', [{ path, message: 'no such customer in this tenant' }]);
  return c;
}

/** A bill-run group's cycle day and mode (day 1, calendar for the default group or an unknown code). */
export async function billingGroupOf(db: DbOrTx, tenantId: string, groupCode: string | null): Promise<{ cycleDay: number; mode: string }> {
  if (!groupCode) return { cycleDay: 1, mode: 'calendar' };
  const [g] = await db.select({ cycleDay: billRunGroups.cycleDay, mode: billRunGroups.mode }).from(billRunGroups).where(and(eq(billRunGroups.tenantId, tenantId), eq(billRunGroups.code, groupCode)));
  return g ?? { cycleDay: 1, mode: 'calendar' };
}

/** The monthly billing period [start, end) containing `date` for a cycle day (1–28; 31 clamps to month end). */
export function periodContaining(date: string, cycleDay: number): Period {
  const [y, m, d] = date.split('-').map(Number);
  const thisMonthStart = `${y}-${String(m).padStart(2, '0')}-${String(Math.min(cycleDay, daysInMonth(y, m))).padStart(2, '0')}`;
  const start = d >= Number(thisMonthStart.slice(8)) ? thisMonthStart : addInterval(thisMonthStart, 'month', -1, cycleDay);
  return { start, end: addInterval(start, 'month', 1, cycleDay) };
}

/** Normalises quantities to decimal strings (they are stored and rated as strings). */
export function normQuantities(q: Record<string, string | number> | undefined | null): Record<string, string> {
  return Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, String(v)]));
}
