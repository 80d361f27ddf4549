/**
 * analytics.bench.ts, payment patterns: the endpoint (facts kept by triggers) timed next to the
 * same answer computed from the raw tables, each with its CPU (this process and the PostgreSQL
 * backends, from /proc, which do not depend on how busy the shared machine is), and the two
 * answers compared element by element: every month × method × currency of the mix, every
 * method, decline code, days-to-pay bucket, heatmap cell, late payer, and on time / late.
 */
import { quantile } from './quantile';
import postgres from 'postgres';
import type { Ctx } from '../../../server/lib/context';
import { paymentPatternsFrom } from '../../../server/analytics/payment-patterns';
import { promotionRoiFrom } from '../../../server/analytics/promotion-roi';
import { backendCpu, cpuDelta, processCpuMs } from './cpu';

/** Percentile p (0–100) by nearest rank (support/quantile.ts). */
const pct = (xs: number[], p: number) => quantile(xs, p / 100);

export async function timeWithCpu(label: string, dbUrl: string | null, runs: number, maxMs: number, fn: () => Promise<unknown>) {
  const probe = dbUrl ? postgres(dbUrl, { max: 1, onnotice: () => {} }) : null;
  try {
    const pgBefore = probe ? await backendCpu(probe, 'others') : null;
    const node = processCpuMs();
    const ms: number[] = [];
    const began = performance.now();
    for (let i = 0; i < runs && (i < 3 || performance.now() - began < maxMs); i++) { const s = performance.now(); await fn(); ms.push(performance.now() - s); }
    const nodeMs = processCpuMs(node.mark).ms / ms.length;
    const pgMs = probe ? cpuDelta(pgBefore, await backendCpu(probe, 'others')) : null;
    const p50 = pct(ms, 50), p95 = pct(ms, 95);
    console.log(`${label.padEnd(44)} p50 ${p50.toFixed(1).padStart(8)} ms   p95 ${p95.toFixed(1).padStart(8)} ms   n=${String(ms.length).padStart(2)}  CPU/request ${nodeMs.toFixed(1)} ms node${pgMs === null ? '' : ` + ${(pgMs / ms.length).toFixed(1)} ms PostgreSQL`}  ${p95 < 200 ? 'ok' : 'OVER 200 ms'}`);
    return { p50, p95 };
  } finally {
    await probe?.end({ timeout: 5 });
  }
}

/** Facts against raw, element by element; prints and returns the number of mismatches. */
export async function checkPaymentPatterns(ctx: Ctx, dbUrl: string | null, runs: number, maxMs: number): Promise<number> {
  const facts = await timeWithCpu('payment patterns from facts (the endpoint)', dbUrl, runs, maxMs, () => paymentPatternsFrom(ctx, {}, 'facts'));
  const raw = await timeWithCpu('naive SQL: payment patterns raw', dbUrl, runs, maxMs, () => paymentPatternsFrom(ctx, {}, 'raw'));
  console.log(`payment patterns: raw ÷ facts p50 ${(raw.p50 / facts.p50).toFixed(1)}×, p95 ${(raw.p95 / facts.p95).toFixed(1)}×`);
  const [f, r] = [await paymentPatternsFrom(ctx, {}, 'facts'), await paymentPatternsFrom(ctx, {}, 'raw')];
  let bad = 0, cells = 0;
  for (const part of ['methodMix', 'outcomes', 'declines', 'daysToPay', 'latePayers', 'heatmap'] as const) {
    const a = f[part] as unknown[], b = r[part] as unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      cells++;
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) { bad++; if (bad <= 10) console.log(`MISMATCH payment patterns ${part}[${i}]: facts ${JSON.stringify(a[i])}, raw ${JSON.stringify(b[i])}`); }
    }
  }
  cells++;
  if (JSON.stringify(f.timeliness) !== JSON.stringify(r.timeliness)) { bad++; console.log(`MISMATCH payment patterns timeliness: facts ${JSON.stringify(f.timeliness)}, raw ${JSON.stringify(r.timeliness)}`); }
  console.log(`payment patterns: facts vs raw, ${bad} mismatches in ${cells} cells (${f.methodMix.length} month × method × currency, ${f.daysToPay.length} days-to-pay buckets, ${f.heatmap.length} heatmap cells, ${f.months.length} months)`);
  return bad;
}

/** Promotions: facts against the raw lines, timed with CPU; mismatching rows of givenAway and comparison. */
export async function checkPromotions(ctx: Ctx, dbUrl: string | null, runs: number, maxMs: number): Promise<number> {
  const facts = await timeWithCpu('promotions from facts (the endpoint)', dbUrl, runs, maxMs, () => promotionRoiFrom(ctx, {}, 'facts'));
  const raw = await timeWithCpu('naive SQL: promotions from invoice lines', dbUrl, runs, maxMs, () => promotionRoiFrom(ctx, {}, 'raw'));
  console.log(`promotions: raw ÷ facts p50 ${(raw.p50 / facts.p50).toFixed(1)}×, p95 ${(raw.p95 / facts.p95).toFixed(1)}×`);
  const [f, r] = [await promotionRoiFrom(ctx, {}, 'facts'), await promotionRoiFrom(ctx, {}, 'raw')];
  let bad = 0;
  for (const part of ['givenAway', 'comparison'] as const) {
    const a = f[part] as unknown[], b = r[part] as unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) { bad++; if (bad <= 10) console.log(`MISMATCH promotions ${part}[${i}]: facts ${JSON.stringify(a[i])}, raw ${JSON.stringify(b[i])}`); }
    }
  }
  console.log(`promotions: facts vs raw, ${bad} mismatches in ${f.givenAway.length} rule × month × currency rows and ${f.comparison.length} comparisons (${f.months.length} months)`);
  return bad;
}
