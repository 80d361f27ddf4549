/**
 * Low-balance notification: a wallet may carry a threshold; a debit that takes its balance from at
 * or above it to below it emits `wallet.low_balance` (an outbound webhook, server/webhooks) in the
 * debit's transaction. Once per crossing: staying below sends nothing more until it is refilled.
 * Automatic top-up is not built (it needs the gateways' saved payment methods).
 */
import { and, eq } from 'drizzle-orm';
import { wallets } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { Decimal, amountProblem } from '../lib/money';
import { recordAudit } from '../audit/record';
import { tooLarge, walletOut } from './ledger';

export async function setLowBalanceThreshold({ ctx, id, input }: { ctx: Ctx; id: string; input: { lowBalanceThreshold: string | null } }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [w] = await tx.select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.id, id))).for('update');
    if (!w) throw notFound('Wallet');
    const t = input.lowBalanceThreshold;
    if (t !== null) {
      const problem = amountProblem(t, w.currency);
      if (problem || tooLarge(t)) throw invalid([{ path: 'lowBalanceThreshold', message: problem ?? 'is too large' }]);
    }
    const [after] = await tx.update(wallets).set({ lowBalanceThreshold: t === null ? null : new Decimal(t).toString(), updatedAt: ctx.now() }).where(eq(wallets.id, id)).returning();
    await recordAudit(tx, tctx, { action: 'wallet.threshold', entityType: 'wallet', entityId: id, before: walletOut(w), after: walletOut(after) });
    return walletOut(after);
  });
}
