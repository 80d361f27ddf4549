/**
 * The committed demo model (server/churn/models/telco, trained by notebooks/churn.ipynb) gives in
 * onnxruntime-node what scikit-learn gave in the notebook, to 1e-5, on holdout rows that include
 * missing values (imputed inside the graph); the segments graph picks the same segments; and the
 * plain-JavaScript tree walk that explains scores (drivers) reaches the same probability.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { imputed, walkTrees } from '../../../server/churn/score';
import { featureNames } from '../../../server/churn/features';
import { specFromFeatures } from '../../../server/churn/models';

const dir = fileURLToPath(new URL('../../../server/churn/models/telco/', import.meta.url));
const parity = JSON.parse(readFileSync(dir + 'parity.json', 'utf8')) as { features: string[]; rows: Array<Array<number | null>>; probability: number[]; segment: number[] };
const card = JSON.parse(readFileSync(dir + 'model-card.json', 'utf8'));
const trees = JSON.parse(readFileSync(dir + 'trees.json', 'utf8'));

const input = () => {
  const n = parity.features.length;
  const x = new Float32Array(parity.rows.length * n);
  parity.rows.forEach((r, i) => r.forEach((v, j) => { x[i * n + j] = v === null ? Number.NaN : v; }));
  return new ort.Tensor('float32', x, [parity.rows.length, n]);
};

describe('churn model parity (onnxruntime-node = scikit-learn)', () => {
  it('has the feature list that the feature SQL produces, in order', () => {
    expect(card.features).toEqual(parity.features);
    expect(featureNames(specFromFeatures(card.features))).toEqual(card.features);
  });

  it('gives the notebook probabilities to 1e-5', async () => {
    const s = await ort.InferenceSession.create(readFileSync(dir + 'churn.onnx'));
    const p = (await s.run({ features: input() })).probability.data as Float32Array;
    expect(p.length).toBe(parity.probability.length);
    let worst = 0;
    parity.probability.forEach((want, i) => { worst = Math.max(worst, Math.abs(p[i] - want)); });
    expect(worst).toBeLessThan(1e-5);
  });

  it('puts every row in the notebook segment', async () => {
    const s = await ort.InferenceSession.create(readFileSync(dir + 'segments.onnx'));
    const seg = (await s.run({ features: input() })).segment.data as BigInt64Array;
    expect([...seg].map(Number)).toEqual(parity.segment);
  });

  it('walks the same trees in JavaScript (drivers add up to the margin)', () => {
    const medians = card.imputation.values as Record<string, number>;
    let worst = 0;
    parity.rows.forEach((r, i) => {
      const x = imputed(r, card.features, medians);
      const { margin, contributions } = walkTrees(trees, x);
      const sum = trees.init + trees.trees.reduce((a: number, t: number[][]) => a + t[0][4], 0) + contributions.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - margin)).toBeLessThan(1e-9);
      const p = 1 / (1 + Math.exp(-(trees.platt.a * margin + trees.platt.b)));
      worst = Math.max(worst, Math.abs(p - parity.probability[i]));
    });
    expect(worst).toBeLessThan(1e-5);
  });
});
