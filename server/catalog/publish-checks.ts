/**
 * What a document must agree with in the tenant before it is published (issue 9), beyond its own
 * validity: a coupon's code is no other coupon rule's code nor a generated code of another rule
 * (two rules sharing a code both applied), and a plan's usage components name meters that exist
 * (an unknown meter billed nothing, silently), and a term's `renewal.planCode` names a plan it can
 * move to (./renewal-checks.ts). Each problem is a 422 at the document's field.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { catalogEntries, catalogVersions, couponCodes } from '../db/schema';
import type { DbOrTx } from '../db/client';
import type { FieldIssue } from '../lib/errors';
import { tenantMeters } from '../metering/tenant-meters';
import type { PlanDoc, RuleDoc } from '../rules/schema';
import { renewalIssues } from './renewal-checks';

const upper = (s: string) => s.trim().toUpperCase();

/** The latest published document of every other rule of the tenant that is not retired. */
async function otherRules(db: DbOrTx, tenantId: string, code: string): Promise<{ code: string; name: string; doc: RuleDoc }[]> {
  const rows = await db.select({ code: catalogEntries.code, name: catalogEntries.name, version: catalogVersions.version, doc: catalogVersions.document })
    .from(catalogVersions).innerJoin(catalogEntries, eq(catalogEntries.id, catalogVersions.entryId))
    .where(and(eq(catalogEntries.tenantId, tenantId), eq(catalogEntries.kind, 'rule'), ne(catalogEntries.code, code),
      isNull(catalogEntries.retiredFrom), eq(catalogVersions.status, 'published')));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if ((latest.get(r.code)?.version ?? 0) < r.version) latest.set(r.code, r);
  return [...latest.values()].map((r) => ({ code: r.code, name: r.name, doc: r.doc as RuleDoc }));
}

const campaignCode = (doc: RuleDoc): string | null => {
  const c = doc.kind === 'coupon' ? (doc.event.params as { code?: unknown }).code : undefined;
  return typeof c === 'string' && c.trim() ? upper(c) : null;
};

/** A coupon rule's code against the other coupon rules' codes and every generated code. */
export async function couponCodeIssues(db: DbOrTx, tenantId: string, code: string, doc: RuleDoc): Promise<FieldIssue[]> {
  if (doc.kind !== 'coupon') return [];
  const mine = campaignCode(doc);
  const path = 'document.event.params.code';
  const issues: FieldIssue[] = [];
  const others = (await otherRules(db, tenantId, code)).filter((r) => r.doc.kind === 'coupon');
  const byCampaign = new Map(others.flatMap((r) => { const c = campaignCode(r.doc); return c ? [[c, r] as const] : []; }));
  const clash = mine ? byCampaign.get(mine) : undefined;
  if (mine && clash) {
    issues.push({ path, code: 'duplicate', message: `coupon code "${mine}" is also the code of rule "${clash.code}" (${clash.name}): rules "${code}" and "${clash.code}" cannot share a code` });
  }
  // Generated codes: another rule's code equal to this campaign code, or one of this rule's codes equal to another campaign code.
  const generated = await db.select({ code: couponCodes.code, rule: couponCodes.ruleCode }).from(couponCodes).where(and(
    eq(couponCodes.tenantId, tenantId),
    sql`((${couponCodes.code} = ${mine ?? ''} and ${couponCodes.ruleCode} <> ${code}) or (${couponCodes.ruleCode} = ${code} and ${couponCodes.code} in (${byCampaign.size ? sql.join([...byCampaign.keys()].map((c) => sql`${c}`), sql`, `) : sql`null`})))`,
  )).limit(5);
  for (const g of generated) {
    if (g.rule !== code) issues.push({ path, code: 'duplicate', message: `coupon code "${mine}" is also a generated code of rule "${g.rule}": rules "${code}" and "${g.rule}" cannot share a code` });
    else {
      const other = byCampaign.get(g.code)!;
      issues.push({ path, code: 'duplicate', message: `generated code "${g.code}" of rule "${code}" is the code of rule "${other.code}" (${other.name}): rules "${code}" and "${other.code}" cannot share a code` });
    }
  }
  return issues;
}

/** A plan's usage components against the tenant's meters. */
export async function planMeterIssues(db: DbOrTx, tenantId: string, doc: PlanDoc): Promise<FieldIssue[]> {
  const usage = (doc.components ?? []).map((c, i) => ({ c, i })).filter(({ c }) => c.type === 'usage');
  if (!usage.length) return [];
  const all = await tenantMeters(db, tenantId);
  const known = new Set(all.filter((m) => m.status === 'active').map((m) => m.code));
  const inactive = new Set(all.filter((m) => m.status !== 'active').map((m) => m.code));
  const meterOf = (c: unknown) => String((c as { meter?: unknown }).meter ?? '');
  return usage.filter(({ c }) => !known.has(meterOf(c))).map(({ c, i }) => meterIssue(meterOf(c), i, inactive.has(meterOf(c)), [...known]));
}

function meterIssue(meter: string, index: number, isInactive: boolean, known: string[]): FieldIssue {
  return {
    path: `document.components[${index}].meter`, code: 'unknown_meter',
    message: isInactive ? `meter "${meter}" is inactive: its events are refused, so it would bill nothing`
      : `no meter "${meter}": create it under Meters first, or pick one of ${known.join(', ') || '(none yet)'}`,
  };
}

/** Campaign code (upper case) → the published coupon rule that has it, for every rule but `except`. */
export async function campaignCodes(db: DbOrTx, tenantId: string, except = ''): Promise<Map<string, { code: string; name: string }>> {
  const out = new Map<string, { code: string; name: string }>();
  for (const r of await otherRules(db, tenantId, except)) {
    const c = campaignCode(r.doc);
    if (c) out.set(c, { code: r.code, name: r.name });
  }
  return out;
}

export async function publishIssues(db: DbOrTx, tenantId: string, kind: 'plan' | 'rule', code: string, doc: unknown): Promise<FieldIssue[]> {
  if (kind === 'rule') return couponCodeIssues(db, tenantId, code, doc as RuleDoc);
  return [...await planMeterIssues(db, tenantId, doc as PlanDoc), ...await renewalIssues(db, tenantId, doc as PlanDoc, { stage: 'publish' })];
}
