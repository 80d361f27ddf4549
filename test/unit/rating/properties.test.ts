import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, currencyDecimals } from '../../../server/lib/money';
import { allocateProportionally } from '../../../server/rating/allocate';
import { rate } from '../../../server/rating/rate';
import type { RuleDoc } from '../../../server/rules/schema';
import { input, plan, rule } from './helpers';

const cents = fc.integer({ min: 0, max: 500_000 }).map((n) => (n / 100).toFixed(2));
const currency = fc.constantFrom('USD', 'KRW', 'BHD');
const moneyIn = (cur: string) => fc.integer({ min: 0, max: 5_000_000 }).map((n) => (currencyDecimals(cur) === 0 ? String(n) : (n / 10 ** currencyDecimals(cur)).toFixed(currencyDecimals(cur))));
const ruleArb = (cur: string): fc.Arbitrary<RuleDoc> =>
  fc.oneof(
    fc.record({ p: fc.integer({ min: 0, max: 100 }), prio: fc.integer({ min: 1, max: 5 }), inv: fc.boolean() }).map(({ p, prio, inv }) => rule(`pct${p}-${prio}`, 'discount', { percent: String(p), ...(inv ? { target: 'invoice' } : {}) }, { priority: prio })),
    fc.record({ a: moneyIn(cur), prio: fc.integer({ min: 1, max: 5 }) }).map(({ a, prio }) => rule(`amt${a}-${prio}`, 'discount', { amount: a }, { priority: prio })),
    fc.record({ r: fc.integer({ min: 0, max: 25 }), name: fc.constantFrom('VAT', 'State', 'City') }).map(({ r, name }) => rule(`tax-${name}-${r}`, 'tax', { rate: String(r), name })),
  );

describe('rating invariants (property-based)', () => {
  it('lines add up to the totals, nothing is negative, amounts have the currency minor units', () => {
    fc.assert(
      fc.property(
        currency.chain((cur) =>
          fc.record({
            cur: fc.constant(cur),
            flats: fc.array(moneyIn(cur), { minLength: 1, maxLength: 4 }),
            seats: fc.integer({ min: 0, max: 50 }),
            calls: fc.integer({ min: 0, max: 20000 }),
            rules: fc.uniqueArray(ruleArb(cur), { maxLength: 6, selector: (r) => r.id }),
            start: fc.integer({ min: 0, max: 40 }),
            mode: fc.constantFrom('half_up', 'half_even', 'down', 'up' as const),
            prepaid: moneyIn(cur),
          }),
        ),
        ({ cur, flats, seats, calls, rules, start, mode, prepaid }) => {
          const p = plan(
            [
              ...flats.map((a, i) => ({ code: `f${i}`, type: 'flat' as const, amount: a })),
              { code: 'seats', type: 'quantity' as const, quantityKey: 'seats', pricing: { model: 'standard' as const, unitAmount: currencyDecimals(cur) === 0 ? '4900' : '4.99' } },
              { code: 'calls', type: 'usage' as const, meter: 'calls', pricing: { model: 'graduated' as const, tiers: [{ upTo: 1000, unitAmount: '0' }, { upTo: null, unitAmount: '0.0137', flatAmount: currencyDecimals(cur) === 0 ? '2' : '2.00' }] } },
            ],
            { currency: cur },
          );
          const startDate = start < 31 ? `2025-05-${String(start + 1).padStart(2, '0')}` : '2025-04-01';
          const r = rate(input([{ plan: p, startDate, quantities: { seats }, usage: { calls } }], { currency: cur, rounding: mode, prepaidBalance: prepaid }), { rules });
          const d = (s: string) => new Decimal(s);
          const sum = (k: string[]) => r.lines.filter((l) => k.includes(l.kind)).reduce((a, l) => a.plus(d(l.amount)), new Decimal(0));
          const places = currencyDecimals(cur);
          // One assertion over all lines (naming the bad ones): an expect per line was most of the time.
          const badLines = r.lines.filter((l) => d(l.amount).decimalPlaces() > places || (l.amount.split('.')[1]?.length ?? 0) !== places || (l.kind !== 'discount' && d(l.amount).isNegative()));
          expect(badLines).toEqual([]);
          expect(sum(['charge', 'minimum']).equals(d(r.subtotal))).toBe(true);
          expect(sum(['discount']).negated().equals(d(r.discountTotal))).toBe(true);
          expect(sum(['tax']).equals(d(r.taxTotal))).toBe(true);
          expect(d(r.subtotal).minus(d(r.discountTotal)).plus(d(r.taxTotal)).equals(d(r.total))).toBe(true);
          expect(d(r.total).isNegative()).toBe(false);
          expect(d(r.amountDue).isNegative()).toBe(false);
          expect(d(r.total).minus(d(r.prepaidApplied)).minus(d(r.pointsApplied)).equals(d(r.amountDue))).toBe(true);
          // each charge line's discounts never exceed the line
          let i = 0;
          while (i < r.lines.length) {
            const line = r.lines[i++];
            if (line.kind !== 'charge') continue;
            let net = d(line.amount);
            while (i < r.lines.length && r.lines[i].kind === 'discount') net = net.plus(d(r.lines[i++].amount));
            expect(net.isNegative()).toBe(false);
          }
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('proration stays within [0, full amount]', () => {
    fc.assert(
      fc.property(cents, fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 60 }), (amount, startOffset, len) => {
        const base = Date.UTC(2025, 4, 1);
        const day = (n: number) => new Date(base + n * 86400000).toISOString().slice(0, 10);
        const r = rate(input([{ plan: plan([{ code: 'b', type: 'flat', amount }]), startDate: day(startOffset), endDate: day(startOffset + len) }]), { rules: [] });
        const a = new Decimal(r.lines[0].amount);
        expect(a.greaterThanOrEqualTo(0) && a.lessThanOrEqualTo(new Decimal(amount))).toBe(true);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('a split always adds up exactly to its amount and no share exceeds its line', () => {
    fc.assert(
      fc.property(currency, fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 100 }), (cur, units, pct) => {
        const unit = new Decimal(1).dividedBy(new Decimal(10).toPower(currencyDecimals(cur)));
        const weights = units.map((u) => unit.times(u));
        const W = weights.reduce((a, w) => a.plus(w), new Decimal(0));
        const total = W.times(pct).dividedBy(100).toDecimalPlaces(currencyDecimals(cur), Decimal.ROUND_DOWN);
        const shares = allocateProportionally(total, weights, cur);
        expect(shares.reduce((a, s) => a.plus(s), new Decimal(0)).equals(total)).toBe(true);
        const badShares = shares.flatMap((s, i) => (s.lessThanOrEqualTo(weights[i]) && !s.isNegative() && s.decimalPlaces() <= currencyDecimals(cur) ? [] : [{ i, share: s.toString(), weight: weights[i].toString() }]));
        expect(badShares).toEqual([]);
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});
