import { createRoute, z } from '@hono/zod-openapi';
import { isoDate, positiveIntParam } from '../lib/schemas';
import { newRouter, jsonBody, jsonOk, errorResponses, security } from '../lib/http';
import {
  createEntry, diffVersions, discardDraft, exportDocuments, getEntry, getVersion, importDocuments, listEntries,
  publishDraft, retireEntry, saveDraft,
} from './versions';
import type { CatalogKind } from './kinds';

const Document = z.record(z.string(), z.any()).openapi({ description: 'A plan or rule document (rules/schema/*.schema.json)' });
const VersionOut = z.object({
  version: z.number().int(), status: z.enum(['draft', 'published']), effectiveFrom: z.string().nullable(), document: z.any(),
  note: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(), publishedBy: z.string().nullable(), publishedAt: z.string().nullable(),
}).openapi('CatalogVersion');
const EntryOut = z.object({
  id: z.string(), kind: z.enum(['plan', 'rule']), code: z.string(), name: z.string(), retiredFrom: z.string().nullable(),
  latestPublished: z.object({ version: z.number().int(), effectiveFrom: z.string().nullable() }).nullable(),
  inEffect: z.object({ version: z.number().int(), effectiveFrom: z.string().nullable() }).nullable()
    .openapi({ description: 'The published version in effect today (tenant time zone); null before the first takes effect or once retired' }),
  scheduled: z.array(z.object({ version: z.number().int(), effectiveFrom: z.string().nullable() }))
    .openapi({ description: 'Published versions that take effect after today, earliest first' }),
  draftVersion: z.number().int().nullable(), status: z.enum(['draft', 'published', 'retired']),
  document: z.any().openapi({ description: 'The open draft when there is one, else the latest published version' }),
  publishedDocument: z.any().openapi({ description: 'The latest published version (null before the first publication)' }), updatedAt: z.string(),
}).openapi('CatalogEntry');
const EntryDetail = EntryOut.extend({ versions: z.array(VersionOut) }).openapi('CatalogEntryDetail');
const DocIn = z.object({ document: Document, note: z.string().max(500).optional() });
const CodeParam = z.object({ code: z.string().min(1).max(100).openapi({ param: { name: 'code', in: 'path' } }) });
const VersionParam = CodeParam.extend({ version: positiveIntParam.openapi({ param: { name: 'version', in: 'path' } }) });

/** The same versioned-document API for plans (/plans) and rules (/rules). */
// Generic in the base path so each route keeps its literal path in the app's type (AppType).
function catalogRouter<B extends '/plans' | '/rules'>(kind: CatalogKind, base: B, tag: string) {
  return newRouter()
    .openapi(createRoute({ method: 'get', path: base, tags: [tag], summary: `List ${kind}s with their latest published version and draft`, security,
      responses: { ...jsonOk(z.object({ data: z.array(EntryOut) })), 403: errorResponses[403] } }),
    async (c) => c.json({ data: await listEntries({ ctx: c.get('ctx'), kind }) }, 200))
    .openapi(createRoute({ method: 'post', path: base, tags: [tag], summary: `Create a ${kind} (version 1, draft)`, security, request: jsonBody(DocIn),
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: EntryDetail } } }, ...errorResponses } }),
    async (c) => { const b = c.req.valid('json'); return c.json(await createEntry({ ctx: c.get('ctx'), kind, document: b.document, note: b.note }), 201); })
    .openapi(createRoute({ method: 'get', path: `${base}/{code}` as const, tags: [tag], summary: `A ${kind} with every version`, security, request: { params: CodeParam },
      responses: { ...jsonOk(EntryDetail), ...errorResponses } }),
    async (c) => c.json(await getEntry({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code }), 200))
    .openapi(createRoute({ method: 'put', path: `${base}/{code}/draft` as const, tags: [tag], summary: `Save the draft (a new version when the latest is published)`, security,
      request: { params: CodeParam, ...jsonBody(DocIn) }, responses: { ...jsonOk(EntryDetail), ...errorResponses } }),
    async (c) => { const b = c.req.valid('json'); return c.json(await saveDraft({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code, document: b.document, note: b.note }), 200); })
    .openapi(createRoute({ method: 'delete', path: `${base}/{code}/draft` as const, tags: [tag], summary: 'Discard the draft', security,
      request: { params: CodeParam }, responses: { ...jsonOk(EntryDetail), ...errorResponses } }),
    async (c) => c.json(await discardDraft({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code }), 200))
    .openapi(createRoute({ method: 'post', path: `${base}/{code}/publish` as const, tags: [tag], summary: 'Publish the draft with an effective date (immutable afterwards)', security,
      request: { params: CodeParam, ...jsonBody(z.object({ effectiveFrom: isoDate.optional() })) }, responses: { ...jsonOk(EntryDetail), ...errorResponses } }),
    async (c) => c.json(await publishDraft({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code, effectiveFrom: c.req.valid('json').effectiveFrom }), 200))
    .openapi(createRoute({ method: 'post', path: `${base}/{code}/retire` as const, tags: [tag], summary: 'Retire: stops applying to periods starting on or after `from`', security,
      request: { params: CodeParam, ...jsonBody(z.object({ from: isoDate.optional() })) }, responses: { ...jsonOk(EntryDetail), ...errorResponses } }),
    async (c) => c.json(await retireEntry({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code, from: c.req.valid('json').from }), 200))
    .openapi(createRoute({ method: 'get', path: `${base}/{code}/versions/{version}` as const, tags: [tag], summary: 'One version', security,
      request: { params: VersionParam }, responses: { ...jsonOk(VersionOut), ...errorResponses } }),
    async (c) => { const p = c.req.valid('param'); return c.json(await getVersion({ ctx: c.get('ctx'), kind, code: p.code, version: p.version }), 200); })
    .openapi(createRoute({ method: 'get', path: `${base}/{code}/diff` as const, tags: [tag], summary: 'Differences between two versions, by JSON path', security,
      request: { params: CodeParam, query: z.object({ from: positiveIntParam, to: positiveIntParam }) },
      responses: { ...jsonOk(z.object({ from: z.number(), to: z.number(), changes: z.array(z.object({ path: z.string(), op: z.enum(['added', 'removed', 'changed']), before: z.any().optional(), after: z.any().optional() })) })), ...errorResponses } }),
    async (c) => { const qy = c.req.valid('query'); return c.json(await diffVersions({ ctx: c.get('ctx'), kind, code: c.req.valid('param').code, from: qy.from, to: qy.to }), 200); });
}

export const planRoutes = catalogRouter('plan', '/plans', 'Catalog: plans');
export const ruleRoutes = catalogRouter('rule', '/rules', 'Catalog: rules');

export const catalogIoRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/catalog/export', tags: ['Catalog: plans'], summary: 'Published plans and rules in effect on a date (default today), as a rule pack', security,
    request: { query: z.object({ date: isoDate.optional() }) },
    responses: { ...jsonOk(z.object({ date: z.string(), plans: z.array(z.any()), rules: z.array(z.any()) })), ...errorResponses } }),
  async (c) => c.json(await exportDocuments({ ctx: c.get('ctx'), date: c.req.valid('query').date }), 200))
  .openapi(createRoute({ method: 'post', path: '/catalog/import', tags: ['Catalog: plans'], summary: 'Import a rule pack: create or update, then publish; identical documents are skipped', security,
    request: jsonBody(z.object({ plans: z.array(Document).default([]), rules: z.array(Document).default([]), effectiveFrom: isoDate.optional(), publish: z.boolean().default(true) })),
    responses: { ...jsonOk(z.object({ created: z.number(), updated: z.number(), unchanged: z.number() })), ...errorResponses } }),
  async (c) => c.json(await importDocuments({ ctx: c.get('ctx'), ...c.req.valid('json') }), 200));
