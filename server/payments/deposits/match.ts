/**
 * Who a deposit is from, in this order (the first rule that names someone decides; README):
 * 1. **virtual account**: the account number it was paid into is a payer's virtual account;
 * 2. **invoice number**: the memo or the depositor field (a payer can type a note there, which
 *    Korean banks show as the depositor) contains an invoice number (INV-YYYYMM-NNNNNN);
 * 3. **amount and name**: the depositor's name is exactly one bill-to party's name (spaces, case,
 *    (주) / ㈜ / 주식회사 ignored) and exactly one open invoice of theirs, in the deposit's
 *    currency, still owes exactly the amount.
 * Otherwise the deposit is unmatched: `no_match`, `ambiguous` (rule 3 found several), or
 * `currency` (rule 1 or 2 named a payer that is not billed in the deposit's currency).
 * Reads only, so a dry run asks the same question as the real import.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { customers, invoices, payers, paymentMethods } from '../../db/schema';
import type { Ctx } from '../../lib/context';
import { Decimal } from '../../lib/money';
import { findBillTo, type BillTo } from '../../customers/bill-to';
import { creditedTotals, outstanding, OPEN_INVOICE_STATUSES } from '../../invoices/invoices';

export type MatchRule = 'virtual_account' | 'invoice_number' | 'amount_and_name' | 'manual';
export type UnmatchedReason = 'no_match' | 'ambiguous' | 'currency';
export interface DepositFacts { amount: string; currency: string; depositorName: string | null; memo: string | null; accountNumber: string | null }
export type Match =
  | { ok: true; rule: MatchRule; owner: BillTo; invoiceId: string | null; invoiceNumber: string | null }
  | { ok: false; reason: UnmatchedReason };

const INVOICE_NUMBER = /INV-\d{6}-\d{6}/i;

/** A name as banks and people write it: no spaces, no company-form marks, lower case. */
export const normName = (s: string) => s.replace(/\(주\)|㈜|주식회사|\(유\)|유한회사/g, '').replace(/[\s.,·]/g, '').toLowerCase();

const inCurrency = (owner: BillTo, currency: string) => owner.currencies.includes(currency);

async function byVirtualAccount(db: DbOrTx, ctx: Ctx, account: string) {
  const [m] = await db.select({ billTo: paymentMethods.billTo }).from(paymentMethods).where(and(eq(paymentMethods.tenantId, ctx.tenantId),
    eq(paymentMethods.type, 'virtual_account'), sql`regexp_replace(${paymentMethods.accountNumber}, '\\D', '', 'g') = ${account}`)).limit(1);
  return m ? findBillTo(db, ctx, m.billTo) : null;
}

async function byInvoiceNumber(db: DbOrTx, ctx: Ctx, text: string) {
  const number = INVOICE_NUMBER.exec(text)?.[0].toUpperCase();
  if (!number) return null;
  const [inv] = await db.select({ id: invoices.id, billTo: invoices.billTo, currency: invoices.currency, number: invoices.number }).from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.number, number)));
  if (!inv) return null;
  const owner = await findBillTo(db, ctx, inv.billTo);
  return owner ? { owner, inv } : null;
}

/** Bill-to parties named like the depositor: payers, and customers that pay their own invoices. */
async function byName(db: DbOrTx, ctx: Ctx, name: string): Promise<string[]> {
  const n = normName(name);
  if (!n) return [];
  const sameName = (col: typeof payers.name | typeof customers.name) =>
    sql`lower(regexp_replace(regexp_replace(${col}, '\\(주\\)|㈜|주식회사|\\(유\\)|유한회사', '', 'g'), '[[:space:].,·]', '', 'g')) = ${n}`;
  const p = await db.select({ id: payers.id }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), sameName(payers.name)));
  const c = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), isNull(customers.payerId), sameName(customers.name)));
  return [...p, ...c].map((r) => r.id);
}

export async function matchDeposit(db: DbOrTx, ctx: Ctx, d: DepositFacts): Promise<Match> {
  if (d.accountNumber) {
    const owner = await byVirtualAccount(db, ctx, d.accountNumber.replace(/\D/g, ''));
    if (owner) return inCurrency(owner, d.currency) ? { ok: true, rule: 'virtual_account', owner, invoiceId: null, invoiceNumber: null } : { ok: false, reason: 'currency' };
  }
  const found = await byInvoiceNumber(db, ctx, `${d.memo ?? ''} ${d.depositorName ?? ''}`);
  if (found) {
    return found.inv.currency === d.currency
      ? { ok: true, rule: 'invoice_number', owner: found.owner, invoiceId: found.inv.id, invoiceNumber: found.inv.number }
      : { ok: false, reason: 'currency' };
  }
  if (!d.depositorName) return { ok: false, reason: 'no_match' };
  const owners = await byName(db, ctx, d.depositorName);
  if (!owners.length) return { ok: false, reason: 'no_match' };
  const open = await db.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), inArray(invoices.billTo, owners),
    eq(invoices.currency, d.currency), inArray(invoices.status, OPEN_INVOICE_STATUSES)));
  const credited = await creditedTotals(db, ctx.tenantId, open.map((i) => i.id));
  const exact = open.filter((i) => outstanding(i, credited.get(i.id) ?? '0').equals(new Decimal(d.amount)));
  if (exact.length !== 1) return { ok: false, reason: exact.length ? 'ambiguous' : 'no_match' };
  const owner = await findBillTo(db, ctx, exact[0].billTo);
  return owner ? { ok: true, rule: 'amount_and_name', owner, invoiceId: exact[0].id, invoiceNumber: exact[0].number } : { ok: false, reason: 'no_match' };
}
