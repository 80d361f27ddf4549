/**
 * Subscription services. Every change is a split of the phase timeline at an effective date
 * (closing the phase that covers it and opening the next), done under a row lock with its audit
 * row in the same transaction. Dates already billed cannot be changed (409).
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { bills, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { paginate } from '../lib/paginate';
import { parseDecimal, type Decimal } from '../lib/money';
import { isIsoDate, maxDate, periodContaining, periodContainingAnchored } from '../lib/dates';
import { billingMode } from '../billing/rate-payer';
import { rate } from '../rating';
import type { PlanDoc } from '../rating/types';
import { assertEligible, getCustomerRow, normQuantities, planAt } from './plan-checks';
import { billingGroupOf } from '../billing/bill-run-groups';
import { tenantToday } from '../tenants/tenant-settings';
import { creditUnusedAdvance } from './advance-credit';
import { refreshCustomerMrr } from '../analytics/movements';
import { emitEvent, type EventType } from '../webhooks/emit';

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
  // No phase covers today (paused or ended): the plan and quantities it is paused / ended on are
  // those kept on the subscription row (a phase that started and was closed the same day is removed).
  const open = current && (current.startDate > today || !current.endDate || current.endDate > today);
  return {
    id: s.id, customerId: s.customerId, orderId: s.orderId,
    planCode: (open ? current.planCode : null) ?? s.planCode,
    quantities: (open ? current.quantities : null) ?? s.quantities,
    status: effectiveStatus(s, today),
    startDate: s.startDate, trialEndDate: s.trialEndDate, endDate: s.endDate, cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    coupons: s.coupons, addOn: s.addOn, billingGroup: s.billingGroup, anchorDay: s.anchorDay,
    scheduledChange: scheduled ? { planCode: scheduled.planCode, quantities: scheduled.quantities, effectiveDate: scheduled.startDate, reason: scheduled.reason } : null,
    phases: sorted.map((p) => ({ planCode: p.planCode, quantities: p.quantities, startDate: p.startDate, endDate: p.endDate, reason: p.reason })),
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

export async function phasesOf(db: Ctx['db'] | Tx, tenantId: string, ids: string[]) {
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
  return paginate({ db: q(ctx), from: subscriptions, where: and(...where), orderBy: [desc(subscriptions.createdAt), asc(subscriptions.id)], page: query,
    map: async (rows) => {
      const phases = await phasesOf(q(ctx), ctx.tenantId, rows.map((r) => r.id));
      return rows.map((r) => subscriptionOut(r, phases.filter((p) => p.subscriptionId === r.id), today));
    } });
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
    // A cycle past any installment plan: one-time charges and installments are not the recurring price.
    subscriptions: [{ plan: { ...plan, trialDays: 0 }, quantities, cycleIndex: 1_000_000 }],
  }, { rules: [], trace: 'summary' });
  return parseDecimal(r.subtotal);
}

/**
 * The webhook event of each change (server/webhooks): a cancel, and a fixed term that ends, are
 * `subscription.canceled`; a term that renews on its plan is `subscription.renewed`; everything
 * else (plan, quantities, pause, resume, a term that moves to another plan) is
 * `subscription.updated`, with `change` saying which. Creation is emitted where orders complete.
 */
const SUBSCRIPTION_EVENTS: Record<string, EventType> = {
  cancel: 'subscription.canceled', term_end: 'subscription.canceled', term_renewal: 'subscription.renewed',
};

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
    await refreshCustomerMrr(tx, ctx.tenantId, [sub.customerId]);
    const [after] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id));
    const out = subscriptionOut(after, await phasesOf(tx, ctx.tenantId, [id]), today);
    await recordAudit(tx, tctx, { action: `subscription.${action}`, entityType: 'subscription', entityId: id, before, after: out });
    // The outbox, in this transaction: a change that rolls back announces nothing.
    await emitEvent(tx, ctx.tenantId, SUBSCRIPTION_EVENTS[action] ?? 'subscription.updated', { subscription: out, change: action, previous: { planCode: before.planCode, quantities: before.quantities, status: before.status } });
  });
  return getSubscription({ ctx, id });
}

/**
 * The end (exclusive) of the billing period that contains `date`, as bill runs bill it:
 * yearly and multi-month plans → the subscription's anniversary period of the plan's interval
 * (billed in advance); weekly/daily plans → their own anchored period; monthly plans → the
 * group's calendar period (cycle day) or, in an anniversary group, the month anchored at the
 * subscription's start.
 */
async function currentPeriodEnd(tx: Tx, sub: Sub, date: string, plan: PlanDoc): Promise<string> {
  const mode = billingMode(plan);
  if (mode !== 'arrears') return periodContainingAnchored(sub.startDate, plan.interval, plan.intervalCount ?? 1, date).end;
  const g = await billingGroupOf(tx, sub.tenantId, sub.billingGroup);
  if (g.mode === 'anniversary') return periodContainingAnchored(sub.startDate, 'month', 1, date).end;
  return periodContaining(date, g.cycleDay).end;
}

/** The plan document of the phase in effect on `date` (the subscription's plan when none is). */
async function planOn(tx: Tx, sub: Sub, phases: Phase[], date: string): Promise<PlanDoc> {
  const phase = phases.filter((p) => p.startDate <= date).at(-1) ?? phases[0];
  return (await planAt(tx, sub.tenantId, phase?.planCode ?? sub.planCode, maxDate(date, sub.startDate), 'subscription.planCode')).document;
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
 * With `until` (the start of a scheduled phase that is kept), only `[date, until)` is replaced:
 * phases starting on or after `until` stay and `next` ends at `until`.
 */
async function splitAt(m: Mutation, date: string, next: { planCode: string; quantities: Record<string, string>; reason: string } | null, until?: string) {
  const { tx, sub } = m;
  const mine = and(eq(subscriptionPhases.tenantId, sub.tenantId), eq(subscriptionPhases.subscriptionId, sub.id));
  await tx.delete(subscriptionPhases).where(and(mine, gte(subscriptionPhases.startDate, date), until ? lt(subscriptionPhases.startDate, until) : undefined));
  await tx.update(subscriptionPhases).set({ endDate: date })
    .where(and(mine, lt(subscriptionPhases.startDate, date), sql`(${subscriptionPhases.endDate} is null or ${subscriptionPhases.endDate} > ${date})`));
  if (next && (!sub.endDate || date < sub.endDate)) {
    await tx.insert(subscriptionPhases).values({ tenantId: sub.tenantId, subscriptionId: sub.id, planCode: next.planCode, quantities: next.quantities, startDate: date, endDate: until ?? sub.endDate, reason: next.reason, createdAt: m.tctx.now() });
  }
}

/**
 * The phase whose plan and quantities a pause or cancel on `date` leaves the subscription on:
 * the last one starting before `date`, or on it when that is not in the future (a change made
 * today is in effect even if the subscription is paused today; a change scheduled for the pause
 * or cancel date never takes effect).
 */
function phaseLeftOn(m: Mutation, date: string): Phase | undefined {
  return m.phases.filter((p) => p.startDate < date || (p.startDate === date && date <= m.today)).at(-1) ?? m.phases[0];
}

/** Pause / cancel: ends the timeline at `date` and keeps the plan and quantities it ends on on the row (what resume reopens). */
async function endAt(m: Mutation, date: string, set: Partial<Sub>) {
  const left = phaseLeftOn(m, date);
  await splitAt(m, date, null);
  await m.tx.update(subscriptions).set({
    ...(left ? { planCode: left.planCode, quantities: normQuantities(left.quantities) } : {}), ...set, updatedAt: m.tctx.now(),
  }).where(eq(subscriptions.id, m.sub.id));
}

/** The quantity keys a plan prices (its `quantity` components). */
async function planQuantityKeys(tx: Tx, tenantId: string, code: string, date: string): Promise<Set<string>> {
  const plan = await planAt(tx, tenantId, code, date, 'scheduledChange.planCode');
  return new Set((plan.document.components ?? []).flatMap((c) => (c.type === 'quantity' && c.quantityKey ? [c.quantityKey] : [])));
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
    const date = input.effectiveDate ?? (upgrade ? today : await currentPeriodEnd(tx, sub, today, old.document));
    await assertChangeable(tx, sub, date);
    await splitAt(m, date, { planCode: next.code, quantities, reason: upgrade ? 'upgrade' : 'downgrade' });
    // In advance: the unused part of the old plan now, the new one's remaining days on the next invoice (./advance-credit.ts).
    await creditUnusedAdvance(m.tctx, tx, sub.tenantId, sub.id, date, next.code !== old.code ? `Moved to ${next.code}` : 'Quantities changed');
    await tx.update(subscriptions).set({ planCode: next.code, quantities, updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

/**
 * Quantity change from today (or effectiveDate). Phases scheduled after that date (a downgrade
 * waiting for the period end) are kept, not replaced: the new quantities apply to
 * `[date, scheduled start)`, and are carried into each scheduled phase for the keys its plan
 * prices, unless the scheduled change set that key to a value of its own (a scheduled seat
 * reduction stays as scheduled). The subscription row keeps the last phase's quantities.
 */
export async function setQuantities({ ctx, id, input }: { ctx: Ctx; id: string; input: { quantities: Record<string, string | number>; effectiveDate?: string } }) {
  return mutate(ctx, id, 'quantities', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today);
    const date = input.effectiveDate ?? today;
    await assertChangeable(tx, sub, date);
    const covering = m.phases.filter((p) => p.startDate <= date).at(-1) ?? m.phases[0];
    const given = normQuantities(input.quantities);
    const previous = normQuantities(covering?.quantities ?? sub.quantities);
    const quantities = { ...previous, ...given };
    const later = m.phases.filter((p) => p.startDate > date);
    const reason = covering && covering.startDate === date ? covering.reason : 'quantity';
    await splitAt(m, date, { planCode: covering?.planCode ?? sub.planCode, quantities, reason }, later[0]?.startDate);
    let before = previous, after = quantities;
    for (const p of later) {
      const keys = await planQuantityKeys(tx, ctx.tenantId, p.planCode, p.startDate);
      const own = normQuantities(p.quantities);
      const carried = { ...own };
      for (const k of Object.keys(given)) if (keys.has(k) && own[k] === before[k]) carried[k] = after[k];
      await tx.update(subscriptionPhases).set({ quantities: carried }).where(and(eq(subscriptionPhases.tenantId, sub.tenantId), eq(subscriptionPhases.id, p.id)));
      before = own; after = carried;
    }
    await tx.update(subscriptions).set({ quantities: after, updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
    await creditUnusedAdvance(m.tctx, tx, sub.tenantId, sub.id, date, 'Quantities changed');
  });
}

/** Pause: the open phase ends on the date; the days until resume are not billed. */
export async function pauseSubscription({ ctx, id, input }: { ctx: Ctx; id: string; input: { effectiveDate?: string } }) {
  return mutate(ctx, id, 'pause', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today);
    const date = input.effectiveDate ?? today;
    await assertChangeable(tx, sub, date);
    await endAt(m, date, { status: 'paused' });
    // Paid in advance: the paused days back now; the resumed days are charged by the run of the resume's
    // period (inside this period: the credited date; a later one: server/billing/resumed-days.ts).
    await creditUnusedAdvance(m.tctx, tx, sub.tenantId, sub.id, date, 'Paused');
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
    // The row keeps the plan and quantities the pause left it on (a phase that started on the pause date is not kept).
    await splitAt(m, date, { planCode: sub.planCode, quantities: normQuantities(sub.quantities), reason: 'resume' });
    await tx.update(subscriptions).set({ status: sub.trialEndDate && date < sub.trialEndDate ? 'trial' : 'active', updatedAt: ctx.now() }).where(eq(subscriptions.id, sub.id));
  });
}

/** Cancel now (or on effectiveDate), or at the end of the current period (atPeriodEnd). */
export async function cancelSubscription({ ctx, id, input }: { ctx: Ctx; id: string; input: { atPeriodEnd: boolean; effectiveDate?: string } }) {
  return mutate(ctx, id, 'cancel', async (m) => {
    const { tx, sub, today } = m;
    assertLive(sub, today, true);
    const date = input.atPeriodEnd ? await currentPeriodEnd(tx, sub, today, await planOn(tx, sub, m.phases, today)) : (input.effectiveDate ?? today);
    await assertChangeable(tx, sub, date);
    await endAt(m, date, { endDate: date, cancelAtPeriodEnd: input.atPeriodEnd, status: date <= today ? 'cancelled' : sub.status });
    await creditUnusedAdvance(m.tctx, tx, sub.tenantId, sub.id, date, 'Cancelled');
  });
}

/**
 * The end of a fixed term (./terms.ts): from `date` the subscription renews on its plan
 * (`term_renewal`), moves to another plan (`term_move`), or ends (`next` null). The new phase's
 * reason and the audit action (`subscription.term_*`) are its history.
 */
export async function closeTerm({ ctx, id, date, next }: { ctx: Ctx; id: string; date: string; next: { planCode: string; reason: 'term_renewal' | 'term_move' } | null }) {
  return mutate(ctx, id, next ? next.reason : 'term_end', async (m) => {
    const current = m.phases.filter((p) => p.startDate < date).at(-1);
    if (!next) {
      await endAt(m, date, { endDate: date, status: date <= m.today ? 'cancelled' : m.sub.status });
      await creditUnusedAdvance(m.tctx, m.tx, m.sub.tenantId, m.sub.id, date, 'Term ended', { issuedOnly: true });
      return;
    }
    const quantities = normQuantities(current?.quantities ?? m.sub.quantities);
    await splitAt(m, date, { planCode: next.planCode, quantities, reason: next.reason });
    await m.tx.update(subscriptions).set({ planCode: next.planCode, quantities, updatedAt: ctx.now() }).where(eq(subscriptions.id, m.sub.id));
    // A renewal on the same plan keeps what was paid in advance; a move is a plan change.
    if (next.reason === 'term_move') await creditUnusedAdvance(m.tctx, m.tx, m.sub.tenantId, m.sub.id, date, `Term moved to ${next.planCode}`, { issuedOnly: true });
  });
}
