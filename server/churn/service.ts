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

export type Band = 'low' | 'medium' | 'high';
export interface Driver { feature: string; value: number | null; contribution: number }
interface AtRiskRow {
  customerId: string; externalId: string; name: string; currency: string; probability: number; band: Band; drivers: Driver[];
  segment: number | null; segmentName: string | null; asOf: string; modelVersion: number; mrr: string;
}
interface ScoreRow { asOf: string; probability: number; band: Band; drivers: Driver[]; segment: number | null; segmentName: string | null; modelVersion: number; scoredAt: string }

export interface AtRiskQuery { band?: 'low' | 'medium' | 'high'; minProbability?: number; segment?: number; limit: number; offset: number }

export async function listAtRisk(ctx: Ctx, query: AtRiskQuery) {
  assertPermission(ctx, 'analytics:read');
  const db = q(ctx);
  const model = await activeModel(db, ctx.tenantId);
  if (!model) return { model: null, asOf: null, data: [], total: 0, summary: { low: 0, medium: 0, high: 0 }, byCurrency: [], segments: [] };
  const where = sql`s.tenant_id = ${ctx.tenantId} and s.model_id = ${model.id} and s.as_of = (select max(as_of) from churn_scores where tenant_id = ${ctx.tenantId} and model_id = ${model.id})
    ${query.band ? sql`and s.band = ${query.band}` : sql``} ${query.minProbability !== undefined ? sql`and s.probability >= ${query.minProbability}` : sql``}
    ${query.segment !== undefined ? sql`and s.segment = ${query.segment}` : sql``}`;
  // One run-rate for ranking, display and totals: the bills that ended in the month before the score's date, per 30.4375 days.
  const scored = sql`scored as (
    select s.customer_id, s.probability, s.band, s.drivers, s.segment, s.segment_name, s.as_of, s.model_version, c.external_id, c.name, c.currency,
      coalesce((select sum((b.subtotal - b.discount_total) * 30.4375 / greatest(b.period_end - b.period_start, 1)) from bills b
        where b.tenant_id = s.tenant_id and b.customer_id = s.customer_id and b.period_end <= s.as_of and b.period_end > s.as_of - 31), 0) as mrr
    from churn_scores s join customers c on c.id = s.customer_id and c.tenant_id = s.tenant_id
    where ${where})`;
  const data = rowsOf<AtRiskRow>(await db.execute(sql`with ${scored}
    select customer_id as "customerId", external_id as "externalId", name, currency, probability, band, drivers, segment, segment_name as "segmentName",
      as_of::text as "asOf", model_version as "modelVersion", mrr::text as "mrr"
    from scored order by probability::numeric * mrr desc, probability desc, customer_id
    limit ${query.limit} offset ${query.offset}`));
  const [agg] = rowsOf<{ total: number; low: number; medium: number; high: number; asOf: string | null }>(await db.execute(sql`
    select count(*)::int as total, count(*) filter (where band = 'low')::int as low, count(*) filter (where band = 'medium')::int as medium,
      count(*) filter (where band = 'high')::int as high, max(as_of)::text as "asOf" from churn_scores s where ${where}`));
  // Totals per currency (never summed across currencies) and per behaviour segment, over every matching score, not only the page.
  const byCurrency = rowsOf<{ currency: string; customers: number; mrr: string; mrrAtRisk: string }>(await db.execute(sql`with ${scored}
    select currency, count(*)::int as customers, sum(mrr)::text as mrr, sum(mrr * probability::numeric)::text as "mrrAtRisk" from scored group by currency order by currency`));
  const segments = rowsOf<{ segment: number | null; segmentName: string | null; customers: number; avgProbability: number; high: number }>(await db.execute(sql`
    select segment, segment_name as "segmentName", count(*)::int as customers, avg(probability)::float8 as "avgProbability", count(*) filter (where band = 'high')::int as high
    from churn_scores s where ${where} group by segment, segment_name order by segment nulls last`));
  return {
    model: { version: model.version, bands: model.bands }, asOf: agg.asOf, total: agg.total,
    summary: { low: agg.low, medium: agg.medium, high: agg.high },
    byCurrency: byCurrency.map((r) => ({ currency: r.currency, customers: r.customers, mrr: toMoneyString(new Decimal(r.mrr), r.currency), mrrAtRisk: toMoneyString(new Decimal(r.mrrAtRisk), r.currency) })),
    segments: segments.map((r) => ({ ...r, segment: r.segment === null ? null : Number(r.segment), avgProbability: Math.round(Number(r.avgProbability) * 1e4) / 1e4 })),
    // Money in decimals, rounded once in the customer's currency (the run-rate is in the bills' currency, the customer's).
    data: data.map((r) => {
      const mrr = new Decimal(r.mrr);
      return { ...r, probability: Number(r.probability), segment: r.segment === null ? null : Number(r.segment), modelVersion: Number(r.modelVersion),
        mrr: toMoneyString(mrr, r.currency), mrrAtRisk: toMoneyString(mrr.times(String(r.probability)), r.currency) };
    }),
  };
}

export async function customerChurn(ctx: Ctx, customerId: string) {
  assertPermission(ctx, 'analytics:read');
  const db = q(ctx);
  const [c] = rowsOf<{ id: string }>(await db.execute(sql`select id from customers where tenant_id = ${ctx.tenantId} and id = ${customerId}`));
  if (!c) throw notFound('Customer');
  const model = await activeModel(db, ctx.tenantId);
  const history = rowsOf<{ asOf: string; probability: number; band: Band; modelVersion: number }>(await db.execute(sql`
    select as_of::text as "asOf", probability, band, model_version as "modelVersion" from churn_scores
    where tenant_id = ${ctx.tenantId} and customer_id = ${customerId} order by as_of, model_version`));
  const hist = history.map((h) => ({ ...h, probability: Number(h.probability), modelVersion: Number(h.modelVersion) }));
  if (!model) return { model: null, score: null, history: hist };
  const [latest] = rowsOf<ScoreRow>(await db.execute(sql`
    select as_of::text as "asOf", probability, band, drivers, segment, segment_name as "segmentName", model_version as "modelVersion", scored_at as "scoredAt"
    from churn_scores where tenant_id = ${ctx.tenantId} and customer_id = ${customerId} and model_id = ${model.id} order by as_of desc limit 1`));
  const score = latest ? {
    ...latest, probability: Number(latest.probability), modelVersion: Number(latest.modelVersion), segment: latest.segment === null ? null : Number(latest.segment),
    scoredAt: new Date(latest.scoredAt).toISOString(),
  } : null;
  return { model: { version: model.version, bands: model.bands }, score, history: hist };
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

