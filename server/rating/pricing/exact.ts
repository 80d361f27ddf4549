/**
 * The pricing models of ./index.ts on exact integers (server/rating/exact.ts) for rate()'s fast
 * path; same formulas, same order of operations. Anything that does not fit throws NotExact.
 */
import type { Pricing } from '../../rules/schema';
import { notExact, scaled, scAdd, scCmp, scMax0, scMul, scSub, SC0, mul, roundDiv, type Sc } from '../exact';

export interface ExactUsage {
  quantity: Sc;
  amount?: Sc;
  count?: Sc;
}
interface Tier {
  upTo: Sc | null;
  unit: Sc;
  flat: Sc;
}
type Prepared =
  | { model: 'standard'; unit: Sc; free: Sc }
  | { model: 'package'; size: Sc; amount: Sc; free: Sc }
  | { model: 'graduated' | 'volume'; tiers: Tier[] }
  | { model: 'percentage'; rate: Sc; fixed: Sc; freeAmount: Sc; freeEvents: Sc };

const cache = new WeakMap<object, Prepared>();
function prepare(p: Pricing): Prepared {
  const hit = cache.get(p);
  if (hit) return hit;
  const x = p as Record<string, any>;
  let r: Prepared;
  switch (p.model) {
    case 'standard':
      r = { model: 'standard', unit: scaled(x.unitAmount), free: scaled(x.freeUnits ?? 0) };
      break;
    case 'package':
      r = { model: 'package', size: scaled(x.packageSize), amount: scaled(x.packageAmount), free: scaled(x.freeUnits ?? 0) };
      break;
    case 'graduated':
    case 'volume':
      r = {
        model: p.model,
        tiers: (x.tiers as any[]).map((t) => ({ upTo: t.upTo === null ? null : scaled(t.upTo), unit: scaled(t.unitAmount), flat: t.flatAmount === undefined ? SC0 : scaled(t.flatAmount) })),
      };
      break;
    case 'percentage': {
      const rate = scaled(x.rate);
      if (rate.s + 2 > 15) notExact();
      r = { model: 'percentage', rate: { n: rate.n, s: rate.s + 2 }, fixed: scaled(x.fixedAmount ?? '0'), freeAmount: scaled(x.freeAmount ?? '0'), freeEvents: scaled(x.freeEvents ?? 0) };
      break;
    }
    default:
      return notExact();
  }
  cache.set(p, r);
  return r;
}

/** The unrounded amount of `pricing` for `usage` with `extraFree` more free units. */
export function priceExact(pricing: Pricing, extraFree: Sc, usage: ExactUsage): Sc {
  const p = prepare(pricing);
  switch (p.model) {
    case 'standard':
      return scMul(scMax0(scSub(usage.quantity, scAdd(p.free, extraFree))), p.unit);
    case 'package': {
      if (p.size.n <= 0) return notExact();
      const q = scMax0(scSub(usage.quantity, scAdd(p.free, extraFree)));
      const s = q.s > p.size.s ? q.s : p.size.s;
      const a = mul(q.n, 10 ** (s - q.s));
      const b = mul(p.size.n, 10 ** (s - p.size.s));
      const packs = roundDiv(a, b, 'up');
      return scMul({ n: packs, s: 0 }, p.amount);
    }
    case 'graduated': {
      const q = scMax0(scSub(usage.quantity, extraFree));
      let total = SC0;
      let from = SC0;
      for (const t of p.tiers) {
        if (!(scCmp(q, from) > 0)) break;
        const to = t.upTo === null ? q : scCmp(q, t.upTo) < 0 ? q : t.upTo;
        const units = scSub(to, from);
        if (units.n > 0) total = scAdd(scAdd(total, scMul(units, t.unit)), t.flat);
        if (t.upTo === null) break;
        from = t.upTo;
      }
      return total;
    }
    case 'volume': {
      const q = scMax0(scSub(usage.quantity, extraFree));
      if (q.n === 0) return SC0;
      const tier = p.tiers.find((t) => t.upTo === null || scCmp(q, t.upTo) <= 0) ?? p.tiers[p.tiers.length - 1];
      return scAdd(scMul(q, tier.unit), tier.flat);
    }
    case 'percentage': {
      const amt = usage.amount ?? usage.quantity;
      const n = usage.count ?? SC0;
      return scAdd(scMul(scMax0(scSub(amt, p.freeAmount)), p.rate), scMul(p.fixed, scMax0(scSub(n, scAdd(p.freeEvents, extraFree)))));
    }
  }
}
