import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { payments } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { paginate } from '../lib/paginate';
import { paymentsOut } from './get-payment';
import type { PaymentListQuery } from './schemas';

export async function listPayments({ ctx, query }: { ctx: Ctx; query: PaymentListQuery }) {
  assertPermission(ctx, 'payments:read');
  const where: SQL[] = [eq(payments.tenantId, ctx.tenantId)];
  if (query.billTo) where.push(eq(payments.billTo, query.billTo));
  if (query.status) where.push(eq(payments.status, query.status));
  if (query.method) where.push(eq(payments.method, query.method));
  if (query.from) where.push(gte(payments.receivedOn, query.from));
  if (query.to) where.push(lt(payments.receivedOn, query.to));
  return paginate({ db: q(ctx), from: payments, where: and(...where), orderBy: [desc(payments.receivedOn), desc(payments.createdAt), desc(payments.id)], page: query,
    map: (rows) => paymentsOut(q(ctx), ctx.tenantId, rows) });
}
