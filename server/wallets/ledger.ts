/**
 * The one writer of wallet entries. The wallet row is locked FOR UPDATE, the new balance is
 * checked, the entry appended and the cached balance updated, all in the caller's transaction:
 * two debits at the same instant queue on the lock and the second sees the first's balance, so
 * the balance can never go below zero (the table's check constraint is the backstop).
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { walletEntries, wallets } from '../db/schema';
import type { Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { Decimal, MAX_AMOUNT, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { checkLowBalance } from './low-balance-check';
import type { BillTo } from '../customers/bill-to';

export const WALLET_KINDS = ['prepaid', 'points'] as const;
export type WalletKind = (typeof WALLET_KINDS)[number];
export const ENTRY_TYPES = ['top_up_paid', 'top_up_granted', 'consumption', 'expiry', 'adjustment', 'reversal', 'overpayment', 'refund'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Balances and entry amounts stay below the one limit of entered amounts (lib/money.ts). */
export const MAX_WALLET_AMOUNT = MAX_AMOUNT;
export const tooLarge = (s: string) => new Decimal(s).abs().gte(MAX_WALLET_AMOUNT);

type WalletRow = typeof wallets.$inferSelect;
type EntryRow = typeof walletEntries.$inferSelect;

export function walletOut(w: WalletRow) {
  return { id: w.id, billTo: w.billTo, payerId: w.payerId, customerId: w.customerId, kind: w.kind, currency: w.currency,
    balance: toMoneyString(new Decimal(w.balance), w.currency),
    lowBalanceThreshold: w.lowBalanceThreshold === null ? null : toMoneyString(new Decimal(w.lowBalanceThreshold), w.currency), createdAt: w.createdAt.toISOString(), updatedAt: w.updatedAt.toISOString() };
}

export function entryOut(e: EntryRow, currency: string) {
  return { id: e.id, walletId: e.walletId, type: e.type as EntryType, amount: toMoneyString(new Decimal(e.amount), currency),
    balanceAfter: toMoneyString(new Decimal(e.balanceAfter), currency), reason: e.reason, expiresAt: e.expiresAt?.toISOString() ?? null,
    paymentId: e.paymentId, refundId: e.refundId, invoiceId: e.invoiceId, createdBy: e.createdBy, createdAt: e.createdAt.toISOString() };
}

/** The wallet of a bill-to party, kind and currency, created empty on first use, locked until the transaction ends. */
export async function lockWallet(tx: Tx, ctx: Ctx, owner: Pick<BillTo, 'billTo' | 'payerId' | 'customerId'>, kind: WalletKind, currency: string): Promise<WalletRow> {
  await tx.insert(wallets).values({ tenantId: ctx.tenantId, billTo: owner.billTo, payerId: owner.payerId, customerId: owner.customerId, kind, currency, createdAt: ctx.now(), updatedAt: ctx.now() })
    .onConflictDoNothing();
  const [w] = await tx.select().from(wallets)
    .where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.billTo, owner.billTo), eq(wallets.kind, kind), eq(wallets.currency, currency))).for('update');
  return w;
}

export interface EntryInput {
  type: EntryType;
  /** Signed: a credit is positive, a debit negative. */
  amount: Decimal;
  reason?: string | null;
  expiresAt?: Date | null;
  paymentId?: string | null;
  refundId?: string | null;
  invoiceId?: string | null;
  /** The input field a refused debit is reported at. */
  path?: string;
  /** What the entry is for, unique per wallet: an entry with a key already posted is not posted again. */
  key?: string;
}

/**
 * Appends one entry to a wallet the caller has locked (lockWallet); refuses a debit beyond the
 * balance. A keyed entry already in the ledger is answered as it is (`posted: false`): the row
 * lock makes the check and the insert one step.
 */
export async function postEntry(tx: Tx, ctx: Ctx, wallet: WalletRow, e: EntryInput): Promise<{ wallet: WalletRow; entry: EntryRow; posted: boolean }> {
  if (e.key) {
    const [done] = await tx.select().from(walletEntries).where(and(eq(walletEntries.walletId, wallet.id), eq(walletEntries.key, e.key)));
    if (done) return { wallet, entry: done, posted: false };
  }
  const after = new Decimal(wallet.balance).plus(e.amount);
  if (after.gte(MAX_WALLET_AMOUNT) || e.amount.abs().gte(MAX_WALLET_AMOUNT)) throw invalid([{ path: e.path ?? 'amount', message: `is too large (a wallet holds less than ${MAX_WALLET_AMOUNT.toFixed()})` }]);
  if (after.isNegative()) {
    throw invalid([{ path: e.path ?? 'amount', message: `would take the wallet balance below zero (balance ${toMoneyString(new Decimal(wallet.balance), wallet.currency)})` }]);
  }
  const [entry] = await tx.insert(walletEntries).values({
    tenantId: ctx.tenantId, walletId: wallet.id, type: e.type, amount: e.amount.toString(), balanceAfter: after.toString(), reason: e.reason ?? null,
    expiresAt: e.expiresAt ?? null, paymentId: e.paymentId ?? null, refundId: e.refundId ?? null, invoiceId: e.invoiceId ?? null, key: e.key ?? null,
    createdBy: ctx.actor.name, createdAt: ctx.now(),
  }).returning();
  const [updated] = await tx.update(wallets).set({ balance: after.toString(), updatedAt: ctx.now() }).where(eq(wallets.id, wallet.id)).returning();
  await checkLowBalance(tx, wallet, updated);
  await recordAudit(tx, ctx, { action: `wallet.${e.type}`, entityType: 'wallet', entityId: wallet.id, before: walletOut(wallet), after: { wallet: walletOut(updated), entry: entryOut(entry, wallet.currency) } });
  return { wallet: updated, entry, posted: true };
}
