import { and, eq } from 'drizzle-orm';
import { wallets } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { Decimal, amountProblem } from '../lib/money';
import { entryOut, postEntry, walletOut } from './ledger';
import type { AdjustmentInput } from './schemas';

/** A manual correction of a wallet (조정), credit or debit, with the reason people will read later. */
export async function adjustWallet({ ctx, id, input }: { ctx: Ctx; id: string; input: AdjustmentInput }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [w] = await tx.select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.id, id))).for('update');
    if (!w) throw notFound('Wallet');
    const problem = amountProblem(input.amount, w.currency, { signed: true });
    if (problem) throw invalid([{ path: 'amount', message: problem }]);
    const { wallet, entry } = await postEntry(tx, tctx, w, { type: 'adjustment', amount: new Decimal(input.amount), reason: input.reason, path: 'amount' });
    return { wallet: walletOut(wallet), entry: entryOut(entry, w.currency) };
  });
}
