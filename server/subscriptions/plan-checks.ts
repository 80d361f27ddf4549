/**
 * What an order item or a subscription change checks before it is stored: the customer exists,
 * the plan is published and in effect on the date, the customer is eligible for it; and the
 * quantities in the form they are stored and rated in.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { customers } from '../db/schema';
import { resolveAt, type ResolvedDocument } from '../catalog/versions';
import { ServiceError } from '../lib/errors';
import { buildFacts, type FactMap } from '../rules/facts';
import { checkEligibility } from '../rating';
import type { PlanDoc } from '../rating/types';
import { factCustomer } from '../customers/facts';

type CustomerRow = typeof customers.$inferSelect;

/** The published plan `code` in effect on `date`, or a 422 naming the field. */
export async function planAt(db: DbOrTx, tenantId: string, code: string, date: string, path = 'planCode'): Promise<ResolvedDocument<PlanDoc>> {
  const plans = await resolveAt<PlanDoc>(db, tenantId, 'plan', date);
  const p = plans.find((x) => x.code === code);
  if (!p) throw new ServiceError('VALIDATION_FAILED', `No published plan "${code}" is in effect on ${date}`, [{ path, message: `no published plan "${code}" in effect on ${date}` }]);
  return p;
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

/** Normalises quantities to decimal strings (they are stored and rated as strings). */
export function normQuantities(q: Record<string, string | number> | undefined | null): Record<string, string> {
  return Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, String(v)]));
}
