import { publishChange } from '../analytics/live';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { payments } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import type { Tx } from '../db/client';
import { conflict, invalid, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, isCurrencyCode } from '../lib/money';
import { recordAudits } from '../audit/record';
import { emitEvent, hasSubscribers } from '../webhooks/emit';
import { findBillTos } from '../customers/bill-to';
import { tenantToday } from '../tenants/tenant-settings';
import { lockWallet, postEntry } from '../wallets/ledger';
import { allocatePayments } from './allocate';
import { getPayment, paymentsOut } from './get-payment';
import { paymentOut } from './serialize';
import type { PaymentInput } from './schemas';

/** The provider of payments recorded by hand; gateway adapters (a later slice) bring their own. */
export const MANUAL_PROVIDER = 'manual';

function checkInput(input: PaymentInput, currencies: string[] | null, today: string, at: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const push = (path: string, message: string) => issues.push({ path: `${at}${path}`, message });
  // Money is recorded when it has arrived; a future date would let it pay invoices it cannot yet.
  if (input.receivedOn && input.receivedOn > today) push('receivedOn', `must not be after today (${today})`);
  if (!currencies) push('billTo', 'no such payer, or a customer that has a payer');
  if (!isCurrencyCode(input.currency)) push('currency', 'is not an ISO 4217 currency code');
  else if (currencies?.length && !currencies.includes(input.currency)) push('currency', `does not match the payer's currency (${currencies.join(', ')})`);
  const problem = amountProblem(input.amount, input.currency);
  if (problem) push('amount', problem);
  if (input.method === 'points') push('method', 'points are not accepted as payment yet');
  if (input.status !== 'succeeded' && input.allocations) push('allocations', 'only a succeeded payment is allocated');
  if (input.status === 'failed' && !input.declineCode) push('declineCode', 'is required for a failed payment');
  if (input.status !== 'failed' && (input.declineCode || input.declineMessage)) push(input.declineCode ? 'declineCode' : 'declineMessage', 'is only for a failed payment');
  return issues;
}

type PaymentRow = typeof payments.$inferSelect;

/**
 * Records payments received from payers (수납 처리), all or none, in the caller's transaction: a
 * succeeded payment is allocated at once (server/payments/allocate.ts) and any rest becomes
 * prepaid balance; a prepaid payment draws its amount from the prepaid wallet first. Every bad
 * field of every payment is reported together, each at `at(k)` + its field. The statements are
 * per batch, not per payment: the payers in three queries, the payments and their audit rows in
 * one each, the allocations as allocatePayments writes them.
 */
async function recordMany(tx: Tx, ctx: Ctx, inputs: PaymentInput[], at: (k: number) => string): Promise<PaymentRow[]> {
  const owners = await findBillTos(tx, ctx, inputs.map((i) => i.billTo));
  const today = await tenantToday(tx, ctx);
  const issues = inputs.flatMap((input, k) => checkInput(input, owners.get(input.billTo)?.currencies ?? null, today, at(k)));
  const firstWithRef = new Map<string, number>();
  inputs.forEach((input, k) => {
    if (!input.providerRef) return;
    const j = firstWithRef.get(input.providerRef);
    if (j === undefined) firstWithRef.set(input.providerRef, k);
    else {
      const other = at(j).replace(/\.$/, '');
      issues.push({ path: `${at(k)}providerRef`, message: `is also the reference of ${other}; one payment per reference` });
    }
  });
  if (issues.length) throw invalid(issues);
  const ids = inputs.map(() => randomUUID());
  // The unique (tenant, provider, providerRef) index decides, so two requests with one reference
  // at the same instant cannot both record it: the loser inserts nothing and answers 409.
  const made = await tx.insert(payments).values(inputs.map((input, k) => {
    const owner = owners.get(input.billTo)!;
    return {
      id: ids[k], tenantId: ctx.tenantId, billTo: owner.billTo, payerId: owner.payerId, customerId: owner.customerId, method: input.method,
      amount: new Decimal(input.amount).toString(), currency: input.currency, receivedOn: input.receivedOn ?? today,
      provider: MANUAL_PROVIDER, providerRef: input.providerRef ?? null, status: input.status, declineCode: input.declineCode ?? null,
      declineMessage: input.declineMessage ?? null, note: input.note ?? null, createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
    };
  })).onConflictDoNothing().returning();
  if (made.length < inputs.length) {
    const got = new Set(made.map((p) => p.id));
    const lost = inputs.map((input, k) => ({ k, ref: input.providerRef ?? '' })).filter(({ k }) => !got.has(ids[k]));
    const dups = await tx.select({ id: payments.id, ref: payments.providerRef }).from(payments)
      .where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.provider, MANUAL_PROVIDER), inArray(payments.providerRef, lost.map((l) => l.ref))));
    const dupOf = new Map(dups.map((d) => [d.ref, d.id]));
    throw conflict(`A payment with this reference is already recorded (${lost.map((l) => dupOf.get(l.ref) ?? '?').join(', ')})`,
      lost.map((l) => ({ path: `${at(l.k)}providerRef`, message: 'already in use' })));
  }
  const rows = ids.map((id) => made.find((p) => p.id === id)!);
  await recordAudits(tx, ctx, rows.map((p) => ({ action: 'payment.record', entityType: 'payment', entityId: p.id, after: paymentOut(p, '0') })));
  for (const type of ['payment.succeeded', 'payment.failed'] as const) {
    const theirs = rows.filter((p) => p.status === type.slice('payment.'.length));
    if (theirs.length && (await hasSubscribers(tx, ctx.tenantId, type))) for (const p of theirs) await emitEvent(tx, ctx.tenantId, type, { payment: paymentOut(p, '0') });
  }
  await publishChange(tx, ctx.tenantId, 'payment');
  for (const [k, p] of rows.entries()) {
    if (p.status !== 'succeeded' || p.method !== 'prepaid') continue;
    const wallet = await lockWallet(tx, ctx, owners.get(p.billTo)!, 'prepaid', p.currency);
    await postEntry(tx, ctx, wallet, { type: 'consumption', amount: new Decimal(p.amount).negated(), paymentId: p.id, reason: `payment ${p.id}`, path: `${at(k)}amount` });
  }
  await allocatePayments(tx, ctx, rows.flatMap((p, k) => (p.status === 'succeeded' ? [{ p, explicit: inputs[k].allocations, at: at(k) }] : [])));
  return rows;
}

/**
 * Records money received (수납 처리) from a payer. A succeeded payment is allocated at once
 * (server/payments/allocate.ts) and any rest becomes prepaid balance; a prepaid payment draws
 * its amount from the prepaid wallet first.
 */
export async function recordPayment({ ctx, input }: { ctx: Ctx; input: PaymentInput }) {
  assertPermission(ctx, 'payments:write');
  const [p] = await withTransaction(ctx, (tx, tctx) => recordMany(tx, tctx, [input], () => ''));
  return getPayment({ ctx, id: p.id });
}

/**
 * Records a batch of payments (a CMS auto-debit result, a day's bank transfers keyed in elsewhere)
 * all or none: the same checks, allocation and audit as POST /payments for each, in input order, so
 * two payments of one payer pay its invoices one after the other. A bad field anywhere is a 422
 * naming `payments[k].<field>`, and nothing is stored.
 */
export async function recordPayments({ ctx, inputs }: { ctx: Ctx; inputs: PaymentInput[] }) {
  assertPermission(ctx, 'payments:write');
  const rows = await withTransaction(ctx, (tx, tctx) => recordMany(tx, tctx, inputs, (k) => `payments[${k}].`));
  const fresh = await q(ctx).select().from(payments).where(and(eq(payments.tenantId, ctx.tenantId), inArray(payments.id, rows.map((p) => p.id))));
  const byId = new Map(fresh.map((p) => [p.id, p]));
  return { data: await paymentsOut(q(ctx), ctx.tenantId, rows.map((p) => byId.get(p.id)!)) };
}
