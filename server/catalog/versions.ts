import { and, asc, desc, eq, inArray, isNull, lte, or, gt } from 'drizzle-orm';
import { catalogEntries, catalogVersions, tenants } from '../db/schema';
import type { DbOrTx, Tx } from '../db/client';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, forbidden, invalid, notFound, ServiceError } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { todayInZone } from '../lib/dates';
import { KINDS, codeOf, nameOf, type CatalogKind, type KindSpec } from './kinds';
import { diffDocuments } from './diff';
import { publishIssues } from './publish-checks';
import { renewalIssues } from './renewal-checks';
import type { PlanDoc } from '../rules/schema';

type Entry = typeof catalogEntries.$inferSelect;
type Version = typeof catalogVersions.$inferSelect;

export function versionOut(v: Version) {
  return {
    version: v.version, status: v.status as 'draft' | 'published', effectiveFrom: v.effectiveFrom, document: v.document,
    note: v.note, createdBy: v.createdBy, createdAt: v.createdAt.toISOString(), publishedBy: v.publishedBy,
    publishedAt: v.publishedAt ? v.publishedAt.toISOString() : null,
  };
}

function entrySummary(e: Entry, versions: Version[], today: string) {
  const published = versions.filter((v) => v.status === 'published').sort((a, b) => b.version - a.version);
  const draft = versions.find((v) => v.status === 'draft') ?? null;
  // The latest published version may take effect next year: what applies today (as resolveAt
  // picks it) and what is scheduled are told apart (issue 9).
  const byDate = [...published].sort((a, b) => (a.effectiveFrom! < b.effectiveFrom! ? -1 : a.effectiveFrom! > b.effectiveFrom! ? 1 : a.version - b.version));
  const inEffect = byDate.filter((v) => v.effectiveFrom! <= today).at(-1);
  const ref = (v: Version) => ({ version: v.version, effectiveFrom: v.effectiveFrom });
  return {
    id: e.id, kind: e.kind as CatalogKind, code: e.code, name: e.name, retiredFrom: e.retiredFrom,
    latestPublished: published[0] ? { version: published[0].version, effectiveFrom: published[0].effectiveFrom } : null,
    inEffect: inEffect && !(e.retiredFrom && e.retiredFrom <= today) ? ref(inEffect) : null,
    scheduled: byDate.filter((v) => v.effectiveFrom! > today).map(ref),
    draftVersion: draft?.version ?? null,
    status: (e.retiredFrom ? 'retired' : published.length ? 'published' : 'draft') as 'draft' | 'published' | 'retired',
    /** The open draft when there is one, else the latest published version. */
    document: (draft ?? published[0])?.document ?? null,
    publishedDocument: published[0]?.document ?? null,
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** Any write needs one of the kind's write permissions; which one depends on the documents. */
function assertMayWriteSome(ctx: Ctx, spec: KindSpec) {
  if (!spec.writePermissions.some((p) => ctx.permissions.has(p))) throw forbidden(spec.writePermissions[0]);
}

/** The document at `path` (a request field) must be one the caller may write. */
function assertMayWriteDocument(ctx: Ctx, spec: KindSpec, doc: unknown, path: string) {
  const { permission, field, value } = spec.writePermissionOf(doc);
  if (ctx.permissions.has(permission)) return;
  throw new ServiceError('FORBIDDEN', `This action needs the permission "${permission}"`,
    [{ path: `${path}.${field}`, message: `"${value}" rules need the permission "${permission}"` }]);
}

/**
 * Every version the entry has had must be one the caller may write, so that a tax rule cannot be
 * rewritten as a discount (or the reverse), published or retired by someone who may write only
 * discounts.
 */
function assertMayWriteEntry(ctx: Ctx, spec: KindSpec, versions: Version[]) {
  for (const v of versions) {
    const { permission, value } = spec.writePermissionOf(v.document);
    if (!ctx.permissions.has(permission)) {
      throw new ServiceError('FORBIDDEN', `This action needs the permission "${permission}"`,
        [{ path: '$', message: `this rule is (or was) a "${value}" rule, which needs the permission "${permission}"` }]);
    }
  }
}

function validateOrThrow(spec: KindSpec, doc: unknown) {
  const issues = spec.validate(doc, 'document');
  if (issues.length) throw new ServiceError(spec.kind === 'plan' ? 'PLAN_INVALID' : 'RULE_INVALID', undefined, issues);
}

/** A draft plan's `renewal.planCode` names a plan it can move to (./renewal-checks.ts). */
async function assertRenewalTarget(db: DbOrTx, ctx: Ctx, spec: KindSpec, doc: unknown, batch?: readonly PlanDoc[]) {
  if (spec.kind !== 'plan') return;
  const issues = await renewalIssues(db, ctx.tenantId, doc as PlanDoc, { stage: 'draft', batch });
  if (issues.length) throw new ServiceError('PLAN_INVALID', undefined, issues);
}

async function findEntry(db: DbOrTx, ctx: Ctx, kind: CatalogKind, code: string, lock = false) {
  const base = db.select().from(catalogEntries)
    .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, kind), eq(catalogEntries.code, code)));
  const [e] = lock ? await base.for('update') : await base;
  if (!e) throw notFound(KINDS[kind].label);
  return e;
}

async function versionsOf(db: DbOrTx, ctx: Ctx, entryIds: string[]) {
  if (!entryIds.length) return [];
  return db.select().from(catalogVersions)
    .where(and(eq(catalogVersions.tenantId, ctx.tenantId), inArray(catalogVersions.entryId, entryIds)))
    .orderBy(asc(catalogVersions.version));
}

export async function listEntries({ ctx, kind }: { ctx: Ctx; kind: CatalogKind }) {
  assertPermission(ctx, KINDS[kind].readPermission);
  const entries = await q(ctx).select().from(catalogEntries)
    .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, kind))).orderBy(asc(catalogEntries.code));
  const versions = await versionsOf(q(ctx), ctx, entries.map((e) => e.id));
  const today = await tenantToday(q(ctx), ctx);
  return entries.map((e) => entrySummary(e, versions.filter((v) => v.entryId === e.id), today));
}

export async function getEntry({ ctx, kind, code }: { ctx: Ctx; kind: CatalogKind; code: string }) {
  assertPermission(ctx, KINDS[kind].readPermission);
  const e = await findEntry(q(ctx), ctx, kind, code);
  const versions = await versionsOf(q(ctx), ctx, [e.id]);
  return { ...entrySummary(e, versions, await tenantToday(q(ctx), ctx)), versions: versions.map(versionOut) };
}

export async function getVersion({ ctx, kind, code, version }: { ctx: Ctx; kind: CatalogKind; code: string; version: number }) {
  assertPermission(ctx, KINDS[kind].readPermission);
  const e = await findEntry(q(ctx), ctx, kind, code);
  const [v] = await q(ctx).select().from(catalogVersions)
    .where(and(eq(catalogVersions.entryId, e.id), eq(catalogVersions.tenantId, ctx.tenantId), eq(catalogVersions.version, version)));
  if (!v) throw notFound(`${KINDS[kind].label} version`);
  return versionOut(v);
}

/** A new entry with version 1 as a draft. */
/** `batch`: plans imported together with this one (a renewal may name one of them). */
export async function createEntry({ ctx, kind, document, note, batch }: { ctx: Ctx; kind: CatalogKind; document: unknown; note?: string; batch?: readonly PlanDoc[] }) {
  const spec = KINDS[kind];
  assertMayWriteSome(ctx, spec);
  assertMayWriteDocument(ctx, spec, document, 'document');
  validateOrThrow(spec, document);
  const code = codeOf(spec, document);
  await withTransaction(ctx, async (tx, tctx) => {
    const [dup] = await tx.select({ id: catalogEntries.id }).from(catalogEntries)
      .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, kind), eq(catalogEntries.code, code)));
    if (dup) throw conflict(`${spec.label} "${code}" already exists; save a new draft of it instead`, [{ path: `document.${spec.codeField}`, message: 'already in use' }]);
    await assertRenewalTarget(tx, ctx, spec, document, batch);
    const now = ctx.now();
    const [e] = await tx.insert(catalogEntries).values({ tenantId: ctx.tenantId, kind, code, name: nameOf(document) || code, createdAt: now, updatedAt: now }).returning();
    const [v] = await tx.insert(catalogVersions).values({
      tenantId: ctx.tenantId, entryId: e.id, version: 1, status: 'draft', document, note: note ?? null, createdBy: ctx.actor.name, createdAt: now,
    }).returning();
    await recordAudit(tx, tctx, { action: `${kind}.create`, entityType: kind, entityId: code, after: versionOut(v) });
  });
  return getEntry({ ctx, kind, code });
}

/** Edit = the open draft is replaced, or a new draft version is started after the published ones. */
export async function saveDraft({ ctx, kind, code, document, note, batch }: { ctx: Ctx; kind: CatalogKind; code: string; document: unknown; note?: string; batch?: readonly PlanDoc[] }) {
  const spec = KINDS[kind];
  assertMayWriteSome(ctx, spec);
  assertMayWriteDocument(ctx, spec, document, 'document');
  validateOrThrow(spec, document);
  if (codeOf(spec, document) !== code) {
    throw invalid([{ path: `document.${spec.codeField}`, message: `must stay "${code}"; the code of a ${kind} cannot change` }]);
  }
  await withTransaction(ctx, async (tx, tctx) => {
    const e = await findEntry(tx, tctx, kind, code, true);
    const versions = await versionsOf(tx, tctx, [e.id]);
    assertMayWriteEntry(ctx, spec, versions);
    await assertRenewalTarget(tx, ctx, spec, document, batch);
    const draft = versions.find((v) => v.status === 'draft');
    const now = ctx.now();
    if (draft) {
      const [after] = await tx.update(catalogVersions).set({ document, note: note ?? draft.note, createdBy: ctx.actor.name, createdAt: now })
        .where(eq(catalogVersions.id, draft.id)).returning();
      await recordAudit(tx, tctx, { action: `${kind}.draft.update`, entityType: kind, entityId: code, before: versionOut(draft), after: versionOut(after) });
    } else {
      const next = (versions.at(-1)?.version ?? 0) + 1;
      const [v] = await tx.insert(catalogVersions).values({
        tenantId: ctx.tenantId, entryId: e.id, version: next, status: 'draft', document, note: note ?? null, createdBy: ctx.actor.name, createdAt: now,
      }).returning();
      await recordAudit(tx, tctx, { action: `${kind}.draft.create`, entityType: kind, entityId: code, after: versionOut(v) });
    }
    await tx.update(catalogEntries).set({ name: nameOf(document) || code, updatedAt: now }).where(eq(catalogEntries.id, e.id));
  });
  return getEntry({ ctx, kind, code });
}

async function tenantToday(db: DbOrTx, ctx: Ctx): Promise<string> {
  const [t] = await db.select({ tz: tenants.timezone }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  return todayInZone(t?.tz ?? 'UTC', ctx.now());
}

/**
 * Publishes the draft: it becomes immutable and applies to periods starting on or after
 * effectiveFrom. Back-dating before the latest published version is refused, so periods that
 * were already rated keep the versions they were rated with.
 */
/**
 * `fromImport`: a rule pack may be imported before the tenant's meters exist (the demo seed does),
 * so imports skip the meter check; the coupon-code check applies to every publication.
 */
export async function publishDraft({ ctx, kind, code, effectiveFrom, fromImport = false, batch }: { ctx: Ctx; kind: CatalogKind; code: string; effectiveFrom?: string; fromImport?: boolean; batch?: readonly PlanDoc[] }) {
  const spec = KINDS[kind];
  assertMayWriteSome(ctx, spec);
  await withTransaction(ctx, async (tx, tctx) => {
    const e = await findEntry(tx, tctx, kind, code, true);
    const versions = await versionsOf(tx, tctx, [e.id]);
    assertMayWriteEntry(ctx, spec, versions);
    const draft = versions.find((v) => v.status === 'draft');
    if (!draft) throw conflict(`${spec.label} "${code}" has no draft to publish`);
    validateOrThrow(spec, draft.document);
    const tenantIssues = kind === 'plan' && fromImport
      ? await renewalIssues(tx, ctx.tenantId, draft.document as PlanDoc, { stage: 'publish', batch })
      : await publishIssues(tx, ctx.tenantId, kind, code, draft.document);
    if (tenantIssues.length) throw new ServiceError(spec.kind === 'plan' ? 'PLAN_INVALID' : 'RULE_INVALID', undefined, tenantIssues);
    const eff = effectiveFrom ?? (await tenantToday(tx, tctx));
    const latest = versions.filter((v) => v.status === 'published').map((v) => v.effectiveFrom!).sort().at(-1);
    if (latest && eff < latest) {
      throw invalid([{ path: 'effectiveFrom', message: `must be on or after ${latest}, the effective date of the latest published version` }]);
    }
    const now = ctx.now();
    const [after] = await tx.update(catalogVersions).set({ status: 'published', effectiveFrom: eff, publishedAt: now, publishedBy: ctx.actor.name })
      .where(eq(catalogVersions.id, draft.id)).returning();
    await tx.update(catalogEntries).set({ retiredFrom: null, updatedAt: now }).where(eq(catalogEntries.id, e.id));
    await recordAudit(tx, tctx, { action: `${kind}.publish`, entityType: kind, entityId: code, before: versionOut(draft), after: versionOut(after) });
  });
  return getEntry({ ctx, kind, code });
}

export async function discardDraft({ ctx, kind, code }: { ctx: Ctx; kind: CatalogKind; code: string }) {
  const spec = KINDS[kind];
  assertMayWriteSome(ctx, spec);
  await withTransaction(ctx, async (tx, tctx) => {
    const e = await findEntry(tx, tctx, kind, code, true);
    const versions = await versionsOf(tx, tctx, [e.id]);
    assertMayWriteEntry(ctx, spec, versions);
    const draft = versions.find((v) => v.status === 'draft');
    if (!draft) throw conflict(`${spec.label} "${code}" has no draft`);
    if (versions.length === 1) throw conflict(`The only version of ${kind} "${code}" cannot be discarded; retire the ${kind} instead`);
    await tx.delete(catalogVersions).where(eq(catalogVersions.id, draft.id));
    // The entry's name follows the version that is current again.
    const current = versions.filter((v) => v.id !== draft.id).at(-1);
    await tx.update(catalogEntries).set({ name: nameOf(current?.document) || code, updatedAt: ctx.now() }).where(eq(catalogEntries.id, e.id));
    await recordAudit(tx, tctx, { action: `${kind}.draft.discard`, entityType: kind, entityId: code, before: versionOut(draft) });
  });
  return getEntry({ ctx, kind, code });
}

export async function retireEntry({ ctx, kind, code, from }: { ctx: Ctx; kind: CatalogKind; code: string; from?: string }) {
  const spec = KINDS[kind];
  assertMayWriteSome(ctx, spec);
  await withTransaction(ctx, async (tx, tctx) => {
    const e = await findEntry(tx, tctx, kind, code, true);
    assertMayWriteEntry(ctx, spec, await versionsOf(tx, tctx, [e.id]));
    const retiredFrom = from ?? (await tenantToday(tx, tctx));
    const [after] = await tx.update(catalogEntries).set({ retiredFrom, updatedAt: ctx.now() }).where(eq(catalogEntries.id, e.id)).returning();
    await recordAudit(tx, tctx, { action: `${kind}.retire`, entityType: kind, entityId: code, before: e, after });
  });
  return getEntry({ ctx, kind, code });
}

export async function diffVersions({ ctx, kind, code, from, to }: { ctx: Ctx; kind: CatalogKind; code: string; from: number; to: number }) {
  const a = await getVersion({ ctx, kind, code, version: from });
  const b = await getVersion({ ctx, kind, code, version: to });
  return { from, to, changes: diffDocuments(a.document, b.document) };
}

export interface ResolvedDocument<T = unknown> { code: string; version: number; effectiveFrom: string; document: T }

/**
 * The published version of every entry of `kind` in effect on `date` (a period start): the one
 * with the latest effectiveFrom ≤ date, skipping entries retired on or before that date.
 */
export async function resolveAt<T = unknown>(db: DbOrTx, tenantId: string, kind: CatalogKind, date: string): Promise<ResolvedDocument<T>[]> {
  const rows = await db.select({ code: catalogEntries.code, version: catalogVersions.version, effectiveFrom: catalogVersions.effectiveFrom, document: catalogVersions.document })
    .from(catalogVersions)
    .innerJoin(catalogEntries, eq(catalogEntries.id, catalogVersions.entryId))
    .where(and(
      eq(catalogVersions.tenantId, tenantId), eq(catalogEntries.tenantId, tenantId), eq(catalogEntries.kind, kind),
      eq(catalogVersions.status, 'published'), lte(catalogVersions.effectiveFrom, date),
      or(isNull(catalogEntries.retiredFrom), gt(catalogEntries.retiredFrom, date)),
    ))
    .orderBy(asc(catalogEntries.code), desc(catalogVersions.effectiveFrom), desc(catalogVersions.version));
  const out: ResolvedDocument<T>[] = [];
  for (const r of rows) if (out.at(-1)?.code !== r.code) out.push({ code: r.code, version: r.version, effectiveFrom: r.effectiveFrom!, document: r.document as T });
  return out;
}

/** Creates or updates entries from documents and publishes them; identical documents are skipped. */
export async function importDocuments({ ctx, plans = [], rules = [], effectiveFrom, publish = true }: {
  ctx: Ctx; plans?: unknown[]; rules?: unknown[]; effectiveFrom?: string; publish?: boolean;
}) {
  // Checked before anything is written so the answer names the document; existing entries are
  // checked again (every version they have had) by saveDraft and publishDraft below.
  if (plans.length) assertPermission(ctx, 'catalog:write');
  rules.forEach((d, i) => assertMayWriteDocument(ctx, KINDS.rule, d, `rules[${i}]`));
  const issues = [
    ...plans.flatMap((d, i) => KINDS.plan.validate(d, `plans[${i}]`)),
    ...rules.flatMap((d, i) => KINDS.rule.validate(d, `rules[${i}]`)),
  ];
  if (issues.length) throw invalid(issues);
  // Renewal targets: in this import, or (published when this import publishes) in the tenant.
  const batch = plans as PlanDoc[];
  const renewal = (await Promise.all(batch.map((d, i) => renewalIssues(q(ctx), ctx.tenantId, d, { stage: publish ? 'publish' : 'draft', base: `plans[${i}]`, batch })))).flat();
  if (renewal.length) throw new ServiceError('PLAN_INVALID', undefined, renewal);
  const summary = { created: 0, updated: 0, unchanged: 0 };
  await withTransaction(ctx, async (tx: Tx, tctx) => {
    for (const [kind, docs] of [['plan', plans], ['rule', rules]] as const) {
      for (const doc of docs) {
        const code = codeOf(KINDS[kind], doc);
        const [existing] = await tx.select().from(catalogEntries)
          .where(and(eq(catalogEntries.tenantId, ctx.tenantId), eq(catalogEntries.kind, kind), eq(catalogEntries.code, code)));
        if (!existing) {
          await createEntry({ ctx: tctx, kind, document: doc, note: 'imported', batch });
          summary.created++;
        } else {
          const versions = await versionsOf(tx, tctx, [existing.id]);
          const current = versions.filter((v) => v.status === 'published').at(-1) ?? versions.at(-1);
          if (current && diffDocuments(current.document, doc).length === 0 && current.status === 'published') { summary.unchanged++; continue; }
          await saveDraft({ ctx: tctx, kind, code, document: doc, note: 'imported', batch });
          summary.updated++;
        }
        if (publish) await publishDraft({ ctx: tctx, kind, code, effectiveFrom, fromImport: true, batch });
      }
    }
  });
  return summary;
}

/** Published documents currently in effect, as files would hold them (round-trips with import). */
export async function exportDocuments({ ctx, date }: { ctx: Ctx; date?: string }) {
  assertPermission(ctx, 'catalog:read');
  assertPermission(ctx, 'rules:read');
  const on = date ?? (await tenantToday(q(ctx), ctx));
  const [plans, rules] = await Promise.all([resolveAt(q(ctx), ctx.tenantId, 'plan', on), resolveAt(q(ctx), ctx.tenantId, 'rule', on)]);
  return { date: on, plans: plans.map((p) => p.document), rules: rules.map((r) => r.document) };
}

