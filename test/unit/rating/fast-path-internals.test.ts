/**
 * Edge cases of rate()'s per-pack precomputation and memoised day numbers (server/rating/rate.ts,
 * proration.ts): results must stay those of the reference implementation.
 */
import { describe, expect, it } from 'vitest';
import { prepareRules } from '../../../server/rating/prepare';
import { billableDays } from '../../../server/rating/proration';
import { rate } from '../../../server/rating/rate';
import { rateReference } from '../../../server/rating/rate-reference';
import { input, plan, rule } from './helpers';

const p = plan([{ code: 'base', type: 'flat', amount: '10.00' }]);

describe('rate() fast path internals', () => {
  it('records trace facts for unusual fact names exactly like the reference', () => {
    const rules = prepareRules([
      rule('odd', 'discount', { percent: 10 }, { conditions: { any: [{ fact: 'x"y', operator: 'equal', value: 1 }, { fact: 'customer.type', operator: 'equal', value: 'corporate' }] } as never }),
      rule('proto', 'discount', { percent: 5 }, { conditions: { all: [{ fact: '__proto__', operator: 'notEqual', value: 3 }, { fact: '123', operator: 'equal', value: null }] } as never }),
      rule('plain', 'discount', { amount: '1' }, { conditions: { all: [{ fact: 'customer.attributes.region', operator: 'equal', value: null }, { fact: 'customer.type', operator: 'equal', value: 'corporate' }] } as never }),
    ]);
    for (const trace of ['summary', 'full'] as const) {
      const inp = input([{ plan: { ...p, trialDays: 0 }, startDate: '2025-05-11' }, { plan: p }]);
      const fast = rate(inp, { rules, trace });
      expect(fast).toEqual(rateReference(inp, { rules, trace }));
      expect(JSON.stringify(fast.trace)).toBe(JSON.stringify(rateReference(inp, { rules, trace }).trace));
      // every call gets fresh trace and version objects
      const again = rate(inp, { rules, trace });
      expect(again.trace[0].facts).not.toBe(fast.trace[0].facts);
      expect(again.versions.rules[0]).not.toBe(fast.versions.rules[0]);
    }
  });

  it('memoised day numbers: same days, invalid dates throw every time', () => {
    const period = { start: '2025-05-01', end: '2025-06-01' };
    expect(billableDays(period, '2025-05-11', null, 3)).toEqual({ periodDays: 31, billableDays: 18, trialDays: 3 });
    expect(billableDays(period, '2025-05-11', null, 3)).toEqual({ periodDays: 31, billableDays: 18, trialDays: 3 });
    for (let i = 0; i < 2; i++) expect(() => billableDays({ start: '2025-05-01', end: '2025-02-30' }, null, null)).toThrow(RangeError);
  });
});
