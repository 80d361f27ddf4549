/**
 * What each dunning action does inside the step's transaction, after its dunning_actions row was
 * claimed (so each runs once per step). E-mail is the one external call: run.ts sends it after the
 * claim has committed. Amounts are Decimals; stored and returned as money strings.
 */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { uuidArray } from '../db/bulk';
import { customers, dunningActions, invoices, payers, subscriptions, tenants } from '../db/schema';
import type { Ctx } from '../lib/context';
import { Decimal, toMoneyString, type RoundingMode } from '../lib/money';
import { addDays } from '../lib/dates';
import { createCreditNote, nextNumber } from '../invoices/invoices';
import { cancelSubscription, pauseSubscription, resumeSubscription } from '../subscriptions/subscriptions';
import type { DunningInvoice } from './load';
import { emitSuspensionWebhook, retryPayment } from './seams';
export { lateFeeAmount } from './steps-math';

type ActionRow = typeof dunningActions.$inferSelect;
export type StepResult = { status: 'done' | 'open'; result: Record<string, unknown> };

export interface StepEnv {
  ctx: Ctx;
  today: string;
  rounding: RoundingMode;
}

/** The customers an invoice's bill-to party stands for (a payer's customers, or the customer itself). */
export async function partyCustomers(tx: Tx | Ctx['db'], tenantId: string, billTo: string) {
  return tx.select({ id: customers.id, status: customers.status }).from(customers)
    .where(and(eq(customers.tenantId, tenantId), or(eq(customers.payerId, billTo), and(eq(customers.id, billTo), isNull(customers.payerId)))));
}

/** Charges the fee as its own finalized invoice to the same party (tenant choice documented in the README). */
export async function chargeLateFee(env: StepEnv, tx: Tx, src: DunningInvoice, fee: Decimal, ruleCode: string, ruleVersion: number): Promise<StepResult> {
  const { ctx, today } = env;
  let terms: number | null = null;
  if (src.payerId) [{ terms } = { terms: null }] = await tx.select({ terms: payers.paymentTermsDays }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.id, src.payerId)));
  if (terms == null) [{ terms }] = await tx.select({ terms: tenants.paymentTermsDays }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  const [{ seq }] = await tx.select({ seq: sql<number>`coalesce(max(${invoices.sequence}), 0) + 1` }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.billTo, src.billTo), eq(invoices.periodStart, today), eq(invoices.currency, src.currency)));
  const n = await nextNumber(tx, ctx.tenantId, 'invoice');
  const number = `INV-${today.slice(0, 4)}${today.slice(5, 7)}-${String(n).padStart(6, '0')}`;
  const amount = toMoneyString(fee, src.currency);
  const description = `연체료 / Late fee: ${src.number ?? src.id}`;
  const [inv] = await tx.insert(invoices).values({
    tenantId: ctx.tenantId, billTo: src.billTo, payerId: src.payerId, customerId: src.customerId, periodStart: today, periodEnd: addDays(today, 1),
    currency: src.currency, sequence: Number(seq), status: 'finalized', number, issueDate: today, dueDate: addDays(today, terms!),
    lines: [{ kind: 'charge', description, amount, rule: ruleCode }], subtotal: fee.toString(), discountTotal: '0', taxTotal: '0', total: fee.toString(), amountDue: fee.toString(),
    trace: [{ dunning: { rule: ruleCode, version: ruleVersion, action: 'late_fee', sourceInvoiceId: src.id } }], notes: description, finalizedAt: ctx.now(), createdAt: ctx.now(), updatedAt: ctx.now(),
  }).returning({ id: invoices.id });
  return { status: 'done', result: { amount, currency: src.currency, feeInvoiceId: inv.id, feeInvoiceNumber: number } };
}

/** Runs `fn` in a savepoint so a refused change (409 from a service) leaves the step's transaction usable. */
export async function attempt(tx: Tx, errors: string[], label: string, fn: (sp: Tx) => Promise<unknown>) {
  try {
    await tx.transaction(async (sp) => { await fn(sp); });
    return true;
  } catch (e) {
    errors.push(`${label}: ${(e as Error).message}`);
    return false;
  }
}

/** Suspension: the party's customers are suspended (orders refused), their live subscriptions paused (nothing accrues). */
export async function suspend(env: StepEnv, tx: Tx, inv: DunningInvoice): Promise<StepResult> {
  const { ctx } = env;
  const custs = (await partyCustomers(tx, ctx.tenantId, inv.billTo)).filter((c) => c.status === 'active');
  const ids = custs.map((c) => c.id);
  const errors: string[] = [];
  const paused: string[] = [];
  if (ids.length) {
    await tx.update(customers).set({ status: 'suspended', updatedAt: ctx.now() }).where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.id, ids)));
    const subs = await tx.select({ id: subscriptions.id }).from(subscriptions)
      .where(and(eq(subscriptions.tenantId, ctx.tenantId), inArray(subscriptions.customerId, ids), inArray(subscriptions.status, ['active', 'trial'])));
    for (const s of subs) if (await attempt(tx, errors, `pause ${s.id}`, (sp) => pauseSubscription({ ctx: { ...ctx, tx: sp }, id: s.id, input: {} }))) paused.push(s.id);
  }
  const hook = await emitSuspensionWebhook(tx, ctx.tenantId, { type: 'customer.suspended', customerIds: ids, invoiceId: inv.id });
  return { status: 'done', result: { customers: ids, pausedSubscriptions: paused, errors, webhook: hook.delivery } };
}

/** Reinstatement of one suspension: customers back to active, the subscriptions it paused resumed. */
export async function reinstate(env: StepEnv, tx: Tx, suspension: ActionRow): Promise<Record<string, unknown>> {
  const { ctx } = env;
  const r = suspension.result as { customers?: string[]; pausedSubscriptions?: string[] };
  const ids = r.customers ?? [];
  const errors: string[] = [];
  const resumed: string[] = [];
  if (ids.length) {
    await tx.update(customers).set({ status: 'active', updatedAt: ctx.now() })
      .where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.id, ids), eq(customers.status, 'suspended')));
  }
  for (const id of r.pausedSubscriptions ?? []) if (await attempt(tx, errors, `resume ${id}`, (sp) => resumeSubscription({ ctx: { ...ctx, tx: sp }, id, input: {} }))) resumed.push(id);
  await tx.update(dunningActions).set({ reversedAt: ctx.now(), updatedAt: ctx.now() }).where(eq(dunningActions.id, suspension.id));
  const hook = await emitSuspensionWebhook(tx, ctx.tenantId, { type: 'customer.reinstated', customerIds: ids, invoiceId: suspension.invoiceId });
  return { suspensionId: suspension.id, customers: ids, resumedSubscriptions: resumed, errors, webhook: hook.delivery };
}

/** The suspensions no reinstatement has lifted yet: of one party, of some, or of every party but `{ except }`. */
export async function openSuspensions(tx: Tx | Ctx['db'], tenantId: string, billTo?: string | string[] | { except: string[] }): Promise<ActionRow[]> {
  const party = billTo === undefined ? [] : [typeof billTo === 'string' ? eq(dunningActions.billTo, billTo)
    : Array.isArray(billTo) ? inArray(dunningActions.billTo, billTo) : sql`${dunningActions.billTo} not in (select unnest(${uuidArray(billTo.except)}))`];
  // The predicate of dunning_actions_open_suspension_idx, as literals so every plan can use it.
  return tx.select().from(dunningActions).where(and(eq(dunningActions.tenantId, tenantId), sql`action = 'suspend' and status = 'done' and reversed_at is null`, ...party));
}

export async function cancelParty(env: StepEnv, tx: Tx, inv: DunningInvoice, at: 'period_end' | 'now'): Promise<StepResult> {
  const { ctx } = env;
  const ids = (await partyCustomers(tx, ctx.tenantId, inv.billTo)).map((c) => c.id);
  const errors: string[] = [];
  const cancelled: string[] = [];
  if (ids.length) {
    const subs = await tx.select({ id: subscriptions.id }).from(subscriptions)
      .where(and(eq(subscriptions.tenantId, ctx.tenantId), inArray(subscriptions.customerId, ids), inArray(subscriptions.status, ['active', 'trial', 'paused'])));
    for (const s of subs) if (await attempt(tx, errors, `cancel ${s.id}`, (sp) => cancelSubscription({ ctx: { ...ctx, tx: sp }, id: s.id, input: { atPeriodEnd: at === 'period_end' } }))) cancelled.push(s.id);
  }
  return { status: 'done', result: { at, cancelledSubscriptions: cancelled, errors } };
}

export async function writeOff(env: StepEnv, tx: Tx, inv: DunningInvoice, owed: Decimal, reason: string): Promise<StepResult> {
  const cn = await createCreditNote({ ctx: { ...env.ctx, tx }, id: inv.id, input: { reason, lines: [{ description: `대손 처리 / Write-off: ${reason}`, amount: toMoneyString(owed, inv.currency) }] } });
  return { status: 'done', result: { creditNoteId: cn.id, creditNoteNumber: cn.number, amount: cn.amount } };
}

export async function retry(tx: Tx, inv: DunningInvoice): Promise<StepResult> {
  const r = await retryPayment(tx, inv);
  return { status: 'done', result: { ...r } };
}
