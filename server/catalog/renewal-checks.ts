/**
 * A plan whose fixed term moves to another plan (`termCycles` + `renewal: {planCode}`, rating.md
 * "Charge timing") must name a plan the subscription can really move to when the term ends
 * (decision, rules/README.md "Terms that move to another plan"):
 * - it exists in the tenant and is not this plan itself (renewing on the same plan is `"auto"`);
 * - at publish, it has a published version and is not retired (the daily terms job moves
 *   subscriptions to its published version; a draft-only plan would stop them there);
 * - it bills in the same currency (a subscription keeps its currency, as a plan change does);
 * - it is of the same cadence family: calendar months (`month`, `year`: monthly runs, anniversary
 *   billing) or days (`week`, `day`: cycles anchored on the start). A term ends on an anniversary
 *   of the start, so a 12-month term may move into a yearly plan; a monthly term into a weekly plan
 *   would restart the cycle count on another clock.
 * Drafts are checked too (against the target's latest version, draft or published), so the
 * builder says it before publish. An import checks against the plans of the same import as well.
 * Each problem is a 422 at `…renewal.planCode`.
 */
import { and, eq } from 'drizzle-orm';
import { catalogEntries, catalogVersions } from '../db/schema';
import type { DbOrTx } from '../db/client';
import type { FieldIssue } from '../lib/errors';
import type { PlanDoc } from '../rules/schema';

const family = (interval: string) => (interval === 'week' || interval === 'day' ? 'days' : 'months');

export interface RenewalCheck {
  /** 'publish': the target must be published and not retired; 'draft': it must exist. */
  stage: 'draft' | 'publish';
  /** Path of the document (`document`, `plans[2]`). */
  base?: string;
  /** Plans written and published together with this one (an import), taken as they will be. */
  batch?: readonly PlanDoc[];
}

export async function renewalIssues(db: DbOrTx, tenantId: string, doc: PlanDoc, check: RenewalCheck): Promise<FieldIssue[]> {
  const renewal = doc.renewal;
  if (!renewal || renewal === 'auto' || typeof renewal !== 'object') return [];
  const target = renewal.planCode;
  const path = `${check.base ?? 'document'}.renewal.planCode`;
  const issue = (message: string, code = 'invalid_reference'): FieldIssue[] => [{ path, code, message }];
  if (target === doc.code) return issue('names this plan itself; use "auto" to renew on the same plan');
  let other: PlanDoc | undefined = check.batch?.find((p) => p.code === target);
  if (!other) {
    const rows = await db.select({ status: catalogVersions.status, version: catalogVersions.version, document: catalogVersions.document, retiredFrom: catalogEntries.retiredFrom })
      .from(catalogVersions).innerJoin(catalogEntries, eq(catalogEntries.id, catalogVersions.entryId))
      .where(and(eq(catalogEntries.tenantId, tenantId), eq(catalogEntries.kind, 'plan'), eq(catalogEntries.code, target)));
    if (!rows.length) return issue(`no plan "${target}": create and publish it first`);
    const published = rows.filter((r) => r.status === 'published').sort((a, b) => b.version - a.version);
    if (check.stage === 'publish') {
      if (!published.length) return issue(`plan "${target}" has no published version yet: publish it first`);
      if (rows[0].retiredFrom) return issue(`plan "${target}" is retired from ${rows[0].retiredFrom}`);
    }
    other = ((check.stage === 'publish' ? published : rows.sort((a, b) => b.version - a.version))[0].document) as PlanDoc;
  }
  if (other.currency !== doc.currency) return issue(`plan "${target}" bills in ${other.currency}, this plan in ${doc.currency}; a subscription keeps its currency`);
  if (family(other.interval) !== family(doc.interval)) {
    return issue(`plan "${target}" is billed every ${other.interval}, this plan every ${doc.interval}; a term moves between plans billed by months or years, or between plans billed by weeks or days`);
  }
  return [];
}
