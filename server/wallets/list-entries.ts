import { and, asc, desc, eq } from 'drizzle-orm';
import { walletEntries, wallets } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { toMoneyString } from '../lib/money';
import { paginate, type PageQuery } from '../lib/paginate';
import { entryOut, walletOut } from './ledger';
import { expiredRemainders } from './expire-grants';

/** Later than any grant's expiry: "every grant as if its date had come" gives what is still left of each. */
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

/**
 * A wallet's ledger, newest first, and what is still left of each expiring grant (`expiring`,
 * soonest first): the same FIFO accounting the daily expiry job uses, so the console shows the
 * amount that job will post if nothing more is spent.
 */
export async function listWalletEntries({ ctx, id, page }: { ctx: Ctx; id: string; page: PageQuery }) {
  assertPermission(ctx, 'payments:read');
  const [w] = await q(ctx).select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.id, id)));
  if (!w) throw notFound('Wallet');
  const entries = await paginate({ db: q(ctx), from: walletEntries, where: and(eq(walletEntries.tenantId, ctx.tenantId), eq(walletEntries.walletId, id)),
    orderBy: [desc(walletEntries.seq)], page, map: (rows) => rows.map((e) => entryOut(e, w.currency)) });
  const ledger = await q(ctx).select({ id: walletEntries.id, type: walletEntries.type, amount: walletEntries.amount, expiresAt: walletEntries.expiresAt, key: walletEntries.key, createdAt: walletEntries.createdAt })
    .from(walletEntries).where(and(eq(walletEntries.tenantId, ctx.tenantId), eq(walletEntries.walletId, id))).orderBy(asc(walletEntries.seq));
  const expiresAt = new Map(ledger.map((e) => [e.id, e.expiresAt]));
  const expiring = expiredRemainders(ledger, END_OF_TIME)
    .map((r) => ({ entryId: r.grantId, expiresOn: expiresAt.get(r.grantId)!.toISOString().slice(0, 10), amount: toMoneyString(r.amount, w.currency) }))
    .sort((a, b) => a.expiresOn.localeCompare(b.expiresOn));
  return { wallet: walletOut(w), ...entries, expiring };
}
