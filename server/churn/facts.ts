/**
 * The churn rule facts: `customer.churnRisk`, `customer.churnBand` and `customer.behaviourSegment`
 * (server/rules/facts.ts) are read from each customer's LATEST score of the tenant's ACTIVE model
 * (the nightly `churn.score` job or `POST /analytics/churn/score`). A customer without one (no
 * active model, never scored, or scored only by another version) has no churn facts: they are null
 * and a condition such as `churnBand equal high` or `churnRisk >= 0.5` does not match. Beware
 * `notEqual`: json-rules-engine says null is not equal to "high", so write `churnBand in [low,
 * medium]` to mean "scored, and not high".
 *
 * The score's model version and date travel with the facts (`churnScore`) and are named in the
 * trace of every rule that reads one (server/rating/rate.ts), so an invoice says which score gave
 * a retention discount.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import type { FactCustomer } from '../rules/facts';
import { anyUuid, rowsOf } from '../db/bulk';

export type ChurnFacts = Required<Pick<FactCustomer, 'churnRisk' | 'churnBand' | 'behaviourSegment' | 'churnScore'>>;

/** Per customer id, the churn facts of its latest score of the active model (customers without one are absent). */
export async function latestChurnFacts(db: DbOrTx, tenantId: string, customerIds: readonly string[]): Promise<Map<string, ChurnFacts>> {
  const out = new Map<string, ChurnFacts>();
  if (!customerIds.length) return out;
  const rows = rowsOf<{ customerId: string; probability: number; band: string; segmentName: string | null; modelVersion: number; asOf: string }>(await db.execute(sql`
    select distinct on (s.customer_id) s.customer_id as "customerId", s.probability, s.band, s.segment_name as "segmentName",
      s.model_version as "modelVersion", s.as_of::text as "asOf"
    from churn_scores s join churn_models m on m.id = s.model_id and m.tenant_id = s.tenant_id and m.active
    where s.tenant_id = ${tenantId} and ${anyUuid(sql.raw('s.customer_id'), customerIds)}
    order by s.customer_id, s.as_of desc`));
  for (const r of rows) {
    out.set(r.customerId, {
      churnRisk: Number(r.probability), churnBand: r.band, behaviourSegment: r.segmentName,
      churnScore: { modelVersion: Number(r.modelVersion), asOf: r.asOf },
    });
  }
  return out;
}

/** Whether any of these rules' facts is a churn fact (bill runs skip the lookup otherwise). */
export const readsChurnFacts = (referencedFacts: Iterable<string>): boolean => {
  for (const f of referencedFacts) if (f === 'customer.churnRisk' || f === 'customer.churnBand' || f === 'customer.behaviourSegment') return true;
  return false;
};
