/**
 * Subscription services. Every change is a split of the phase timeline at an effective date
 * (closing the phase that covers it and opening the next), done under a row lock with its audit
 * row in the same transaction. Dates already billed cannot be changed (409).
 */
import { and, asc, count, desc, eq, gt, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { bills, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { parseDecimal, type Decimal } from '../lib/money';
import { isIsoDate } from '../lib/dates';
import { rate } from '../rating';
import type { PlanDoc } from '../rating/types';
import { assertEligible, cycleDayOf, getCustomerRow, normQuantities, periodContaining, planAt, tenantToday } from './common';

type Sub = typeof subscriptions.$inferSelect;
type Phase = typeof subscriptionPhases.$inferSelect;

export type SubscriptionStatus = 'trial' | 'active' | 'paused' | 'cancelled';

/** The status a subscription has on `today`: trial ends and scheduled cancellations take effect by date. */
export function effectiveStatus(s: Pick<Sub, 'status' | 'endDate' | 'trialEndDate'>, today: string): SubscriptionStatus {
  if (s.status === 'cancelled' || (s.endDate && s.endDate <= today)) return 'cancelled';
  if (s.status === 'paused') return 'paused';
  if (s.trialEndDate && today < s.trialEndDate) return 'trial';
  return 'active';
}

export function subscriptionOut(s: Sub, phases: Phase[], today: string) {
  const sorted = [...phases].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const current = sorted.filter((p) => p.startDate <= today).at(-1) ?? sorted[0];
  const scheduled = sorted.find((p) => p.startDate > today) ?? null;
  return {
    id: s.id, customerId: s.customerId, orderId: s.orderId,
    planCode: current?.planCode ?? s.planCode,
    quantities: current?.quantities ?? s.quantities,
    status: effectiveStatus(s, today),
    startDate: s.startDate, trialEndDate: s.trialEndDate, endDate: s.endDate, cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    coupons: s.coupons, addOn: s.addOn, billingGroup: s.billingGroup, anchorDay: s.anchorDay,
    scheduledChange: scheduled ? { planCode: scheduled.planCode, quantities: scheduled.quantities, effectiveDate: scheduled.startDate, reason: scheduled.reason } : null,
    phases: sorted.map((p) => ({ planCode: p.planCode, quantities: p.quantities, startDate: p.startDate, endDate: p.endDate, reason: p.reason })),
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

async function phasesOf(db: Ctx['db'] | Tx, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(subscriptionPhases)
    .where(and(eq(subscriptionPhases.tenantId, tenantId), inArray(subscriptionPhases.subscriptionId, ids)))
    .orderBy(asc(subscriptionPhases.startDate));
}

export interface SubscriptionListQuery { customerId?: string; status?: SubscriptionStatus; planCode?: string; limit: number; offset: number }

export async function listSubscriptions({ ctx, query }: { ctx: Ctx; query: SubscriptionListQuery }) {
  assertPermission(ctx, 'billing:read');
  const today = await tenantToday(q(ctx), ctx);
  const where: SQL[] = [eq(subscriptions.tenantId, ctx.tenantId)];
  if (query.customerId) where.push(eq(subscriptions.customerId, query.customerId));
  if (query.planCode) where.push(eq(subscriptions.planCode, query.planCode));
  if (query.status === 'cancelled') where.push(sql`(${subscriptions.status} = 'cancelled' or ${subscriptions.endDate} <= ${today})`);
  else if (query.status === 'paused') where.push(sql`${subscriptions.status} = 'paused' and (${subscriptions.endDate} is null or ${subscriptions.endDate} > ${today})`);
  else if (query.status === 'trial') where.push(sql`${subscriptions.status} in ('trial','active') and ${subscriptions.trialEndDate} > ${today} and (${subscriptions.endDate} is null or ${subscriptions.endDate} > ${today})`);
  else if (query.status === 'active') where.push(sql`${subscriptions.status} in ('trial','active') and (${subscriptions.trialEndDate} is null or ${subscriptions.trialEndDate} <= ${today}) and (${subscriptions.endDate} is null or ${subscriptions.endDate} > ${today})`);
  const [{ n }] = await q(ctx).select({ n: count() }).from(subscriptions).where(and(...where));
  const rows = await q(ctx).select().from(subscriptions).where(and(...where))
    .orderBy(desc(subscriptions.createdAt), asc(subscriptions.id)).limit(query.limit).offset(query.offset);
  const phases = await phasesOf(q(ctx), ctx.tenantId, rows.map((r) => r.id));
  return { data: rows.map((r) => subscriptionOut(r, phases.filter((p) => p.subscriptionId === r.id), today)), total: Number(n) };
}

export async function getSubscription({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'billing:read');
  const [s] = await q(ctx).select().from(subscriptions).where(and(eq(subscriptions.tenantId, ctx.tenantId), eq(subscriptions.id, id)));
  if (!s) throw notFound('Subscription');
  return subscriptionOut(s, await phasesOf(q(ctx), ctx.tenantId, [s.id]), await tenantToday(q(ctx), ctx));
}

/**
 * The recurring price of a plan at given quantities over one full period, without rules and
 * usage: what decides whether a change is an upgrade (higher) or a downgrade (lower or equal).
 */
export function recurringPrice(plan: PlanDoc, quantities: Record<string, string>): Decimal {
  const r = rate({
    currency: plan.currency, customer: {}, period: { start: '2025-01-01', end: '2025-02-01' },
    subscriptions: [{ plan: { ...plan, trialDays: 0 }, quantities }],
  }, { rules: [], trace: 'summary' });
  return parseDecimal(r.subtotal);
}

interface Mutation { tx: Tx; tctx: Ctx; sub: Sub; phases: Phase[]; today: string }

/** Locks the subscription and hands it to `fn` with its phases; audits before/after. */
async function mutate<T>(ctx: Ctx, id: string, action: string, fn: (m: Mutation) => Promise<T>) {
  assertPermission(ctx, 'billing:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [sub] = await tx.select().from(subscriptions).where(and(eq(subscriptions.tenantId, ctx.tenantId), eq(subscriptions.id, id))).for('update');
    if (!sub) throw notFound('Subscription');
    const phases = await phasesOf(tx, ctx.tenantId, [id]);
    const today = await tenantToday(tx, tctx);
    const before = subscriptionOut(sub, phases, today);
    await fn({ tx, tctx, sub, phases, today });
    const [after] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id));
    await recordAudit(tx, tctx, { action: `subscription.${action}`, entityType: 'subscription', entityId: id, before, after: subscriptionOut(after, await phasesOf(tx, ctx.tenantId, [id]), today) });
  });
  return getSubscription({ ctx, id });
}

/** Refuses an effective date inside a period that is already billed, or before the start. */
async function assertChangeable(tx: Tx, sub: Sub, date: string, path = 'effectiveDate') {
  if (!isIsoDate(date)) throw invalid([{ path, message: 'must be a date YYYY-MM-DD' }]);
  if (date < sub.startDate) throw invalid([{ path, message: `must be on or after the subscription start ${sub.startDate}` }]);
  const [billed] = await tx.select({ p: bills.periodStart }).from(bills)
    .where(and(eq(bills.tenantId, sub.tenantId), eq(bills.subscriptionId, sub.id), gt(bills.periodEnd, date))).limit(1);
  if (billed) throw conflict(`The period starting ${billed.p} is already billed; changes can take effect from its end. Issue a credit note to correct it.`, [{ path, message: 'inside an already billed period' }]);
}

/**
 * Splits the timeline at `date`: phases starting on or after it are dropped (a new change
 * replaces a scheduled one), the phase covering it ends there, and `next` (if any) starts there.
 */
async function splitAt(m: Mutation, date: string, next: { planCode: string; quantities: Record<string, string>; reason: string } | null) {
  const { tx, sub } = m;
  await tx.delete(subscriptionPhases).where(and(eq(subscriptionPhases.tenantId, sub.tenantId), eq(subscriptionPhases.subscriptionId, sub.id), gte(subscriptionPhases.startDate, date)));
  await tx.update(subscriptionPhases).set({ endDate: date })
    .where(and(eq(subscriptionPhases.tenantId, sub.tenantId), eq(subscriptionPhases.subscriptionId, sub.id),
      sql`(${subscriptionPhases.endDate} is null or ${subscriptionPhases.endDate} > ${date})`));
  if (next && (!sub.endDate || date < sub.endDate)) {
    await tx.insert(subscriptionPhases).values({ tenantId: sub.tenantId, subscriptionId: sub.id, planCode: next.planCode, quantities: next.quantities, startDate: date, endDate: sub.endDate, reason: next.reason, createdAt: m.tctx.now() });
  }
}

function assertLive(sub: Sub, today: string, allowPaused = false) {
  const st = effectiveStatus(sub, today);
  if (st === 'cancelled') throw conflict('The subscription is cancelled');
  if (st === 'paused' && !allowPaused) throw conflict('The subscription is paused; resume it first');
}

/**
 * Plan change. An upgrade (higher recurring price) takes effect today (or effectiveDate) and is
 * prorated by the two segments; a downgrade takes effect at the end of the current period, so
 * the customer keeps what they paid for. An explicit effectiveDate applies to both.
 */
export async function changePlan({ ctx, id, input }: { ctx: Ctx; id: string; input: { planCode: string; effectiveDate?: string; quantities?: Record<string, string | number> } }) {
  return mutate(ctx, id, 'change_plan', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today);
    const current = m.phases.filter((p) => p.startDate <= today).at(-1) ?? m.phases[0];
    const quantities = input.quantities ? normQuantities(input.quantities) : normQuantities(current?.quantities ?? sub.quantities);
    const probeDate = input.effectiveDate ?? today;
    const next = await planAt(tx, ctx.tenantId, input.planCode, probeDate);
    const old = await planAt(tx, ctx.tenantId, current?.planCode ?? sub.planCode, probeDate, 'subscription.planCode');
    if (next.document.currency !== old.document.currency) throw invalid([{ path: 'planCode', message: `is in ${next.document.currency}; the subscription bills in ${old.document.currency}` }]);
    if (next.code === old.code && !input.quantities) throw invalid([{ path: 'planCode', message: 'is already the plan of the subscription' }]);
    const customer = await getCustomerRow(tx, ctx.tenantId, sub.customerId);
    assertEligible(next.document, customer, probeDate, quantities, 'planCode');
    const upgrade = recurringPrice(next.document, quantities).greaterThan(recurringPrice(old.document, normQuantities(current?.quantities ?? {})));
    const date = input.effectiveDate ?? (upgrade ? today : periodContaining(today, await cycleDayOf(tx, ctx.tenantId, sub.billingGroup)).end);
    await assertChangeable(tx, sub, date);
    await splitAt(m, date, { planCode: next.code, quantities, reason: upgrade ? 'upgrade' : 'downgrade' });
    await tx.update(subscriptions).set({ planCode: next.code, quantities, updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

export async function setQuantities({ ctx, id, input }: { ctx: Ctx; id: string; input: { quantities: Record<string, string | number>; effectiveDate?: string } }) {
  return mutate(ctx, id, 'quantities', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today);
    const date = input.effectiveDate ?? today;
    await assertChangeable(tx, sub, date);
    const covering = m.phases.filter((p) => p.startDate <= date).at(-1) ?? m.phases[0];
    const quantities = { ...normQuantities(covering?.quantities ?? sub.quantities), ...normQuantities(input.quantities) };
    await splitAt(m, date, { planCode: covering?.planCode ?? sub.planCode, quantities, reason: 'quantity' });
    await tx.update(subscriptions).set({ quantities, updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

/** Pause: the open phase ends on the date; the days until resume are not billed. */
export async function pauseSubscription({ ctx, id, input }: { ctx: Ctx; id: string; input: { effectiveDate?: string } }) {
  return mutate(ctx, id, 'pause', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today);
    const date = input.effectiveDate ?? today;
    await assertChangeable(tx, sub, date);
    await splitAt(m, date, null);
    await tx.update(subscriptions).set({ status: 'paused', updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

export async function resumeSubscription({ ctx, id, input }: { ctx: Ctx; id: string; input: { effectiveDate?: string } }) {
  return mutate(ctx, id, 'resume', async (m) => {
    const { tx, sub, today } = m;
    if (effectiveStatus(sub, today) !== 'paused') throw conflict('Only a paused subscription can be resumed');
    const date = input.effectiveDate ?? today;
    await assertChangeable(tx, sub, date);
    const last = m.phases.at(-1);
    if (last?.endDate && date < last.endDate) throw invalid([{ path: 'effectiveDate', message: `must be on or after the pause date ${last.endDate}` }]);
    await splitAt(m, date, { planCode: last?.planCode ?? sub.planCode, quantities: normQuantities(last?.quantities ?? sub.quantities), reason: 'resume' });
    await tx.update(subscriptions).set({ status: sub.trialEndDate && date < sub.trialEndDate ? 'trial' : 'active', updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

/** Cancel now (or on effectiveDate), or at the end of the current period (atPeriodEnd). */
export async function cancelSubscription({ ctx, id, input }: { ctx: Ctx; id: string; input: { atPeriodEnd: boolean; effectiveDate?: string } }) {
  return mutate(ctx, id, 'cancel', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today, true);
    const date = input.atPeriodEnd ? periodContaining(today, await cycleDayOf(tx, ctx.tenantId, sub.billingGroup)).end : (input.effectiveDate ?? today);
    await assertChangeable(tx, sub, date);
    await splitAt(m, date, null);
    await tx.update(subscriptions).set({
      endDate: date, cancelAtPeriodEnd: input.atPeriodEnd, status: date <= today ? 'cancelled' : sub.status, updatedAt: ctx.now(),
    }).where(eq(subscriptions.id, sub.id));
  });
}
