/**
 * What the API answers: at-risk customers (latest score of the active model, with MRR at risk),
 * one customer's score with drivers and history, on-demand scoring. No active model means
 * "no score" (`model: null`), never an error.
 */
import { sql } from 'drizzle-orm';
import { Decimal, toMoneyString } from '../lib/money';
import { assertPermission, q, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { tenantToday } from '../tenants/tenant-settings';
import { activeModel } from './models';
import { scoreCustomers } from './score';

const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

export interface AtRiskQuery { band?: 'low' | 'medium' | 'high'; minProbability?: number; segment?: number; limit: number; offset: number }

export async function listAtRisk(ctx: Ctx, query: AtRiskQuery) {
  assertPermission(ctx, 'analytics:read');
  const db = q(ctx);
  const model = await activeModel(db, ctx.tenantId);
  if (!model) return { model: null, asOf: null, data: [], total: 0, summary: { low: 0, medium: 0, high: 0 } };
  const where = sql`s.tenant_id = ${ctx.tenantId} and s.model_id = ${model.id} and s.as_of = (select max(as_of) from churn_scores where tenant_id = ${ctx.tenantId} and model_id = ${model.id})
    ${query.band ? sql`and s.band = ${query.band}` : sql``} ${query.minProbability !== undefined ? sql`and s.probability >= ${query.minProbability}` : sql``}
    ${query.segment !== undefined ? sql`and s.segment = ${query.segment}` : sql``}`;
  const data = rowsOf<Record<string, unknown>>(await db.execute(sql`
    select s.customer_id as "customerId", c.external_id as "externalId", c.name, c.currency, s.probability, s.band, s.drivers, s.segment, s.segment_name as "segmentName",
      s.as_of::text as "asOf", s.model_version as "modelVersion",
      coalesce((select sum((b.subtotal - b.discount_total) * 30.4375 / greatest(b.period_end - b.period_start, 1)) from bills b
        where b.tenant_id = s.tenant_id and b.customer_id = s.customer_id and b.period_end <= s.as_of and b.period_end > s.as_of - 31), 0)::text as "mrr"
    from churn_scores s join customers c on c.id = s.customer_id and c.tenant_id = s.tenant_id
    where ${where}
    order by s.probability * coalesce((select sum((b.subtotal - b.discount_total)) from bills b where b.tenant_id = s.tenant_id and b.customer_id = s.customer_id
      and b.period_end <= s.as_of and b.period_end > s.as_of - 31), 0) desc, s.probability desc, s.customer_id
    limit ${query.limit} offset ${query.offset}`));
  const [agg] = rowsOf<{ total: number; low: number; medium: number; high: number; asOf: string | null }>(await db.execute(sql`
    select count(*)::int as total, count(*) filter (where band = 'low')::int as low, count(*) filter (where band = 'medium')::int as medium,
      count(*) filter (where band = 'high')::int as high, max(as_of)::text as "asOf" from churn_scores s where ${where}`));
  return {
    model: { version: model.version, bands: model.bands }, asOf: agg.asOf, total: agg.total,
    summary: { low: agg.low, medium: agg.medium, high: agg.high },
    // Money in decimals, rounded once in the customer's currency (the run-rate is in the bills' currency, the customer's).
    data: data.map((r) => {
      const mrr = new Decimal(String(r.mrr));
      return { ...r, mrr: toMoneyString(mrr, String(r.currency)), mrrAtRisk: toMoneyString(mrr.times(String(r.probability)), String(r.currency)) };
    }),
  };
}

export async function customerChurn(ctx: Ctx, customerId: string) {
  assertPermission(ctx, 'analytics:read');
  const db = q(ctx);
  const [c] = rowsOf<{ id: string }>(await db.execute(sql`select id from customers where tenant_id = ${ctx.tenantId} and id = ${customerId}`));
  if (!c) throw notFound('Customer');
  const model = await activeModel(db, ctx.tenantId);
  const history = rowsOf<Record<string, unknown>>(await db.execute(sql`
    select as_of::text as "asOf", probability, band, model_version as "modelVersion" from churn_scores
    where tenant_id = ${ctx.tenantId} and customer_id = ${customerId} order by as_of, model_version`));
  if (!model) return { model: null, score: null, history };
  const [latest] = rowsOf<Record<string, unknown>>(await db.execute(sql`
    select as_of::text as "asOf", probability, band, drivers, segment, segment_name as "segmentName", model_version as "modelVersion", scored_at as "scoredAt"
    from churn_scores where tenant_id = ${ctx.tenantId} and customer_id = ${customerId} and model_id = ${model.id} order by as_of desc limit 1`));
  return { model: { version: model.version, bands: model.bands }, score: latest ?? null, history };
}

/** On-demand scoring as of today (tenant time zone), stored like the nightly run's. */
export async function scoreNow(ctx: Ctx, input: { customerIds?: string[] }) {
  assertPermission(ctx, 'tenant:write');
  const db = q(ctx);
  const model = await activeModel(db, ctx.tenantId);
  if (!model) return { model: null, asOf: null, scored: 0 };
  const asOf = await tenantToday(db, ctx);
  const scores = await scoreCustomers(db, ctx.tenantId, model, asOf, { customerIds: input.customerIds, store: true, now: ctx.now() });
  return { model: { version: model.version }, asOf, scored: scores.length };
}

