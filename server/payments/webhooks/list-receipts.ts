/** `GET /payment-webhooks`: the inbound gateway webhooks this tenant received, newest first, with their outcome. */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { webhookReceipts } from '../../db/schema';
import { assertPermission, q, type Ctx } from '../../lib/context';
import { paginate } from '../../lib/paginate';

export async function listWebhookReceipts({ ctx, query }: { ctx: Ctx; query: { provider?: string; outcome?: string; limit: number; offset: number } }) {
  assertPermission(ctx, 'payments:read');
  const where: SQL[] = [eq(webhookReceipts.tenantId, ctx.tenantId)];
  if (query.provider) where.push(eq(webhookReceipts.provider, query.provider));
  if (query.outcome) where.push(eq(webhookReceipts.outcome, query.outcome as 'applied'));
  return paginate({ db: q(ctx), from: webhookReceipts, where: and(...where), orderBy: [desc(webhookReceipts.receivedAt), desc(webhookReceipts.id)], page: query,
    map: async (rows) => rows.map((r) => ({ id: r.id, provider: r.provider, eventId: r.eventId, eventType: r.eventType, outcome: r.outcome, detail: r.detail,
      paymentId: r.paymentId, receivedAt: r.receivedAt.toISOString() })) });
}
