/**
 * The q-quantile of `xs` by nearest rank: the smallest value with at least q × n of the values at
 * or below it (p95 of 20 timings is the 19th slowest, p50 of 20 the 10th). The one definition the
 * benches report percentiles with.
 */
export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
