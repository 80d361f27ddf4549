/**
 * Demo payment history (issue 10): the money behind the demo invoices, recorded through the
 * product's own services (recordPayment allocates and credits earned points, refundPayment,
 * topUpWallet, grantCredit, and auto-collection through the sandbox gateway's job), never raw
 * inserts. Deterministic: who pays how depends only on an invoice's place in the list.
 *
 * `payClosedMonth` replaces "mark paid" for the oldest closed month (seeds/billing.ts): each
 * invoice is finalized on the day after its period ended (so its due date lies in the past) and
 * then paid as real customers do, by its place k in the list (k % 10):
 *   0-4  on time: card on the issue day, or a bank transfer a few days later
 *   5    late: a bank transfer 9 days after the due date
 *   6    auto-collection on a sandbox card that is declined (insufficient funds), recovered by a
 *        transfer after the due date; the payer then registers a working card
 *   7    partly paid on time (half), the rest late
 *   8    a virtual-account deposit on the next Korean payday (10th or 25th)
 *   9    on time by card, then 10% refunded as a service credit
 * `seedPaymentExtras` (a seed step after dunning) adds what open invoices and wallets show:
 * two of the newest finalized invoices partly paid, a prepaid top-up, and promotional points.
 * `grantRedeemablePoints` (seeds/billing.ts, before the bill runs) gives a few paying customers
 * welcome points that their next bill run spends: the points wallet's consumption entry, the
 * invoice's `pointsApplied` and its trace, as any bill run takes points off.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { customers, invoices, payments } from '../server/db/schema';
import type { Ctx } from '../server/lib/context';
import { ServiceError } from '../server/lib/errors';
import { Decimal, toMoneyString } from '../server/lib/money';
import { addDays } from '../server/lib/dates';
import { finalizeInvoice, moveInvoice } from '../server/invoices/invoices';
import { recordPayment } from '../server/payments/record-payment';
import { refundPayment } from '../server/payments/refund-payment';
import { PaymentIn } from '../server/payments/schemas';
import { addPaymentMethod } from '../server/payments/methods/add-payment-method';
import { PaymentMethodIn } from '../server/payments/methods/schemas';
import { updatePaymentMethod } from '../server/payments/methods/payment-methods';
import { registerCollectionJobs } from '../server/payments/collection/auto-collect';
import { AUTO_COLLECT_KIND, scheduleCollection } from '../server/payments/collection/schedule';
import { drainJobs } from '../server/jobs/worker';
import { topUpWallet } from '../server/wallets/top-up';
import { grantCredit } from '../server/wallets/grant-credit';
import { tenantToday } from '../server/tenants/tenant-settings';

/** The domain clock at 10:00 Seoul time on a date (the demo tenant's zone). */
const at = (date: string, hour = 10) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+09:00`);
const on = (ctx: Ctx, date: string, hour?: number): Ctx => ({ ...ctx, now: () => at(date, hour) });
const minDate = (a: string, b: string) => (a < b ? a : b);
const nextPayday = (d: string) => {
  const day = Number(d.slice(8, 10));
  if (day <= 10) return `${d.slice(0, 8)}10`;
  if (day <= 25) return `${d.slice(0, 8)}25`;
  return addDays(`${d.slice(0, 8)}01`, 40).slice(0, 8) + '10';
};

type Inv = typeof invoices.$inferSelect;

async function pay(ctx: Ctx, inv: Inv, method: 'card' | 'bank_transfer' | 'virtual_account', amount: Decimal, date: string, note: string) {
  return recordPayment({ ctx: on(ctx, date, method === 'card' ? 9 : 14), input: PaymentIn.parse({
    billTo: inv.billTo, method, amount: toMoneyString(amount, inv.currency), currency: inv.currency, receivedOn: date, note,
    allocations: [{ invoiceId: inv.id, amount: toMoneyString(amount, inv.currency) }],
  }) });
}

/** A declined auto-collection through the sandbox: the payer's card fails, as the job records it. */
async function declinedAutoCollection(ctx: Ctx, inv: Inv, date: string) {
  registerCollectionJobs(); // the same definitions the server registers (idempotent)
  const dctx = on(ctx, date, 6);
  await addPaymentMethod({ ctx: dctx, billTo: inv.billTo, input: PaymentMethodIn.parse({ type: 'card', card: { number: '4000000000009995', expMonth: 12, expYear: 2099 }, autoCollect: true }) });
  await scheduleCollection(ctx.db, ctx.tenantId, inv.id); // finalize queued it already (same dedupe key): kept for clarity
  // Only this invoice's attempt: the other invoices' queued attempts run at start-up, as before.
  await drainJobs(ctx.db, { now: dctx.now, filter: { kinds: [AUTO_COLLECT_KIND], tenantId: ctx.tenantId, dedupeKeyPrefix: `collect:${inv.id}:` } });
}

/** After the decline the payer registers a working card as its default (later invoices are charged to it). */
async function replaceCard(ctx: Ctx, inv: Inv, date: string) {
  const m = await addPaymentMethod({ ctx: on(ctx, date, 15), billTo: inv.billTo, input: PaymentMethodIn.parse({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 }, autoCollect: true }) });
  await updatePaymentMethod({ ctx: on(ctx, date, 15), id: m.id, input: { isDefault: true } });
}

/**
 * Welcome points for every seventh customer with a paying plan (granted on `date`, the oldest
 * period's start, a year to spend): the next bill run redeems them. Worth a small part of a bill
 * (5,000 KRW, 5 in a 2-decimal currency), so the invoices still carry an amount due.
 */
export async function grantRedeemablePoints(ctx: Ctx, list: { id: string; payerId: string | null; currency: string; paying: boolean }[], date: string): Promise<void> {
  for (const [i, c] of list.entries()) {
    if (i % 7 !== 2 || !c.paying) continue;
    await grantCredit({ ctx: on(ctx, date, 9), billTo: c.payerId ?? c.id, kind: 'points', input: {
      currency: c.currency, amount: c.currency === 'KRW' || c.currency === 'JPY' ? '5000' : '5', reason: '웰컴 포인트 (청구 시 사용)', expiresOn: addDays(date, 365) } });
  }
}

/** Finalizes the oldest closed month as of its period end and pays it as described above. */
export async function payClosedMonth(ctx: Ctx, ids: string[]): Promise<void> {
  const today = await tenantToday(ctx.db, ctx);
  for (const [k, id] of ids.entries()) {
    const [draft] = await ctx.db.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id)));
    if (new Decimal(draft.total).lte(0)) {
      // Nothing to collect (a free plan): settled as before, so no zero invoice waits overdue.
      await finalizeInvoice({ ctx, id });
      await moveInvoice({ ctx, id, action: 'mark-paid' });
      continue;
    }
    const issued = minDate(draft.periodEnd, today);
    await finalizeInvoice({ ctx: on(ctx, issued, 8), id });
    const [inv] = await ctx.db.select().from(invoices).where(eq(invoices.id, id));
    if (new Decimal(inv.amountDue).lte(0)) { // covered by credit or balance: nothing to collect
      // Covered by prepaid or points, finalize has marked it paid already (payments/README "Paid by balance").
      if (inv.status !== 'paid') await moveInvoice({ ctx, id, action: 'mark-paid' });
      continue;
    }
    try {
      await payAsCustomersDo(ctx, inv, k, issued, today);
    } catch (e) {
      // The product refuses a payment here (e.g. an invoice in a currency its payer does not use):
      // settle it as the seed did before, outside Billwise, rather than stop the start-up.
      if (!(e instanceof ServiceError)) throw e;
      const [now] = await ctx.db.select({ status: invoices.status }).from(invoices).where(eq(invoices.id, id));
      if (now.status !== 'paid') await moveInvoice({ ctx, id, action: 'mark-paid' });
    }
  }
}

async function payAsCustomersDo(ctx: Ctx, inv: Inv, k: number, issued: string, today: string) {
  const total = new Decimal(inv.amountDue);
  const due = inv.dueDate ?? addDays(issued, 14);
  const by = (d: string) => minDate(d, today);
  switch (k % 10) {
    case 5: await pay(ctx, inv, 'bank_transfer', total, by(addDays(due, 9)), 'paid after a reminder'); break;
    case 6:
      await declinedAutoCollection(ctx, inv, issued);
      await pay(ctx, inv, 'bank_transfer', total, by(addDays(due, 3)), 'paid by transfer after the card was declined');
      await replaceCard(ctx, inv, by(addDays(due, 3)));
      break;
    case 7: {
      const half = new Decimal(toMoneyString(total.div(2), inv.currency));
      await pay(ctx, inv, 'bank_transfer', half, by(addDays(due, -2)), 'first half');
      await pay(ctx, inv, 'bank_transfer', total.minus(half), by(addDays(due, 12)), 'the rest, late');
      break;
    }
    case 8: await pay(ctx, inv, 'virtual_account', total, by(minDate(nextPayday(issued), due)), 'virtual-account deposit on payday'); break;
    case 9: {
      const p = await pay(ctx, inv, 'card', total, issued, 'card on the billing day');
      const refund = new Decimal(toMoneyString(total.div(10), inv.currency));
      if (refund.gt(0)) await refundPayment({ ctx: on(ctx, by(addDays(issued, 20)), 11), id: p.id, input: { amount: toMoneyString(refund, inv.currency), reason: 'service credit for an outage', destination: 'original' } });
      break;
    }
    default:
      if (k % 2 === 0) await pay(ctx, inv, 'card', total, issued, 'card on the billing day');
      else await pay(ctx, inv, 'bank_transfer', total, by(addDays(issued, 3 + (k % 5))), 'bank transfer');
  }
}

/**
 * After dunning picked its overdue invoices: two of the newest finalized invoices partly paid, a
 * prepaid top-up for the first corporate customer's payer and promotional points for the second.
 * Runs once: a tenant with a top-up payment already has it.
 */
export async function seedPaymentExtras(ctx: Ctx): Promise<void> {
  const [had] = await ctx.db.select({ id: payments.id }).from(payments).where(and(eq(payments.tenantId, ctx.tenantId), eq(payments.note, 'prepaid top-up (demo)')));
  if (had) return;
  const today = await tenantToday(ctx.db, ctx);
  const open = await ctx.db.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.status, 'finalized')))
    .orderBy(asc(invoices.number));
  for (const inv of open.slice(-2)) {
    const part = new Decimal(toMoneyString(new Decimal(inv.amountDue).times('0.4'), inv.currency));
    if (part.gt(0)) await pay(ctx, inv, 'bank_transfer', part, today, 'partial payment').catch((e) => { if (!(e instanceof ServiceError)) throw e; });
  }
  const corp = await ctx.db.select({ id: customers.id, payerId: customers.payerId, currency: customers.currency }).from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.type, 'corporate'), inArray(customers.externalId, ['SCN', 'GRS']))).orderBy(asc(customers.externalId));
  const [first, second] = corp;
  if (first) await topUpWallet({ ctx: on(ctx, today, 11), billTo: first.payerId ?? first.id, input: { method: 'bank_transfer', amount: '500000', currency: first.currency, receivedOn: today, note: 'prepaid top-up (demo)' } });
  if (second) await grantCredit({ ctx: on(ctx, today, 11), billTo: second.payerId ?? second.id, kind: 'points', input: { currency: second.currency, amount: '3000', reason: '신규 가입 축하 포인트', expiresOn: addDays(today, 90) } });
}
