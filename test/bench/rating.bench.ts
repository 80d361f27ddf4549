/**
 * `npm run bench:rating`: rates 100,000 subscriptions (3 components each) against the realistic
 * 50-rule pack rules/packs/bench50 and prints, in one run:
 * - production: the path stored billing uses (server/billing/rate-payer.ts): rules prepared once
 *   (prepareRules), then rate() per invoice with `trace: 'summary'`, plans passed the way billing
 *   passes them (a fresh `{ ...planDoc, trialDays }` object per subscription);
 * - reference: json-rules-engine evaluating the same 50 rules on the same fact maps (rule
 *   evaluation only, no pricing), a NEW Engine per run, runs never overlapping, on a sample;
 * - compiled evaluator only: the pack's compiled closures on all fact maps;
 * and the ratios. Goal: ≥ 20,000 subscriptions/s on one core for the production path.
 * Then the differential proof at full size: the compiled evaluator = json-rules-engine on 100,000
 * generated fact sets (test/unit/rules/differential-facts.ts; the unit test checks the first
 * 5,000); any mismatch is printed and the bench exits with status 1.
 * Last the fast path's differential at full size: the optimised rate() = rateReference() on 20,000
 * random invoices (test/unit/rating/fast-path-property.ts; the unit test checks the first 1,000);
 * a mismatch is printed with its counterexample and the bench exits with status 1.
 * Env: BENCH_SUBS (100000), BENCH_REF_SAMPLE (3000), BENCH_TRACE (summary | full),
 * DIFF_SETS (100000; 0 skips the differential run), FAST_PATH_RUNS (20000; 0 skips it).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { prepareRules } from '../../server/rating/prepare';
import { rate, rateStats } from '../../server/rating/rate';
import { subscriptionFacts } from '../../server/rating/subscription-facts';
import type { RatingInput } from '../../server/rating/types';
import { compilePack } from '../../server/rules/compile';
import type { FactMap } from '../../server/rules/facts';
import { evaluateReference, prepareReference } from '../../server/rules/reference';
import type { PlanDoc, RuleDoc } from '../../server/rules/schema';
import { bench50, compare, diffBatches, diffSets, drawSets } from '../unit/rules/differential-facts';
import { FAST_PATH_SEED, fastPathProperty, fastPathRuns } from '../unit/rating/fast-path-property';

const N = Number(process.env.BENCH_SUBS ?? 100_000);
const REF_SAMPLE = Math.min(N, Number(process.env.BENCH_REF_SAMPLE ?? 3_000));
const traceLevel = (process.env.BENCH_TRACE ?? 'summary') as 'full' | 'summary';

const pack = JSON.parse(readFileSync(new URL('../../rules/packs/bench50/pack.json', import.meta.url), 'utf8')) as { rules: RuleDoc[] };

// ------------------------------------------------------------------ catalog: 4 plans × 4 currencies
const CURRENCIES = { KRW: 1000, USD: 1, EUR: 1, JPY: 100 } as const;
type Cur = keyof typeof CURRENCIES;
const money = (cur: Cur, usd: number) => (cur === 'KRW' || cur === 'JPY' ? String(Math.round(usd * CURRENCIES[cur])) : usd.toFixed(2));
function catalog(cur: Cur): PlanDoc[] {
  const seats = (u: number) => ({ code: 'seats', type: 'quantity' as const, quantityKey: 'seats', pricing: { model: 'volume' as const, tiers: [{ upTo: 10, unitAmount: money(cur, u) }, { upTo: 100, unitAmount: money(cur, u * 0.9) }, { upTo: null, unitAmount: money(cur, u * 0.8) }] } });
  const api = { code: 'api', type: 'usage' as const, meter: 'api_calls', pricing: { model: 'graduated' as const, tiers: [{ upTo: 10000, unitAmount: '0' }, { upTo: 1000000, unitAmount: cur === 'KRW' ? '2' : cur === 'JPY' ? '0.2' : '0.002' }, { upTo: null, unitAmount: cur === 'KRW' ? '1' : cur === 'JPY' ? '0.1' : '0.001' }] } };
  const plan = (code: string, name: string, base: number, seatPrice: number, third: PlanDoc['components'][number], extra: Partial<PlanDoc> = {}): PlanDoc => ({
    code, name, currency: cur, interval: 'month', intervalCount: 1,
    components: [{ code: 'base', name: 'Base fee', type: 'flat', amount: money(cur, base) }, seats(seatPrice), third],
    ...extra,
  });
  return [
    plan('basic', 'Basic', 9.9, 5, api),
    plan('standard', 'Standard (annual)', 199, 4.5, api, { interval: 'year' }),
    plan('enterprise', 'Enterprise', 99, 4, api, { minimumAmount: money(cur, 500) }),
    plan('files', 'Files', 19, 3, { code: 'storage', type: 'usage', meter: 'storage_gb', pricing: { model: 'package', packageSize: 100, packageAmount: money(cur, 10), freeUnits: 5 } }),
  ];
}
const PLANS = Object.fromEntries((Object.keys(CURRENCIES) as Cur[]).map((c) => [c, catalog(c)])) as Record<Cur, PlanDoc[]>;

// ------------------------------------------------------------------ deterministic customers
let seed = 42;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const chance = (p: number) => rnd() < p;
const COUPONS = ['WELCOME10', 'SPRING', 'PARTNER50', 'EDU', 'SAVE5000', 'USD20', 'UPGRADE25', 'FRIEND'];

function makeInput(i: number): RatingInput {
  const r = rnd();
  const [country, cur]: [string, Cur] = r < 0.65 ? ['KR', 'KRW'] : r < 0.85 ? ['US', 'USD'] : r < 0.9 ? ['JP', 'JPY'] : [pick(['DE', 'FR', 'NL']), 'EUR'];
  const type = pick(['individual', 'individual', 'corporate', 'corporate', 'corporate', 'public', 'foreigner']);
  const segment = type === 'individual' ? null : pick(['smb', 'smb', 'startup', 'enterprise']);
  const tags: string[] = [];
  if (chance(0.08)) tags.push('vip');
  if (chance(0.1)) tags.push('loyal');
  if (chance(0.03)) tags.push(pick(['nonprofit', 'churn-risk', 'beta', 'student', 'graduated', 'no-points']));
  const attributes: Record<string, string | number | boolean | null> = {};
  if (country === 'US') {
    attributes.state = pick(['NY', 'CA', 'WA', 'TX', 'NY']);
    if (attributes.state === 'NY' && chance(0.4)) attributes.city = 'NYC';
  }
  if (cur === 'EUR' && type === 'corporate' && chance(0.7)) attributes.vatId = `${country}${i}`;
  if (chance(0.05)) Object.assign(attributes, { partner: true, partnerId: `P-${i % 97}` });
  if (chance(0.04)) attributes.industry = pick(['education', 'research']);
  if (chance(0.1)) attributes.billingCountry = pick([country, 'US']);
  const plan = pick(PLANS[cur]);
  const newSub = chance(0.15);
  const day = 1 + Math.floor(rnd() * 28);
  return {
    currency: cur,
    rounding: 'half_up',
    customer: { id: `C-${String(i).padStart(6, '0')}`, type, segment, country, tags, tenureMonths: Math.floor(rnd() * 48), attributes },
    period: { start: '2025-06-01', end: '2025-07-01' },
    coupons: chance(0.06) ? [pick(COUPONS)] : [],
    subscriptions: [
      {
        // as billing does: a fresh plan object per subscription (rate-payer.ts spreads trialDays in)
        plan: { ...plan, trialDays: 0 },
        startDate: newSub ? `2025-${chance(0.5) ? '05' : '06'}-${String(day).padStart(2, '0')}` : '2024-03-01',
        cycleIndex: newSub ? 1 + Math.floor(rnd() * 2) : 2 + Math.floor(rnd() * 24),
        quantities: { seats: 1 + Math.floor(rnd() < 0.8 ? rnd() * 20 : rnd() * 250) },
        usage: plan.code === 'files' ? { storage_gb: Math.floor(rnd() * 1000) } : { api_calls: Math.floor(rnd() < 0.9 ? rnd() * 800_000 : rnd() * 8_000_000) },
      },
    ],
  };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function main() {
  const inputs = Array.from({ length: N }, (_, i) => makeInput(i));
  const options = { rules: prepareRules(pack.rules), trace: traceLevel } as const;

  // warm-up (JIT), not measured
  for (let i = 0; i < Math.min(N, 5000); i++) rate(inputs[i], options);

  let lines = 0;
  let fired = 0;
  let applied = 0;
  const subtotals = new Float64Array(N);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = rate(inputs[i], options);
    lines += r.lines.length;
    for (const t of r.trace) {
      if (t.fired) fired++;
      if (t.applied) applied++;
    }
    subtotals[i] = Number(r.subtotal);
  }
  const prodMs = performance.now() - t0;
  const prodRate = N / (prodMs / 1000);

  // The fact maps rate() evaluates its post-pricing rules with (bill/invoice subtotal known).
  const ruleDocs = pack.rules.filter((r) => r.kind !== 'dunning');
  const ref = prepareReference(ruleDocs);
  const allFacts: FactMap[] = inputs.map((inp, i) => {
    const f = subscriptionFacts(inp, inp.subscriptions[0], ref.facts);
    f['bill.subtotal'] = subtotals[i];
    f['invoice.subtotal'] = subtotals[i];
    return f;
  });

  // Reference: json-rules-engine, rule evaluation only, a new Engine per run, one run at a time.
  for (let i = 0; i < Math.min(300, REF_SAMPLE); i++) await evaluateReference(ref, allFacts[i]);
  const t1 = performance.now();
  for (let i = 0; i < REF_SAMPLE; i++) await evaluateReference(ref, allFacts[i]);
  const refMs = performance.now() - t1;
  const refRate = REF_SAMPLE / (refMs / 1000);

  // Compiled evaluator only, on every fact map.
  const compiled = compilePack(ruleDocs);
  const out = new Uint8Array(compiled.rules.length);
  for (let i = 0; i < Math.min(N, 5000); i++) compiled.evaluate(allFacts[i], out);
  const t2 = performance.now();
  for (let i = 0; i < N; i++) compiled.evaluate(allFacts[i], out);
  const evalMs = performance.now() - t2;
  const evalRate = N / (evalMs / 1000);

  console.log(`rating bench: ${pack.rules.length}-rule pack (rules/packs/bench50), ${N.toLocaleString('en-US')} subscriptions × 3 components, trace=${traceLevel}, node ${process.version}`);
  console.log(`  per subscription: ${(lines / N).toFixed(2)} lines, ${(fired / N).toFixed(2)} rules fired, ${(applied / N).toFixed(2)} applied; exact fast path ${rateStats.fast}, decimal.js fallback ${rateStats.fallbacks}`);
  console.log(`production (prepareRules once + rate()): ${fmt(prodRate)} subs/s  (${(prodMs / 1000).toFixed(2)} s, ${((prodMs / N) * 1000).toFixed(1)} µs per subscription)`);
  console.log(`reference (json-rules-engine, rules only, new Engine per run, ${REF_SAMPLE.toLocaleString('en-US')} sample): ${fmt(refRate)} subs/s  (${(refMs / REF_SAMPLE).toFixed(3)} ms per pack evaluation)`);
  console.log(`compiled evaluator only: ${fmt(evalRate)} subs/s  (${((evalMs / N) * 1000).toFixed(2)} µs per pack evaluation)`);
  console.log(`ratio production (full rating) / reference (rules only): ${(prodRate / refRate).toFixed(1)}×`);
  console.log(`ratio compiled evaluator / reference (rules only):       ${(evalRate / refRate).toFixed(0)}×`);
  console.log(`goal ≥ 20,000 subs/s and > 10× reference: ${prodRate >= 20_000 && prodRate > 10 * refRate ? 'met' : 'NOT met'}`);

  await differential();
  fastPathDifferential();
}

/** After the timings, so it does not disturb them. Throws (exit status 1) on any mismatch. */
async function differential() {
  const total = diffSets(100_000);
  if (total === 0) return;
  const t0 = performance.now();
  let fired = 0;
  const mismatches: Awaited<ReturnType<typeof compare>>['mismatches'] = [];
  for (const batch of diffBatches(total)) {
    const r = await compare(bench50.rules, drawSets(batch));
    fired += r.fired;
    for (const m of r.mismatches) mismatches.push({ ...m, set: batch.from + m.set });
  }
  console.log(`differential: compiled evaluator vs json-rules-engine on ${total.toLocaleString('en-US')} fact sets × ${bench50.rules.length} rules: ${fired.toLocaleString('en-US')} firings, ${mismatches.length} mismatches (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (mismatches.length > 0) throw new Error(`differential: ${mismatches.length} MISMATCHES between the compiled evaluator and json-rules-engine, first: ${JSON.stringify(mismatches.slice(0, 5))}`);
}

/** rate() = rateReference() on FAST_PATH_RUNS random invoices. Throws (exit status 1) on a mismatch. */
function fastPathDifferential() {
  const runs = fastPathRuns(20_000);
  if (runs === 0) return;
  const t0 = performance.now();
  const before = { ...rateStats };
  const differ = (fast: unknown, ref: unknown) => {
    if (!isDeepStrictEqual(fast, ref)) throw new Error(`rate() differs from rateReference():\nfast: ${JSON.stringify(fast)}\nreference: ${JSON.stringify(ref)}`);
  };
  const r = fc.check(fastPathProperty(differ), { numRuns: runs, seed: FAST_PATH_SEED });
  const fast = rateStats.fast - before.fast;
  const fallbacks = rateStats.fallbacks - before.fallbacks;
  console.log(`fast path differential: rate() vs rateReference() on ${runs.toLocaleString('en-US')} random invoices (${fast.toLocaleString('en-US')} on the exact path, ${fallbacks.toLocaleString('en-US')} fell back): ${r.failed ? 'MISMATCH' : '0 mismatches'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.failed) throw new Error(`fast path differential: MISMATCH after ${r.numRuns} runs (seed ${r.seed}, path ${r.counterexamplePath}); counterexample ${JSON.stringify(r.counterexample)}\n${String(r.errorInstance)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
