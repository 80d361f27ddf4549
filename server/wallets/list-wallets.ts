import { and, asc, eq } from 'drizzle-orm';
import { wallets } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { findBillTo } from '../customers/bill-to';
import { walletOut } from './ledger';

/** The wallets of a payer (or of a customer paying its own invoices); none until money first lands. */
export async function listWallets({ ctx, billTo }: { ctx: Ctx; billTo: string }) {
  assertPermission(ctx, 'payments:read');
  if (!(await findBillTo(q(ctx), ctx, billTo))) throw notFound('Payer');
  const rows = await q(ctx).select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.billTo, billTo))).orderBy(asc(wallets.kind), asc(wallets.currency));
  return { data: rows.map(walletOut) };
}
