/**
 * The generated fact sets of the differential proof (compiled evaluator = json-rules-engine on
 * the bench50 pack), shared by test/unit/rules/differential.test.ts (a few thousand sets, every
 * run) and `npm run bench:rating` (100,000 sets, test/bench/rating.bench.ts). Values are drawn
 * around every threshold of the pack, plus nulls, missing facts, numeric strings, arrays, wrong
 * types and NaN.
 */
import { readFileSync } from 'node:fs';
import { compilePack, type ConditionNode } from '../../../server/rules/compile';
import type { FactMap } from '../../../server/rules/facts';
import { evaluateReference, prepareReference } from '../../../server/rules/reference';

export const bench50 = JSON.parse(readFileSync(new URL('../../../rules/packs/bench50/pack.json', import.meta.url), 'utf8')) as {
  rules: { id: string; priority?: number; conditions: ConditionNode }[];
};

/** How many fact sets: DIFF_SETS if set (the bench runs 100,000), else `fallback`. */
export function diffSets(fallback: number): number {
  const n = Number(process.env.DIFF_SETS ?? fallback);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`DIFF_SETS must be a whole number, got ${process.env.DIFF_SETS}`);
  return n;
}

/** How many random condition trees (differential.test.ts): DIFF_TREES if set, else `fallback`. */
export function diffTrees(fallback: number): number {
  const n = Number(process.env.DIFF_TREES ?? fallback);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`DIFF_TREES must be a whole number, got ${process.env.DIFF_TREES}`);
  return n;
}

/** mulberry32: a fast deterministic PRNG so every run checks the same fact sets. */
export function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHAOS: unknown[] = [null, '', 0, '0', -1, true, false, [], ['x'], '2025-05-01', 'NaN', '12abc', ' 7', Number.NaN, 1e21, [5], { a: 1 }];
const POOLS: Record<string, unknown[]> = {
  'customer.id': ['C-0001', 'C-0002', 'C-0007', 'C-0042', 'C-9', null],
  'customer.type': ['corporate', 'individual', 'public', 'foreigner', null, 'Corporate', ''],
  'customer.segment': ['smb', 'startup', 'enterprise', null, ''],
  'customer.country': ['KR', 'JP', 'US', 'DE', 'FR', 'NL', 'CN', null],
  'customer.tags': [[], ['vip'], ['loyal', 'vip'], ['nonprofit'], ['churn-risk'], ['graduated'], ['edu-expired'], ['beta'], ['student'], ['no-points'], ['loyal'], null, 'vip', ['VIP']],
  'customer.tenureMonths': [0, 2, 3, 5, 6, 11, 12, 24, 25, 36, 40, null, '12', '36.5', 'abc'],
  'customer.attributes.partner': [true, false, 'true', null, 1],
  'customer.attributes.partnerId': ['P-1', null, ''],
  'customer.attributes.industry': ['education', 'research', 'retail', null, 'Education'],
  'customer.attributes.vatId': ['DE123', 'FR99', null, ''],
  'customer.attributes.state': ['NY', 'CA', 'WA', 'TX', null],
  'customer.attributes.city': ['NYC', 'LA', null],
  'customer.attributes.billingCountry': ['KR', 'US', 'DE', null],
  'subscription.quantities.seats': [0, 1, 2, 5, 10, 11, 20, 21, 50, 51, 100, 101, 200, 201, null, '20', '5.5', 1000],
  'subscription.cycleIndex': [1, 2, 3, 4, 6, 7, 12, 13, null, '1'],
  'subscription.startDate': ['2024-12-31', '2025-01-01', '2025-05-01', '2025-06-15', null],
  'subscription.planCode': ['basic', 'standard', 'enterprise', 'free', null],
  'plan.code': ['basic', 'standard', 'enterprise', 'free', 'files', null],
  'plan.interval': ['month', 'year', 'week', null],
  'plan.currency': ['KRW', 'USD', null],
  'usage.api_calls': [0, 1, 5, 99, 100, 999, 100000, 1000000, 1000001, 5000001, null, '100001'],
  'usage.storage_gb': [0, 1, 2, 5, 10, 20, 499, 500, 501, 1000001, null, '0'],
  'period.start': ['2025-02-01', '2025-03-01', '2025-06-01', '2025-12-01', null],
  'period.end': ['2025-03-01', '2025-07-01', '2025-12-01', '2026-01-01', null],
  'period.days': [7, 28, 29, 30, 31, null],
  'period.month': [1, 2, 3, 6, 7, 8, 11, 12, null, '6', '12'],
  'bill.subtotal': [0, 5, 9.99, 10, 1000, 50000, 50001, 1000000, 1000001, null],
  'invoice.subtotal': [0, 4999.99, 5000, 29999, 30000, 12000, null],
  coupons: [[], ['WELCOME10'], ['SPRING'], ['PARTNER50'], ['EDU'], ['SAVE5000'], ['USD20'], ['UPGRADE25'], ['FRIEND'], ['WELCOME10', 'SPRING'], null, 'WELCOME10'],
};
const FACT_NAMES = Object.keys(POOLS);

export function factSet(rnd: () => number): FactMap {
  const f: FactMap = {};
  for (const name of FACT_NAMES) {
    const r = rnd();
    if (r < 0.04) continue; // absent: both sides must treat it as null
    const pool = r < 0.12 ? CHAOS : POOLS[name];
    f[name] = pool[Math.floor(rnd() * pool.length)];
  }
  return f;
}

export async function compare(rules: typeof bench50.rules, sets: FactMap[]) {
  const compiled = compilePack(rules);
  const ref = prepareReference(rules);
  const out = new Uint8Array(rules.length);
  const mismatches: { set: number; rule: string; compiled: boolean; engine: boolean | undefined }[] = [];
  let fired = 0;
  for (let s = 0; s < sets.length; s++) {
    compiled.evaluate(sets[s], out);
    const engine = await evaluateReference(ref, sets[s]);
    for (let i = 0; i < rules.length; i++) {
      const e = engine.get(rules[i].id);
      fired += out[i];
      if ((out[i] === 1) !== e) mismatches.push({ set: s, rule: rules[i].id, compiled: out[i] === 1, engine: e });
    }
  }
  return { mismatches, fired };
}

/**
 * The fact sets in batches of at most 25,000; batch b is drawn from seed 1000 + b, so a run of
 * N sets checks the first N of the 100,000 the bench checks.
 */
export function diffBatches(total: number): { from: number; size: number; seed: number }[] {
  const BATCH = 25_000;
  const out: { from: number; size: number; seed: number }[] = [];
  for (let b = 0; b * BATCH < total; b++) out.push({ from: b * BATCH, size: Math.min(BATCH, total - b * BATCH), seed: 1000 + b });
  return out;
}
export function drawSets(batch: { size: number; seed: number }): FactMap[] {
  const rnd = prng(batch.seed);
  return Array.from({ length: batch.size }, () => factSet(rnd));
}
