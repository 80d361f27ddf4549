/** The ledger's low-balance check (./low-balance.ts explains the rule); apart so the ledger imports nothing that imports it. */
import type { Tx } from '../db/client';
import type { wallets } from '../db/schema';
import { Decimal, toMoneyString } from '../lib/money';
import { emitEvent } from '../webhooks/emit';

type WalletRow = typeof wallets.$inferSelect;

/** Called by the ledger after each entry: emits the event when this entry crossed the threshold downwards. */
export async function checkLowBalance(tx: Tx, before: WalletRow, after: WalletRow) {
  if (after.lowBalanceThreshold === null) return;
  const t = new Decimal(after.lowBalanceThreshold);
  if (new Decimal(before.balance).lt(t) || !new Decimal(after.balance).lt(t)) return;
  await emitEvent(tx, after.tenantId, 'wallet.low_balance', {
    wallet: { id: after.id, billTo: after.billTo, payerId: after.payerId, customerId: after.customerId, kind: after.kind, currency: after.currency },
    balance: toMoneyString(new Decimal(after.balance), after.currency), threshold: toMoneyString(t, after.currency),
  });
}
