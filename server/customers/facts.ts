/** A stored customer as the rules see it. */
import type { customers } from '../db/schema';
import { monthsBetween } from '../lib/dates';
import type { FactCustomer } from '../rules/facts';

type CustomerRow = typeof customers.$inferSelect;

/**
 * The `customer.*` facts of a stored customer. `customer.id` is the tenant's own customer code
 * (`customers.external_id`, e.g. "GRS"), not our internal UUID: rules are written by the tenant
 * about its customers (rules/packs/demo/rules/grs-aws-support.json), and UUIDs differ per database.
 */
export function factCustomer(c: Pick<CustomerRow, 'createdAt' | 'externalId' | 'type' | 'segment' | 'country' | 'tags' | 'dunningExcluded' | 'attributes'>, onDate: string, churn?: Pick<FactCustomer, 'churnRisk' | 'churnBand' | 'behaviourSegment' | 'churnScore'>): FactCustomer {
  const since = c.createdAt.toISOString().slice(0, 10);
  return {
    id: c.externalId, type: c.type, segment: c.segment, country: c.country, tags: c.tags,
    tenureMonths: since <= onDate ? monthsBetween(since, onDate) : 0,
    dunningExcluded: c.dunningExcluded, attributes: c.attributes,
    // The churn facts of its latest score (server/churn/facts.ts), when the caller loaded them.
    ...(churn ? { churnRisk: churn.churnRisk, churnBand: churn.churnBand, behaviourSegment: churn.behaviourSegment, churnScore: churn.churnScore } : {}),
  };
}
