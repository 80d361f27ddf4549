import { and, desc, eq } from 'drizzle-orm';
import { walletEntries, wallets } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { paginate, type PageQuery } from '../lib/paginate';
import { entryOut, walletOut } from './ledger';

/** A wallet's ledger, newest first. */
export async function listWalletEntries({ ctx, id, page }: { ctx: Ctx; id: string; page: PageQuery }) {
  assertPermission(ctx, 'payments:read');
  const [w] = await q(ctx).select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.id, id)));
  if (!w) throw notFound('Wallet');
  const entries = await paginate({ db: q(ctx), from: walletEntries, where: and(eq(walletEntries.tenantId, ctx.tenantId), eq(walletEntries.walletId, id)),
    orderBy: [desc(walletEntries.seq)], page, map: (rows) => rows.map((e) => entryOut(e, w.currency)) });
  return { wallet: walletOut(w), ...entries };
}
