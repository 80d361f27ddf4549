/**
 * The model's trees as flat typed arrays, walked in plain JavaScript: the margin (what onnxruntime
 * computes before Platt scaling) and the per-feature contributions along the path (Saabas), which
 * are the drivers. Flattening once per model (cached) keeps the walk to array reads: the nested
 * `[feature, threshold, left, right, value]` rows of `trees.json` cost ~10× more per node.
 *
 * Thresholds stay doubles (the notebook stores the largest float32 not above scikit-learn's
 * threshold, so a float32 input compares the same way onnxruntime compares it).
 */
import type { ChurnModelRow } from './models';

export type Trees = ChurnModelRow['trees'];

export interface FlatTrees {
  init: number;
  /** Index of each tree's root node in the arrays below. */
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** Child node indexes (absolute); left < 0 marks a leaf. */
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

const flatCache = new WeakMap<Trees, FlatTrees>();

export function flatTrees(t: Trees): FlatTrees {
  const hit = flatCache.get(t);
  if (hit) return hit;
  const nodes = t.trees.reduce((n, tree) => n + tree.length, 0);
  const f: FlatTrees = {
    init: t.init, roots: new Int32Array(t.trees.length), feature: new Int32Array(nodes), threshold: new Float64Array(nodes),
    left: new Int32Array(nodes), right: new Int32Array(nodes), value: new Float64Array(nodes),
  };
  let base = 0;
  t.trees.forEach((tree, k) => {
    f.roots[k] = base;
    tree.forEach(([feat, thr, left, right, value], i) => {
      f.feature[base + i] = feat;
      f.threshold[base + i] = thr;
      f.left[base + i] = left < 0 ? -1 : base + left;
      f.right[base + i] = right < 0 ? -1 : base + right;
      f.value[base + i] = value;
    });
    base += tree.length;
  });
  flatCache.set(t, f);
  return f;
}

/**
 * Walks every tree for the row `x[offset .. offset + width)`; adds each split's (child − node)
 * value to `contributions[feature]` when given (it is not cleared here), and returns the margin.
 */
export function walkFlat(f: FlatTrees, x: ArrayLike<number>, offset: number, contributions: Float64Array | null): number {
  const { roots, feature, threshold, left, right, value } = f;
  let margin = f.init;
  for (let k = 0; k < roots.length; k++) {
    let n = roots[k];
    margin += value[n];
    while (left[n] >= 0) {
      const j = feature[n];
      const next = x[offset + j] <= threshold[n] ? left[n] : right[n];
      const step = value[next] - value[n];
      if (contributions) contributions[j] += step;
      margin += step;
      n = next;
    }
  }
  return margin;
}

/** Margin and per-feature path contributions of one imputed row. */
export function walkTrees(t: Trees, x: Float32Array): { margin: number; contributions: Float64Array } {
  const contributions = new Float64Array(x.length);
  const margin = walkFlat(flatTrees(t), x, 0, contributions);
  return { margin, contributions };
}
