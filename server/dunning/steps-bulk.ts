/**
 * The frequent dunning actions done for a whole chunk of claimed steps at once (a few statements
 * instead of a few per invoice): payment retries, late fees as their own invoices, suspensions.
 * Each returns one StepResult per item, in order, with exactly what the one-at-a-time functions in
 * steps.ts return; apply.ts falls back to those, one savepoint each, when a bulk call fails.
 */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client';
import { insertRows } from '../db/bulk';
import { customers, invoices, paymentMethods, payers, subscriptions, tenants } from '../db/schema';
import { Decimal, toMoneyString } from '../lib/money';
import { addDays } from '../lib/dates';
import { nextNumbers } from '../invoices/invoices';
import { pauseSubscription } from '../subscriptions/subscriptions';
import { emitSuspensionWebhook, retryPayment } from './seams';
import type { DunningInvoice } from './load';
import { attempt, type StepEnv, type StepResult } from './steps';

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** Retries: one query for the parties' default methods; only automatic ones go on to queue a collection. */
export async function retryMany(env: StepEnv, tx: Tx, invs: DunningInvoice[]): Promise<StepResult[]> {
  const tenantId = env.ctx.tenantId;
  const methods = await tx.select().from(paymentMethods).where(and(eq(paymentMethods.tenantId, tenantId), inArray(paymentMethods.billTo, unique(invs.map((i) => i.billTo))),
    eq(paymentMethods.isDefault, true), eq(paymentMethods.status, 'active')));
  const of = new Map(methods.map((m) => [m.billTo, m]));
  const out: StepResult[] = [];
  for (const inv of invs) out.push({ status: 'done', result: { ...await retryPayment(tx, inv, of.get(inv.billTo) ?? null) } });
  return out;
}

const FEE_INVOICE_COLUMNS = ['id', 'tenant_id', 'bill_to', 'payer_id', 'customer_id', 'period_start', 'period_end', 'currency', 'sequence', 'status', 'number', 'issue_date', 'due_date',
  'lines', 'subtotal', 'discount_total', 'tax_total', 'total', 'amount_due', 'trace', 'notes', 'finalized_at', 'created_at', 'updated_at'] as const;

export interface FeeItem { src: DunningInvoice; fee: Decimal; ruleCode: string; ruleVersion: number }

/** Late fees, each a finalized invoice of its own (as chargeLateFee): numbers reserved at once, one insert. */
export async function chargeLateFees(env: StepEnv, tx: Tx, items: FeeItem[]): Promise<StepResult[]> {
  const { ctx, today } = env;
  const payerIds = unique(items.map((i) => i.src.payerId).filter((x): x is string => !!x));
  const termsOf = new Map(payerIds.length ? (await tx.select({ id: payers.id, terms: payers.paymentTermsDays }).from(payers)
    .where(and(eq(payers.tenantId, ctx.tenantId), inArray(payers.id, payerIds)))).map((p) => [p.id, p.terms]) : []);
  const [{ terms: tenantTerms }] = await tx.select({ terms: tenants.paymentTermsDays }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  const seqOf = new Map((await tx.select({ billTo: invoices.billTo, currency: invoices.currency, seq: sql<number>`coalesce(max(${invoices.sequence}), 0)::int` }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), inArray(invoices.billTo, unique(items.map((i) => i.src.billTo))), eq(invoices.periodStart, today)))
    .groupBy(invoices.billTo, invoices.currency)).map((r) => [`${r.billTo}|${r.currency}`, Number(r.seq)]));
  const first = await nextNumbers(tx, ctx.tenantId, 'invoice', items.length);
  const rows = items.map(({ src, fee, ruleCode, ruleVersion }, k) => {
    const key = `${src.billTo}|${src.currency}`;
    const seq = (seqOf.get(key) ?? 0) + 1;
    seqOf.set(key, seq);
    const terms = (src.payerId ? termsOf.get(src.payerId) : null) ?? tenantTerms;
    const number = `INV-${today.slice(0, 4)}${today.slice(5, 7)}-${String(first + k).padStart(6, '0')}`;
    const amount = toMoneyString(fee, src.currency);
    const description = `연체료 / Late fee: ${src.number ?? src.id}`;
    const now = ctx.now();
    return {
      id: randomUUID(), tenant_id: ctx.tenantId, bill_to: src.billTo, payer_id: src.payerId, customer_id: src.customerId, period_start: today, period_end: addDays(today, 1),
      currency: src.currency, sequence: seq, status: 'finalized', number, issue_date: today, due_date: addDays(today, terms),
      lines: [{ kind: 'charge', description, amount, rule: ruleCode }], subtotal: fee.toString(), discount_total: '0', tax_total: '0', total: fee.toString(), amount_due: fee.toString(),
      trace: [{ dunning: { rule: ruleCode, version: ruleVersion, action: 'late_fee', sourceInvoiceId: src.id } }], notes: description, finalized_at: now, created_at: now, updated_at: now,
    };
  });
  // One statement per 5,000 (server/db/bulk.ts); the ids are ours, so nothing needs reading back.
  await insertRows(tx, 'invoices', FEE_INVOICE_COLUMNS, rows);
  return rows.map((r, k) => ({ status: 'done', result: { amount: r.lines[0].amount, currency: items[k].src.currency, feeInvoiceId: r.id, feeInvoiceNumber: r.number } }));
}

/**
 * Suspensions (as suspend): the parties' active customers suspended in one update, their live
 * subscriptions paused one by one (a service call each, with its own checks). Two invoices of one
 * party in the same chunk: the first suspends, the second finds nobody left, as one at a time would.
 * When nobody subscribes to `customer.suspended`, the first emit says so and the rest are skipped.
 */
export async function suspendMany(env: StepEnv, tx: Tx, invs: DunningInvoice[]): Promise<StepResult[]> {
  const { ctx } = env;
  const billTos = unique(invs.map((i) => i.billTo));
  const custs = await tx.select({ id: customers.id, status: customers.status, payerId: customers.payerId }).from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), or(inArray(customers.payerId, billTos), and(inArray(customers.id, billTos), isNull(customers.payerId)))));
  const party = new Map<string, string[]>();
  for (const c of custs) if (c.status === 'active') party.set(c.payerId ?? c.id, [...(party.get(c.payerId ?? c.id) ?? []), c.id]);
  const all = [...party.values()].flat();
  const subsOf = new Map<string, string[]>();
  if (all.length) {
    await tx.update(customers).set({ status: 'suspended', updatedAt: ctx.now() }).where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.id, all)));
    for (const s of await tx.select({ id: subscriptions.id, customerId: subscriptions.customerId }).from(subscriptions)
      .where(and(eq(subscriptions.tenantId, ctx.tenantId), inArray(subscriptions.customerId, all), inArray(subscriptions.status, ['active', 'trial'])))) {
      subsOf.set(s.customerId, [...(subsOf.get(s.customerId) ?? []), s.id]);
    }
  }
  let listened = true;
  const out: StepResult[] = [];
  for (const inv of invs) {
    const ids = party.get(inv.billTo) ?? [];
    party.delete(inv.billTo);
    const errors: string[] = [];
    const paused: string[] = [];
    for (const id of ids.flatMap((c) => subsOf.get(c) ?? [])) if (await attempt(tx, errors, `pause ${id}`, (sp) => pauseSubscription({ ctx: { ...ctx, tx: sp }, id, input: {} }))) paused.push(id);
    const webhook = listened ? (await emitSuspensionWebhook(tx, ctx.tenantId, { type: 'customer.suspended', customerIds: ids, invoiceId: inv.id })).delivery : 'not_configured';
    if (webhook === 'not_configured') listened = false;
    out.push({ status: 'done', result: { customers: ids, pausedSubscriptions: paused, errors, webhook } });
  }
  return out;
}
