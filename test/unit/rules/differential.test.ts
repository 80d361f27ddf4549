/**
 * Differential proof: the compiled evaluator (server/rules/compile.ts) decides exactly what
 * json-rules-engine decides. Generated fact sets (./differential-facts.ts) run against the
 * realistic 50-rule pack in rules/packs/bench50 (all/any/not nesting, arrays, nulls, numeric
 * strings, fact references, every operator; empty all/any are covered by the random trees), plus
 * random condition trees and the error cases where the engine rejects a run.
 *
 * 2,000 fact sets here (every rule fires on some and fails on others, asserted) and 1,500 random
 * trees; the 100,000-set run is part of `npm run bench:rating`, or
 * `DIFF_SETS=100000 DIFF_TREES=20000 npx vitest run <this file>` for both at full size.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compilePack, OPERATORS, type ConditionNode } from '../../../server/rules/compile';
import { evaluateReference, prepareReference } from '../../../server/rules/reference';
import type { FactMap } from '../../../server/rules/facts';
import { bench50 as pack, compare, diffBatches, diffSets, diffTrees, drawSets } from './differential-facts';

describe('compiled evaluator = json-rules-engine on the bench50 pack', () => {
  for (const batch of diffBatches(diffSets(2_000))) {
    it(`fact sets ${batch.from}..${batch.from + batch.size - 1}: 0 mismatches`, async () => {
      const sets = drawSets(batch);
      const t0 = performance.now();
      const { mismatches, fired } = await compare(pack.rules, sets);
      const ms = performance.now() - t0;
      console.log(`differential fact sets ${batch.from}..: ${batch.size} × ${pack.rules.length} rules, ${fired} firings, ${mismatches.length} mismatches, ${(ms / 1000).toFixed(1)} s`);
      expect(mismatches.slice(0, 5)).toEqual([]);
      // The generated facts must exercise the pack: every rule both fires and fails somewhere.
      if (batch.from === 0) {
        const firedPerRule = new Map<string, number>();
        const compiled = compilePack(pack.rules);
        const out = new Uint8Array(pack.rules.length);
        for (const s of sets) {
          compiled.evaluate(s, out);
          pack.rules.forEach((r, i) => firedPerRule.set(r.id, (firedPerRule.get(r.id) ?? 0) + out[i]));
        }
        const never = pack.rules.filter((r) => !firedPerRule.get(r.id)).map((r) => r.id);
        const always = pack.rules.filter((r) => firedPerRule.get(r.id) === batch.size).map((r) => r.id);
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
      { numRuns: diffTrees(1_500), seed: 20250501 },
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
