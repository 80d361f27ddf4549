/**
 * Differential proof: the compiled evaluator (server/rules/compile.ts) decides exactly what
 * json-rules-engine decides. 100,000 generated fact sets run against the realistic 50-rule pack
 * in rules/packs/bench50 (all/any/not nesting, arrays, nulls, numeric strings, fact references,
 * every operator; empty all/any are covered by the random trees), plus random condition trees
 * and the error cases where the engine rejects a run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compilePack, OPERATORS, type ConditionNode } from '../../../server/rules/compile';
import { evaluateReference, prepareReference } from '../../../server/rules/reference';
import type { FactMap } from '../../../server/rules/facts';

const pack = JSON.parse(readFileSync(new URL('../../../rules/packs/bench50/pack.json', import.meta.url), 'utf8')) as {
  rules: { id: string; priority?: number; conditions: ConditionNode }[];
};

/** mulberry32: a fast deterministic PRNG so every run checks the same 100,000 fact sets. */
function prng(seed: number) {
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

function factSet(rnd: () => number): FactMap {
  const f: FactMap = {};
  for (const name of FACT_NAMES) {
    const r = rnd();
    if (r < 0.04) continue; // absent: both sides must treat it as null
    const pool = r < 0.12 ? CHAOS : POOLS[name];
    f[name] = pool[Math.floor(rnd() * pool.length)];
  }
  return f;
}

async function compare(rules: typeof pack.rules, sets: FactMap[]) {
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

describe('compiled evaluator = json-rules-engine on the bench50 pack', () => {
  const TOTAL = 100_000;
  const BATCH = 25_000;
  const firedPerRule = new Map<string, number>();
  for (let b = 0; b < TOTAL / BATCH; b++) {
    it(`fact sets ${b * BATCH}..${(b + 1) * BATCH - 1}: 0 mismatches`, async () => {
      const rnd = prng(1000 + b);
      const sets = Array.from({ length: BATCH }, () => factSet(rnd));
      const t0 = performance.now();
      const { mismatches, fired } = await compare(pack.rules, sets);
      const ms = performance.now() - t0;
      console.log(`differential batch ${b}: ${BATCH} fact sets × ${pack.rules.length} rules, ${fired} firings, ${mismatches.length} mismatches, ${(ms / 1000).toFixed(1)} s`);
      expect(mismatches.slice(0, 5)).toEqual([]);
      // The generated facts must exercise the pack: every rule both fires and fails somewhere.
      if (b === 0) {
        const compiled = compilePack(pack.rules);
        const out = new Uint8Array(pack.rules.length);
        for (const s of sets) {
          compiled.evaluate(s, out);
          pack.rules.forEach((r, i) => firedPerRule.set(r.id, (firedPerRule.get(r.id) ?? 0) + out[i]));
        }
        const never = pack.rules.filter((r) => !firedPerRule.get(r.id)).map((r) => r.id);
        const always = pack.rules.filter((r) => firedPerRule.get(r.id) === BATCH).map((r) => r.id);
        expect({ never, always }).toEqual({ never: [], always: [] });
      }
    });
  }
});

// ------------------------------------------------------------------ random condition trees
const leafFacts = ['n', 's', 'a', 'm', 'd', 'x'];
const scalar = fc.oneof(
  fc.constantFrom(null, '', '0', '5', 'a', 'b', '2025-05-01', '12abc', true, false, 0, 5, -1, 2.5),
  fc.integer({ min: -3, max: 10 }),
);
const leafValue = (op: string) =>
  op === 'in' || op === 'notIn'
    ? fc.oneof(fc.array(scalar, { maxLength: 4 }), fc.constantFrom('abc', 'a5'), fc.record({ fact: fc.constantFrom('a', 'arr2') }))
    : fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 1, arbitrary: fc.record({ fact: fc.constantFrom(...leafFacts) }) });
const leaf: fc.Arbitrary<ConditionNode> = fc
  .constantFrom(...OPERATORS)
  .chain((op) => fc.record({ fact: fc.constantFrom(...leafFacts), operator: fc.constant(op), value: leafValue(op), priority: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }))
  .map((l) => {
    const { priority, ...rest } = l;
    return (priority === undefined ? rest : l) as ConditionNode;
  });
const tree = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;
const root = fc.oneof(fc.record({ all: fc.array(tree, { maxLength: 4 }) }), fc.record({ any: fc.array(tree, { maxLength: 4 }) }), fc.record({ not: tree }));
const factsArb = fc.record({
  n: scalar,
  s: scalar,
  a: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar),
  arr2: fc.oneof(fc.array(scalar, { maxLength: 3 }), fc.constant(null), fc.constant('a5')),
  m: fc.oneof(fc.double({ noNaN: false }), scalar),
  d: fc.constantFrom('2025-01-01', '2025-12-31', null, '2025'),
  x: scalar,
});

async function outcome(p: ReturnType<typeof prepareReference>, f: FactMap): Promise<string> {
  try {
    const m = await evaluateReference(p, f);
    return m.get('r') ? 'fired' : 'not fired';
  } catch {
    return 'error';
  }
}

describe('compiled evaluator = json-rules-engine on random trees', () => {
  it('agrees on fired / not fired / error for random trees with priorities, fact references and bad values', async () => {
    await fc.assert(
      fc.asyncProperty(root, fc.array(factsArb, { minLength: 1, maxLength: 8 }), async (conditions, sets) => {
        const rules = [{ id: 'r', conditions }];
        const compiled = compilePack(rules);
        const ref = prepareReference(rules);
        for (const f of sets) {
          let mine: string;
          try {
            mine = compiled.evaluate(f)[0] === 1 ? 'fired' : 'not fired';
          } catch {
            mine = 'error';
          }
          expect(mine).toBe(await outcome(ref, f));
        }
      }),
      { numRuns: 3000, seed: 20250501 },
    );
  });

  it('raises where the engine rejects: `in` against a null fact reference', async () => {
    const rules = [{ id: 'r', conditions: { all: [{ fact: 's', operator: 'in', value: { fact: 'arr2' } }] } as ConditionNode }];
    const compiled = compilePack(rules);
    expect(() => compiled.evaluate({ s: 'a', arr2: null })).toThrow(/rule r/);
    expect(await outcome(prepareReference(rules), { s: 'a', arr2: null })).toBe('error');
    expect(compiled.evaluate({ s: 'a', arr2: ['a'] })[0]).toBe(1);
  });

  it('short-circuits between priority groups exactly like the engine (no error when a higher group already decided)', async () => {
    const cond = {
      all: [
        { fact: 'n', operator: 'equal', value: 1, priority: 5 },
        { fact: 's', operator: 'in', value: { fact: 'arr2' }, priority: 1 },
      ],
    } as ConditionNode;
    const rules = [{ id: 'r', conditions: cond }];
    const compiled = compilePack(rules);
    const ref = prepareReference(rules);
    expect(compiled.evaluate({ n: 2, s: 'a', arr2: null })[0]).toBe(0);
    expect(await outcome(ref, { n: 2, s: 'a', arr2: null })).toBe('not fired');
    expect(() => compiled.evaluate({ n: 1, s: 'a', arr2: null })).toThrow();
    expect(await outcome(ref, { n: 1, s: 'a', arr2: null })).toBe('error');
  });
});
