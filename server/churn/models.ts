/**
 * Churn model versions per tenant: register (checked against the feature definition), list, read
 * a card, activate (rollback = activating an older version), and the active model with its
 * onnxruntime-node sessions, cached per model id.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import * as ort from 'onnxruntime-node';
import { churnModels } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import type { ChurnCard } from './schemas';
import { BASE_FEATURES, featureNames, type FeatureSpec } from './features';

export type ChurnModelRow = typeof churnModels.$inferSelect;
export type Trees = ChurnModelRow['trees'];

export interface ModelUpload {
  onnx: Uint8Array;
  segmentsOnnx?: Uint8Array | null;
  trees: Trees;
  card: ChurnModelRow['card'];
  bands?: { medium: number; high: number };
  note?: string;
  activate?: boolean;
}

/** The per-tenant feature columns a card's feature list asks for; refuses a list the feature SQL cannot produce in that order. */
export function specFromFeatures(features: string[]): FeatureSpec {
  const meters: string[] = [];
  const attributes: string[] = [];
  for (const f of features.slice(BASE_FEATURES.length)) {
    const m = /^usage_(.+)_30d$/.exec(f);
    if (m) meters.push(m[1]);
    else if (f.startsWith('attr_')) attributes.push(f.slice(5));
  }
  const spec = { meters, attributes };
  const expected = featureNames(spec);
  if (expected.length !== features.length || expected.some((f, i) => f !== features[i])) {
    const at = expected.findIndex((f, i) => f !== features[i]);
    throw invalid([{ path: `card.features[${at < 0 ? expected.length : at}]`, message: `expected "${expected[at] ?? '(end of list)'}" here: features must be the ${BASE_FEATURES.length} base features of server/churn/features.ts in order, then usage_<meter>_30d/_trend pairs, then attr_<name>` }]);
  }
  return spec;
}

const sessions = new Map<string, Promise<{ churn: ort.InferenceSession; segments: ort.InferenceSession | null }>>();

async function open(bytes: Uint8Array, path: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw invalid([{ path, message: `not a model onnxruntime can load: ${(e as Error).message.slice(0, 200)}` }]);
  }
}

/** Checks an upload's ONNX graphs against its card: one float input as wide as the feature list, the outputs scoring reads. */
async function check(u: ModelUpload) {
  if (!Array.isArray(u.card?.features) || !u.card.features.length) throw invalid([{ path: 'card.features', message: 'the model card must list its features in input order' }]);
  specFromFeatures(u.card.features);
  const churn = await open(u.onnx, 'onnx');
  const n = u.card.features.length;
  const probe = new ort.Tensor('float32', new Float32Array(n), [1, n]);
  try {
    const out = await churn.run({ [churn.inputNames[0]]: probe });
    if (!out.probability || out.probability.dims.join() !== '1,1') throw new Error('the output "probability" of shape [N, 1] is missing');
  } catch (e) {
    throw invalid([{ path: 'onnx', message: `inputs do not match the ${n} features of the card: ${(e as Error).message.slice(0, 200)}` }]);
  }
  if (u.segmentsOnnx) {
    const seg = await open(u.segmentsOnnx, 'segmentsOnnx');
    try {
      const out = await seg.run({ [seg.inputNames[0]]: probe });
      if (!out.segment) throw new Error('the output "segment" is missing');
    } catch (e) {
      throw invalid([{ path: 'segmentsOnnx', message: `inputs do not match the ${n} features of the card: ${(e as Error).message.slice(0, 200)}` }]);
    }
  }
  if (!Array.isArray(u.trees?.trees) || typeof u.trees.init !== 'number') throw invalid([{ path: 'trees', message: 'the trees (init, platt, trees) are needed for per-customer drivers' }]);
  const b = u.bands ?? { medium: 0.2, high: 0.5 };
  if (!(b.medium > 0 && b.medium < b.high && b.high < 1)) throw invalid([{ path: 'bands', message: 'need 0 < medium < high < 1' }]);
}

export async function registerModel(ctx: Ctx, u: ModelUpload): Promise<ChurnModelRow> {
  assertPermission(ctx, 'tenant:write');
  await check(u);
  return withTransaction(ctx, async (tx, tctx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('churn_models:' || ${tctx.tenantId}))`);
    const [{ v }] = await tx.select({ v: sql<number>`coalesce(max(${churnModels.version}), 0)::int` }).from(churnModels).where(eq(churnModels.tenantId, tctx.tenantId));
    if (u.activate) await tx.update(churnModels).set({ active: false }).where(and(eq(churnModels.tenantId, tctx.tenantId), eq(churnModels.active, true)));
    const [row] = await tx.insert(churnModels).values({
      tenantId: tctx.tenantId, version: Number(v) + 1, active: !!u.activate, onnx: u.onnx, segmentsOnnx: u.segmentsOnnx ?? null, trees: u.trees, card: u.card,
      bands: u.bands ?? { medium: 0.2, high: 0.5 }, note: u.note ?? null, createdBy: tctx.actor.name, activatedAt: u.activate ? tctx.now() : null,
    }).returning();
    await recordAudit(tx, tctx, { action: 'churn_model.register', entityType: 'churn_model', entityId: row.id, after: { version: row.version, active: row.active, features: u.card.features.length, metrics: u.card.metrics } });
    return row;
  });
}

export async function activateModel(ctx: Ctx, version: number): Promise<ChurnModelRow> {
  assertPermission(ctx, 'tenant:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [target] = await tx.select().from(churnModels).where(and(eq(churnModels.tenantId, tctx.tenantId), eq(churnModels.version, version)));
    if (!target) throw notFound('Churn model version');
    const [before] = await tx.select({ version: churnModels.version }).from(churnModels).where(and(eq(churnModels.tenantId, tctx.tenantId), eq(churnModels.active, true)));
    await tx.update(churnModels).set({ active: false }).where(and(eq(churnModels.tenantId, tctx.tenantId), eq(churnModels.active, true)));
    const [row] = await tx.update(churnModels).set({ active: true, activatedAt: tctx.now() }).where(eq(churnModels.id, target.id)).returning();
    await recordAudit(tx, tctx, { action: 'churn_model.activate', entityType: 'churn_model', entityId: row.id, before: before ?? null, after: { version: row.version } });
    return row;
  });
}

/** A version as the API shows it: no graphs or trees, instants as ISO strings. */
export function modelOut(r: Pick<ChurnModelRow, 'id' | 'version' | 'active' | 'card' | 'bands' | 'note' | 'createdBy' | 'createdAt' | 'activatedAt'>) {
  return {
    // Registered through the ChurnCard schema (routes.ts), so a stored card has its shape.
    id: r.id, version: r.version, active: r.active, card: r.card as ChurnCard, bands: r.bands, note: r.note, createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(), activatedAt: r.activatedAt ? r.activatedAt.toISOString() : null,
  };
}

/** Versions, newest first, without the graphs. */
export async function listModels(ctx: Ctx) {
  assertPermission(ctx, 'analytics:read');
  const rows = await q(ctx).select({ id: churnModels.id, version: churnModels.version, active: churnModels.active, card: churnModels.card, bands: churnModels.bands,
    note: churnModels.note, createdBy: churnModels.createdBy, createdAt: churnModels.createdAt, activatedAt: churnModels.activatedAt })
    .from(churnModels).where(eq(churnModels.tenantId, ctx.tenantId)).orderBy(desc(churnModels.version));
  return rows.map(modelOut);
}

export async function activeModel(db: DbOrTx, tenantId: string): Promise<ChurnModelRow | null> {
  const [row] = await db.select().from(churnModels).where(and(eq(churnModels.tenantId, tenantId), eq(churnModels.active, true)));
  return row ?? null;
}

/** The model's onnxruntime sessions (created once per model id; a model row never changes). */
export function modelSessions(m: ChurnModelRow) {
  let s = sessions.get(m.id);
  if (!s) {
    s = (async () => ({
      churn: await ort.InferenceSession.create(m.onnx),
      segments: m.segmentsOnnx ? await ort.InferenceSession.create(m.segmentsOnnx) : null,
    }))();
    sessions.set(m.id, s);
  }
  return s;
}
