/**
 * `npm run bench:rating`: rates 100,000 subscriptions (3 components each) against the 50-rule
 * pack rules/packs/bench50 through the production path (prepareRules once → compiled evaluator +
 * rate() per subscription), then evaluates the same rules for a 3,000-subscription sample through
 * json-rules-engine (a new Engine per run) and prints both rates and their ratio.
 * Goal: ≥ 20,000 subscriptions/s on one core for the production path.
 */
import { readFileSync } from 'node:fs';
import { prepareRules } from '../../server/rating/prepare';
import { rate } from '../../server/rating/rate';
import { subscriptionFacts } from '../../server/rating/subscription-facts';
import type { RatingInput } from '../../server/rating/types';
import { evaluateReference, prepareReference } from '../../server/rules/reference';
import type { PlanDoc, RuleDoc } from '../../server/rules/schema';

const N = Number(process.env.BENCH_SUBS ?? 100_000);
const REF_SAMPLE = Number(process.env.BENCH_REF_SAMPLE ?? 3_000);
const traceLevel = (process.env.BENCH_TRACE ?? 'full') as 'full' | 'summary';

const pack = JSON.parse(readFileSync(new URL('../../rules/packs/bench50/pack.json', import.meta.url), 'utf8')) as { rules: RuleDoc[] };

const plans: PlanDoc[] = ['basic', 'standard', 'enterprise', 'free'].map((code, i) => ({
  code,
  name: code,
  currency: 'KRW',
  interval: i === 1 ? 'year' : 'month',
  components: [
    { code: 'base', type: 'flat', amount: String(9900 * (i + 1)) },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'volume', tiers: [{ upTo: 10, unitAmount: '5000' }, { upTo: 100, unitAmount: '4500' }, { upTo: null, unitAmount: '4000' }] } },
    { code: 'api', type: 'usage', meter: 'api_calls', pricing: { model: 'graduated', tiers: [{ upTo: 10000, unitAmount: '0' }, { upTo: 100000, unitAmount: '2' }, { upTo: null, unitAmount: '1' }] } },
  ],
}));

let seed = 42;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

function makeInput(i: number): RatingInput {
  const day = 1 + Math.floor(rnd() * 28);
  return {
    currency: 'KRW',
    rounding: 'half_up',
    customer: {
      id: `C-${String(i).padStart(4, '0')}`,
      type: pick(['individual', 'corporate', 'public', 'foreigner']),
      segment: pick(['smb', 'startup', 'enterprise', null]),
      country: pick(['KR', 'KR', 'KR', 'JP', 'US']),
      tags: pick([[], ['vip'], ['loyal'], ['loyal', 'vip'], ['trial']]),
      tenureMonths: Math.floor(rnd() * 48),
      attributes: { partner: rnd() < 0.1, score: Math.floor(rnd() * 100), tier: pick(['gold', 'silver', 'platinum']), state: pick(['NY', 'CA', 'TX']) },
    },
    period: { start: '2025-06-01', end: '2025-07-01' },
    coupons: rnd() < 0.1 ? [pick(['WELCOME10', 'SPRING'])] : [],
    subscriptions: [
      {
        plan: pick(plans),
        startDate: rnd() < 0.2 ? `2025-06-${String(day).padStart(2, '0')}` : '2025-01-01',
        cycleIndex: 1 + Math.floor(rnd() * 24),
        quantities: { seats: 1 + Math.floor(rnd() * 250) },
        usage: { api_calls: Math.floor(rnd() * 2_000_000), storage_gb: Math.floor(rnd() * 1000) },
      },
    ],
  };
}

async function main() {
  const inputs = Array.from({ length: N }, (_, i) => makeInput(i));
  const prepared = prepareRules(pack.rules);

  // warm-up (JIT), not measured
  for (let i = 0; i < 2000; i++) rate(inputs[i], { rules: prepared, trace: traceLevel });

  let lines = 0;
  let fired = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = rate(inputs[i], { rules: prepared, trace: traceLevel });
    lines += r.lines.length;
    for (const t of r.trace) if (t.fired) fired++;
  }
  const prodMs = performance.now() - t0;
  const prodRate = N / (prodMs / 1000);

  // Reference: the same rules (the pack's conditions) through json-rules-engine, rule evaluation only.
  const ref = prepareReference(pack.rules.filter((r) => r.kind !== 'dunning'));
  const facts = inputs.slice(0, REF_SAMPLE).map((inp) => {
    const f = subscriptionFacts(inp, inp.subscriptions[0], ref.facts);
    f['bill.subtotal'] = 100000;
    f['invoice.subtotal'] = 100000;
    return f;
  });
  for (let i = 0; i < Math.min(200, facts.length); i++) await evaluateReference(ref, facts[i]);
  const t1 = performance.now();
  for (const f of facts) await evaluateReference(ref, f);
  const refMs = performance.now() - t1;
  const refRate = REF_SAMPLE / (refMs / 1000);

  // Like-for-like: the compiled evaluator on the same fact maps (rule evaluation only).
  const { compilePack } = await import('../../server/rules/compile');
  const compiled = compilePack(pack.rules.filter((r) => r.kind !== 'dunning'));
  const allFacts = inputs.map((inp) => {
    const f = subscriptionFacts(inp, inp.subscriptions[0], ref.facts);
    f['bill.subtotal'] = 100000;
    f['invoice.subtotal'] = 100000;
    return f;
  });
  const out = new Uint8Array(compiled.rules.length);
  const t2 = performance.now();
  for (const f of allFacts) compiled.evaluate(f, out);
  const evalMs = performance.now() - t2;
  const evalRate = N / (evalMs / 1000);

  console.log(`rating bench: ${pack.rules.length}-rule pack, 3 components per subscription, trace=${traceLevel}`);
  console.log(`production (compiled + rate):      ${N} subscriptions in ${(prodMs / 1000).toFixed(2)} s = ${Math.round(prodRate).toLocaleString('en-US')} subs/s (${lines} lines, ${fired} rule firings)`);
  console.log(`reference (json-rules-engine only): ${REF_SAMPLE} subscriptions in ${(refMs / 1000).toFixed(2)} s = ${Math.round(refRate).toLocaleString('en-US')} subs/s (${(refMs / REF_SAMPLE).toFixed(3)} ms per pack evaluation)`);
  console.log(`compiled evaluator only:            ${N} fact maps in ${(evalMs / 1000).toFixed(3)} s = ${Math.round(evalRate).toLocaleString('en-US')} subs/s (${((evalMs / N) * 1000).toFixed(2)} µs per pack evaluation)`);
  console.log(`ratio production (full rating) / reference (rules only): ${(prodRate / refRate).toFixed(1)}×`);
  console.log(`ratio compiled / json-rules-engine (rules only): ${(evalRate / refRate).toFixed(0)}×`);
  console.log(`goal ≥ 20,000 subs/s: ${prodRate >= 20_000 ? 'met' : 'NOT met'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
