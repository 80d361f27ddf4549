/**
 * Scoring: feature rows (features.ts, the SQL training used) → the active model in onnxruntime-node,
 * in large batches → calibrated probability, risk band, behaviour segment, and the top three drivers.
 *
 * Drivers are contributions along the tree path (Saabas): walking each tree from the root, every
 * split adds (value of the child taken − value of the node) to the feature it split on; the sum
 * over trees plus the initial value is the model's margin, which Platt scaling turns into the
 * probability. A positive contribution raises the risk. The walk (`trees.ts`) is also the
 * plain-JavaScript reference that the benchmark compares onnxruntime with.
 */
import * as ort from 'onnxruntime-node';
import type { DbOrTx } from '../db/client';
import { featureRows, type FeatureRow } from './features';
import { modelSessions, specFromFeatures, type ChurnModelRow } from './models';
import { flatTrees, walkFlat, walkTrees } from './trees';
import { inTransaction, scoreSink } from './store';

export { storeScores, type Score } from './store';
import type { Score } from './store';

export { walkTrees };


/** Rows per onnxruntime call: one [BATCH, features] float32 tensor. */
const BATCH = 16_384;

const fill = (v: number | null, median: number) => (v === null || Number.isNaN(v) ? median : v);

/** The imputed float32 row the graph sees (its Imputer does the same with the card's medians). */
export function imputed(values: Array<number | null>, features: string[], medians: Record<string, number>): Float32Array {
  const out = new Float32Array(values.length);
  values.forEach((v, i) => { out[i] = fill(v, medians[features[i]] ?? 0); });
  return out;
}

export const bandOf = (p: number, b: { medium: number; high: number }): Score['band'] => (p >= b.high ? 'high' : p >= b.medium ? 'medium' : 'low');

/** The (at most) three largest positive entries of `c`, largest first; equal ones in feature order. */
function top3(c: Float64Array): number[] {
  const idx = [-1, -1, -1];
  for (let j = 0; j < c.length; j++) {
    const v = c[j];
    if (!(v > 0)) continue;
    if (idx[2] >= 0 && v <= c[idx[2]]) continue;
    if (idx[0] < 0 || v > c[idx[0]]) { idx[2] = idx[1]; idx[1] = idx[0]; idx[0] = j; }
    else if (idx[1] < 0 || v > c[idx[1]]) { idx[2] = idx[1]; idx[1] = j; }
    else idx[2] = j;
  }
  return idx.filter((j) => j >= 0);
}

/**
 * Scores `rows` in batches of BATCH, yielding each batch's scores as soon as it is done (so a caller
 * can store one batch while the next is scored).
 */
export async function* scoreBatches(model: ChurnModelRow, rows: FeatureRow[]): AsyncGenerator<Score[]> {
  const features = model.card.features;
  const n = features.length;
  const medianOf = ((model.card.imputation as { values?: Record<string, number> } | undefined)?.values) ?? {};
  const medians = features.map((f) => medianOf[f] ?? 0);
  const segNames = new Map((((model.card.segments as { segments?: Array<{ id: number; name: string }> } | undefined)?.segments) ?? []).map((s) => [s.id, s.name]));
  const { churn, segments } = await modelSessions(model);
  const flat = flatTrees(model.trees);
  const a = model.trees.platt.a;
  const contributions = new Float64Array(n);
  for (let s = 0; s < rows.length; s += BATCH) {
    const m = Math.min(BATCH, rows.length - s);
    // The raw rows go to onnxruntime (its Imputer fills NaN); the imputed copy is what the JS walk reads.
    const raw = new Float32Array(m * n);
    const x = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      const values = rows[s + i].values;
      for (let j = 0; j < n; j++) {
        const v = values[j];
        raw[i * n + j] = v === null ? Number.NaN : v;
        x[i * n + j] = fill(v, medians[j]);
      }
    }
    const input = new ort.Tensor('float32', raw, [m, n]);
    const [probOut, segOut] = await Promise.all([
      churn.run({ [churn.inputNames[0]]: input }),
      segments ? segments.run({ [segments.inputNames[0]]: input }) : Promise.resolve(null),
    ]);
    const prob = probOut.probability.data as Float32Array;
    const seg = segOut ? (segOut.segment.data as BigInt64Array) : null;
    const out: Score[] = new Array(m);
    for (let i = 0; i < m; i++) {
      const r = rows[s + i];
      contributions.fill(0);
      walkFlat(flat, x, i * n, contributions);
      for (let j = 0; j < n; j++) contributions[j] *= a;
      const drivers = top3(contributions).map((j) => ({ feature: features[j], value: r.values[j], contribution: Math.round(contributions[j] * 1e4) / 1e4 }));
      const segment = seg ? Number(seg[i]) : null;
      const p = Math.round(prob[i] * 1e6) / 1e6;
      out[i] = { customerId: r.customerId, probability: p, band: bandOf(p, model.bands), drivers, segment, segmentName: segment === null ? null : segNames.get(segment) ?? null };
    }
    yield out;
  }
}

export async function scoreRows(model: ChurnModelRow, rows: FeatureRow[]): Promise<Score[]> {
  const out: Score[] = [];
  for await (const batch of scoreBatches(model, rows)) for (const x of batch) out.push(x);
  return out;
}

/**
 * Scores `rows` and stores the scores, pipelined: each batch goes to the store (on PostgreSQL a COPY
 * stream that the backend ingests on the other core) while the next one is scored. One transaction.
 * `all`: the rows are all the tenant's subscribers at `asOf`, so they replace all the date's scores.
 */
export async function scoreAndStore(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, rows: FeatureRow[], now: Date, all = false): Promise<Score[]> {
  return inTransaction(db, async (tx) => {
    const sink = scoreSink(tx, tenantId, model, asOf, now);
    await sink.start(all ? 'all' : rows.map((r) => r.customerId));
    const out: Score[] = [];
    for await (const batch of scoreBatches(model, rows)) {
      await sink.write(batch);
      for (const x of batch) out.push(x);
    }
    await sink.end();
    return out;
  });
}

/**
 * Scores the tenant's subscribers (or `customerIds`) as of `asOf` with `model`; stores them when `store`
 * (in `db`). `readDb`: where the features are read, when not in `db` (the nightly job writes in its
 * leased transaction and reads through the pool, whose connections read a large tenant in halves at once).
 */
export async function scoreCustomers(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, opts: { customerIds?: string[]; store?: boolean; now?: Date; readDb?: DbOrTx } = {}): Promise<Score[]> {
  const spec = specFromFeatures(model.card.features);
  const rows = await featureRows(opts.readDb ?? db, tenantId, asOf, spec, { customerIds: opts.customerIds });
  if (!opts.store || (!rows.length && opts.customerIds)) return scoreRows(model, rows);
  return scoreAndStore(db, tenantId, model, asOf, rows, opts.now ?? new Date(), !opts.customerIds);
}
