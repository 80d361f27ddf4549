/**
 * Granted credit (무상 충전: promotional prepaid balance, or points given by hand): a
 * `top_up_granted` entry, optionally expiring at the start of `expiresOn` (a tenant-local date;
 * the daily expiry job posts an `expiry` entry for what is left of it then, ./expire-grants.ts).
 */
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, isCurrencyCode } from '../lib/money';
import { findBillTo } from '../customers/bill-to';
import { tenantToday } from '../tenants/tenant-settings';
import { entryOut, lockWallet, postEntry, tooLarge, walletOut, type WalletKind } from './ledger';

export interface GrantInput { currency: string; amount: string; reason: string; expiresOn?: string | null }

/** A grant's expiry date as the instant stored in `expires_at`: the start of that date, written as UTC midnight (dates compare as dates). */
export const expiryInstant = (date: string) => new Date(`${date}T00:00:00Z`);

export async function grantCredit({ ctx, billTo, kind, input }: { ctx: Ctx; billTo: string; kind: WalletKind; input: GrantInput }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const owner = await findBillTo(tx, tctx, billTo);
    if (!owner) throw notFound('Payer');
    const today = await tenantToday(tx, tctx);
    const issues: FieldIssue[] = [];
    if (!isCurrencyCode(input.currency)) issues.push({ path: 'currency', message: 'is not an ISO 4217 currency code' });
    else if (owner.currencies.length && !owner.currencies.includes(input.currency)) issues.push({ path: 'currency', message: `does not match the payer's currency (${owner.currencies.join(', ')})` });
    const problem = amountProblem(input.amount, input.currency);
    if (problem) issues.push({ path: 'amount', message: problem });
    else if (tooLarge(input.amount)) issues.push({ path: 'amount', message: 'is too large' });
    if (input.expiresOn && input.expiresOn <= today) issues.push({ path: 'expiresOn', message: `must be after today (${today})` });
    if (issues.length) throw invalid(issues);
    const w = await lockWallet(tx, tctx, owner, kind, input.currency);
    const { wallet, entry } = await postEntry(tx, tctx, w, {
      type: 'top_up_granted', amount: new Decimal(input.amount), reason: input.reason, expiresAt: input.expiresOn ? expiryInstant(input.expiresOn) : null,
    });
    return { wallet: walletOut(wallet), entry: entryOut(entry, wallet.currency) };
  });
}
