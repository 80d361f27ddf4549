/**
 * Orders (오더 / 신규가입): a request for one or more plans (base plans and add-ons). Plan
 * relations and eligibility are checked when the order is placed and again when it is completed;
 * completing sets the billing start date (과금 개시일) and creates the subscriptions.
 */
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { catalogEntries, orders, planRelations, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound, type FieldIssue } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { refreshCustomerMrr } from '../analytics/movements';
import { paginate } from '../lib/paginate';
import { addDays } from '../lib/dates';
import { assertEligible, getCustomerRow, normQuantities, planAt } from './plan-checks';
import { billingGroupOf } from '../billing/bill-run-groups';
import { tenantToday } from '../tenants/tenant-settings';
import { effectiveStatus, phasesOf, subscriptionOut } from './subscriptions';
import { emitEvent } from '../webhooks/emit';

export const ORDER_STATUSES = ['requested', 'in_progress', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
const TRANSITIONS: Record<OrderStatus, OrderStatus[]> = {
  requested: ['in_progress', 'completed', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export interface OrderItemIn { planCode: string; quantities?: Record<string, string | number>; addOn?: boolean; coupons?: string[] }
type OrderRow = typeof orders.$inferSelect;

export function orderOut(o: OrderRow) {
  return {
    id: o.id, customerId: o.customerId, status: o.status as OrderStatus, items: o.items, note: o.note,
    billingStartDate: o.billingStartDate, subscriptionIds: o.subscriptionIds,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(), completedAt: o.completedAt?.toISOString() ?? null,
  };
}

/** Live plan codes of a customer on a date (subscriptions not cancelled by then). */
async function livePlans(db: DbOrTx, tenantId: string, customerId: string, on: string): Promise<string[]> {
  const rows = await db.select().from(subscriptions).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.customerId, customerId)));
  return rows.filter((s) => effectiveStatus(s, on) !== 'cancelled').map((s) => s.planCode);
}

/** requires / excludes between the order's plans and the customer's live plans; add-ons need a base plan. */
export async function checkRelations(db: DbOrTx, tenantId: string, customerId: string, items: { planCode: string; addOn: boolean }[], on: string) {
  const rels = await db.select().from(planRelations).where(eq(planRelations.tenantId, tenantId));
  const live = await livePlans(db, tenantId, customerId, on);
  const issues: FieldIssue[] = [];
  items.forEach((it, i) => {
    const others = [...live, ...items.filter((_, j) => j !== i).map((x) => x.planCode)];
    for (const r of rels) {
      if (r.kind === 'requires' && r.planCode === it.planCode && !others.includes(r.relatedPlanCode)) {
        issues.push({ path: `items[${i}].planCode`, message: `plan "${it.planCode}" requires plan "${r.relatedPlanCode}" (in this order or already subscribed)` });
      }
      if (r.kind === 'excludes') {
        const clash = r.planCode === it.planCode ? r.relatedPlanCode : r.relatedPlanCode === it.planCode ? r.planCode : null;
        if (clash && others.includes(clash)) issues.push({ path: `items[${i}].planCode`, message: `plan "${it.planCode}" cannot be combined with plan "${clash}"` });
      }
    }
    if (it.addOn && !items.some((x) => !x.addOn) && live.length === 0) {
      issues.push({ path: `items[${i}].addOn`, message: 'an add-on needs a base plan in the order or an existing subscription' });
    }
  });
  if (issues.length) throw invalid(issues);
}

async function validateItems(db: DbOrTx, ctx: Ctx, customerId: string, items: OrderRow['items'], on: string) {
  const customer = await getCustomerRow(db, ctx.tenantId, customerId);
  // Dunning suspends a customer (server/dunning): no new orders until it is reinstated.
  if (customer.status === 'suspended') throw conflict('The customer is suspended for unpaid invoices; new orders are blocked until it is reinstated', [{ path: 'customerId', message: 'customer is suspended' }]);
  for (const [i, it] of items.entries()) {
    const p = await planAt(db, ctx.tenantId, it.planCode, on, `items[${i}].planCode`);
    assertEligible(p.document, customer, on, it.quantities, `items[${i}].planCode`);
  }
  await checkRelations(db, ctx.tenantId, customerId, items, on);
  return customer;
}

export async function createOrder({ ctx, input }: { ctx: Ctx; input: { customerId: string; items: OrderItemIn[]; note?: string } }) {
  assertPermission(ctx, 'billing:write');
  const items = input.items.map((it) => ({ planCode: it.planCode, quantities: normQuantities(it.quantities), addOn: it.addOn ?? false, coupons: it.coupons ?? [] }));
  return withTransaction(ctx, async (tx, tctx) => {
    await validateItems(tx, tctx, input.customerId, items, await tenantToday(tx, tctx));
    const [o] = await tx.insert(orders).values({ tenantId: ctx.tenantId, customerId: input.customerId, items, note: input.note ?? null, createdAt: ctx.now(), updatedAt: ctx.now() }).returning();
    await recordAudit(tx, tctx, { action: 'order.create', entityType: 'order', entityId: o.id, after: o });
    return orderOut(o);
  });
}

export async function listOrders({ ctx, query }: { ctx: Ctx; query: { status?: OrderStatus; customerId?: string; limit: number; offset: number } }) {
  assertPermission(ctx, 'billing:read');
  const where: SQL[] = [eq(orders.tenantId, ctx.tenantId)];
  if (query.status) where.push(eq(orders.status, query.status));
  if (query.customerId) where.push(eq(orders.customerId, query.customerId));
  return paginate({ db: q(ctx), from: orders, where: and(...where), orderBy: [desc(orders.createdAt), asc(orders.id)], page: query, map: (rows) => rows.map(orderOut) });
}

export async function getOrder({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:read');
  const [o] = await q(ctx).select().from(orders).where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.id, id)));
  if (!o) throw notFound('Order');
  return orderOut(o);
}

/** Moves an order along; `completed` needs billingStartDate and creates one subscription per item. */
export async function transitionOrder({ ctx, id, input }: { ctx: Ctx; id: string; input: { status: OrderStatus; billingStartDate?: string } }) {
  assertPermission(ctx, 'billing:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [o] = await tx.select().from(orders).where(and(eq(orders.tenantId, ctx.tenantId), eq(orders.id, id))).for('update');
    if (!o) throw notFound('Order');
    const from = o.status as OrderStatus;
    if (!TRANSITIONS[from].includes(input.status)) {
      throw conflict(`An order cannot go from ${from} to ${input.status}`, [{ path: 'status', message: `allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'none'}` }]);
    }
    const now = ctx.now();
    let patch: Partial<OrderRow> = { status: input.status, updatedAt: now };
    if (input.status === 'completed') {
      const start = input.billingStartDate;
      if (!start) throw invalid([{ path: 'billingStartDate', message: 'is required to complete an order (과금 개시일)' }]);
      const customer = await validateItems(tx, tctx, o.customerId, o.items, start);
      const { cycleDay } = await billingGroupOf(tx, ctx.tenantId, customer.billingGroup);
      const ids: string[] = [];
      for (const [i, it] of o.items.entries()) {
        const plan = (await planAt(tx, ctx.tenantId, it.planCode, start, `items[${i}].planCode`)).document;
        const trialEnd = plan.trialDays ? addDays(start, plan.trialDays) : null;
        const [s] = await tx.insert(subscriptions).values({
          tenantId: ctx.tenantId, customerId: o.customerId, orderId: o.id, planCode: it.planCode, status: trialEnd ? 'trial' : 'active',
          startDate: start, trialEndDate: trialEnd, quantities: it.quantities, coupons: it.coupons, addOn: it.addOn,
          billingGroup: customer.billingGroup, anchorDay: cycleDay, createdAt: now, updatedAt: now,
        }).returning();
        await tx.insert(subscriptionPhases).values({ tenantId: ctx.tenantId, subscriptionId: s.id, planCode: it.planCode, quantities: it.quantities, startDate: start, reason: 'signup', createdAt: now });
        await recordAudit(tx, tctx, { action: 'subscription.create', entityType: 'subscription', entityId: s.id, after: s });
        await emitEvent(tx, ctx.tenantId, 'subscription.created', { subscription: subscriptionOut(s, await phasesOf(tx, ctx.tenantId, [s.id]), await tenantToday(tx, tctx)), orderId: o.id });
        ids.push(s.id);
      }
      patch = { ...patch, billingStartDate: start, subscriptionIds: ids, completedAt: now };
      await refreshCustomerMrr(tx, ctx.tenantId, [o.customerId]);
    }
    const [after] = await tx.update(orders).set(patch).where(eq(orders.id, o.id)).returning();
    await recordAudit(tx, tctx, { action: `order.${input.status}`, entityType: 'order', entityId: o.id, before: o, after });
    return orderOut(after);
  });
}

export const RELATION_KINDS = ['requires', 'excludes', 'upgrades_to'] as const;

export async function listPlanRelations({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'catalog:read');
  const rows = await q(ctx).select().from(planRelations).where(eq(planRelations.tenantId, ctx.tenantId)).orderBy(asc(planRelations.planCode));
  return rows.map((r) => ({ id: r.id, planCode: r.planCode, kind: r.kind, relatedPlanCode: r.relatedPlanCode }));
}

export async function createPlanRelation({ ctx, input }: { ctx: Ctx; input: { planCode: string; kind: (typeof RELATION_KINDS)[number]; relatedPlanCode: string } }) {
  assertPermission(ctx, 'catalog:write');
  if (input.planCode === input.relatedPlanCode) throw invalid([{ path: 'relatedPlanCode', message: 'must differ from planCode' }]);
  return withTransaction(ctx, async (tx, tctx) => {
    // A relation to a plan that does not exist would never apply and only hide a typo.
    const known = await tx.select({ code: catalogEntries.code }).from(catalogEntries)
      .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, 'plan'), inArray(catalogEntries.code, [input.planCode, input.relatedPlanCode])));
    const codes = new Set(known.map((k) => k.code));
    const unknown: FieldIssue[] = (['planCode', 'relatedPlanCode'] as const)
      .filter((k) => !codes.has(input[k])).map((k) => ({ path: k, message: `no plan with code "${input[k]}"` }));
    if (unknown.length) throw invalid(unknown);
    const [r] = await tx.insert(planRelations).values({ tenantId: ctx.tenantId, ...input, createdAt: ctx.now() }).onConflictDoNothing().returning();
    if (!r) throw conflict('This relation already exists');
    await recordAudit(tx, tctx, { action: 'plan_relation.create', entityType: 'plan_relation', entityId: r.id, after: r });
    return { id: r.id, planCode: r.planCode, kind: r.kind, relatedPlanCode: r.relatedPlanCode };
  });
}

export async function deletePlanRelation({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'catalog:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [r] = await tx.delete(planRelations).where(and(eq(planRelations.tenantId, ctx.tenantId), eq(planRelations.id, id))).returning();
    if (!r) throw notFound('Plan relation');
    await recordAudit(tx, tctx, { action: 'plan_relation.delete', entityType: 'plan_relation', entityId: r.id, before: r });
  });
}
