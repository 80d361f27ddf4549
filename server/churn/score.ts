/**
 * Scoring: feature rows (features.ts, the SQL training used) → the active model in onnxruntime-node,
 * in batches → calibrated probability, risk band, behaviour segment, and the top three drivers.
 *
 * Drivers are contributions along the tree path (Saabas): walking each tree from the root, every
 * split adds (value of the child taken − value of the node) to the feature it split on; the sum
 * over trees plus the initial value is the model's margin, which Platt scaling turns into the
 * probability. A positive contribution raises the risk. `walkTrees` is also the plain-JavaScript
 * reference that the benchmark compares onnxruntime with.
 */
import { sql } from 'drizzle-orm';
import * as ort from 'onnxruntime-node';
import type { DbOrTx } from '../db/client';
import { featureRows, type FeatureRow } from './features';
import { modelSessions, specFromFeatures, type ChurnModelRow, type Trees } from './models';

export interface Score {
  customerId: string;
  probability: number;
  band: 'low' | 'medium' | 'high';
  drivers: Array<{ feature: string; value: number | null; contribution: number }>;
  segment: number | null;
  segmentName: string | null;
}

const BATCH = 4096;

/** The imputed float32 row the graph sees (its Imputer does the same with the card's medians). */
export function imputed(values: Array<number | null>, features: string[], medians: Record<string, number>): Float32Array {
  const out = new Float32Array(values.length);
  values.forEach((v, i) => { out[i] = v === null || Number.isNaN(v) ? (medians[features[i]] ?? 0) : v; });
  return out;
}

/** Margin and per-feature path contributions of one imputed row. */
export function walkTrees(t: Trees, x: Float32Array): { margin: number; contributions: Float64Array } {
  const contributions = new Float64Array(x.length);
  let margin = t.init;
  for (const tree of t.trees) {
    let n = 0;
    margin += tree[0][4];
    for (;;) {
      const [f, thr, left, right, value] = tree[n];
      if (left < 0) break;
      const next = x[f] <= thr ? left : right;
      contributions[f] += tree[next][4] - value;
      margin += tree[next][4] - value;
      n = next;
    }
  }
  return { margin, contributions };
}

export const bandOf = (p: number, b: { medium: number; high: number }): Score['band'] => (p >= b.high ? 'high' : p >= b.medium ? 'medium' : 'low');

export async function scoreRows(model: ChurnModelRow, rows: FeatureRow[]): Promise<Score[]> {
  const features = model.card.features;
  const medians = ((model.card.imputation as { values?: Record<string, number> } | undefined)?.values) ?? {};
  const segNames = ((model.card.segments as { segments?: Array<{ id: number; name: string }> } | undefined)?.segments) ?? [];
  const { churn, segments } = await modelSessions(model);
  const n = features.length;
  const out: Score[] = [];
  for (let s = 0; s < rows.length; s += BATCH) {
    const batch = rows.slice(s, s + BATCH);
    const raw = new Float32Array(batch.length * n);
    batch.forEach((r, i) => r.values.forEach((v, j) => { raw[i * n + j] = v === null ? Number.NaN : v; }));
    const input = new ort.Tensor('float32', raw, [batch.length, n]);
    const prob = (await churn.run({ [churn.inputNames[0]]: input })).probability.data as Float32Array;
    const seg = segments ? ((await segments.run({ [segments.inputNames[0]]: input })).segment.data as BigInt64Array) : null;
    batch.forEach((r, i) => {
      const x = imputed(r.values, features, medians);
      const { contributions } = walkTrees(model.trees, x);
      const drivers = [...contributions].map((c, j) => ({ j, c: c * model.trees.platt.a }))
        .filter((d) => d.c > 0).sort((a, b) => b.c - a.c).slice(0, 3)
        .map((d) => ({ feature: features[d.j], value: r.values[d.j], contribution: Math.round(d.c * 1e4) / 1e4 }));
      const segment = seg ? Number(seg[i]) : null;
      const p = Math.round(prob[i] * 1e6) / 1e6;
      out.push({ customerId: r.customerId, probability: p, band: bandOf(p, model.bands), drivers, segment, segmentName: segment === null ? null : segNames.find((x) => x.id === segment)?.name ?? null });
    });
  }
  return out;
}

/** Scores the tenant's subscribers (or `customerIds`) as of `asOf` with `model`; stores them when `store`. */
export async function scoreCustomers(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, opts: { customerIds?: string[]; store?: boolean; now?: Date } = {}): Promise<Score[]> {
  const spec = specFromFeatures(model.card.features);
  const rows = await featureRows(db, tenantId, asOf, spec, { customerIds: opts.customerIds });
  const scores = await scoreRows(model, rows);
  if (opts.store && scores.length) {
    const json = JSON.stringify(scores.map((s) => ({
      tenant_id: tenantId, customer_id: s.customerId, model_id: model.id, model_version: model.version, as_of: asOf, probability: s.probability,
      band: s.band, drivers: s.drivers, segment: s.segment, segment_name: s.segmentName, scored_at: (opts.now ?? new Date()).toISOString(),
    })));
    await db.execute(sql`insert into churn_scores (tenant_id, customer_id, model_id, model_version, as_of, probability, band, drivers, segment, segment_name, scored_at)
      select tenant_id, customer_id, model_id, model_version, as_of, probability, band, drivers, segment, segment_name, scored_at
      from json_populate_recordset(null::churn_scores, ${json}::json)
      on conflict (tenant_id, customer_id, model_id, as_of) do update set probability = excluded.probability, band = excluded.band,
        drivers = excluded.drivers, segment = excluded.segment, segment_name = excluded.segment_name, scored_at = excluded.scored_at`);
  }
  return scores;
}
