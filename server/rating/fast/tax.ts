/**
 * Step 3 of the fast path: tax per tax name on each line's net amount. Each line is taxed by the
 * first rule of that name (priority order) that fired for the line's subscription and covers its
 * component (../policy.ts). Exact amounts (integers in units of 10^-(places + TAX_SCALE)) are
 * summed per name and rounded once per name; several rules of one name split the rounded amount
 * by largest remainder, so each line still names its rule.
 */
import { POW10, add, allocateInt, formatMinor, mul, notExact, roundDiv } from '../exact';
import { markTaxed, markUntaxed, rulePhases, taxCandidates, taxRuleFor } from '../policy';
import type { RatedLine, RatingResult } from '../types';
import { fastRule, type Pack, type RatingState, type SubState } from './state';

const TAX_SCALE = 8; // rate (percent) up to 6 decimals: net × rate × 10^(6 − rate.s)

export interface TaxOutcome {
  lines: RatedLine[];
  exact: RatingResult['taxExact'];
  /** Minor units. */
  total: number;
}

export function taxes(x: RatingState, post: Pack, subs: readonly SubState[]): TaxOutcome {
  const phases = rulePhases(post);
  const taxNames: string[] = [];
  const taxByName = new Map<string, Map<string, number>>();
  for (const s of subs) {
    const byName = taxCandidates(x, post.rules, phases, s);
    if (!byName) continue;
    for (const [name, candidates] of byName) {
      for (const l of s.lines) {
        const c = taxRuleFor(candidates, l.component);
        if (!c) continue;
        let m = taxByName.get(name);
        if (!m) {
          taxByName.set(name, (m = new Map()));
          taxNames.push(name);
        }
        const rt = fastRule(c.rule).taxRate!;
        if (rt.s > TAX_SCALE - 2) notExact();
        const exact = mul(mul(l.net, rt.n), POW10[TAX_SCALE - 2 - rt.s]);
        m.set(c.rule.id, add(m.get(c.rule.id) ?? 0, exact));
        markTaxed(c, name);
      }
      markUntaxed(candidates, name);
    }
  }
  const places = x.places;
  const lines: RatedLine[] = [];
  const exact: RatingResult['taxExact'] = [];
  let total = 0;
  for (const name of taxNames) {
    const m = taxByName.get(name)!;
    for (const [rule, v] of m) exact.push({ rule, name, amount: formatMinor(v, places + TAX_SCALE) });
    let sum = 0;
    for (const v of m.values()) sum = add(sum, v);
    const rounded = roundDiv(sum, POW10[TAX_SCALE], x.mode);
    if (m.size === 1) {
      const id = m.keys().next().value as string;
      if (rounded !== 0) lines.push({ kind: 'tax', rule: id, name, amount: formatMinor(rounded, places) });
    } else {
      const ids = [...m.keys()];
      const shares = allocateInt(rounded, [...m.values()]);
      for (let i = 0; i < ids.length; i++) {
        if (shares[i] === 0) continue;
        lines.push({ kind: 'tax', rule: ids[i], name, amount: formatMinor(shares[i], places) });
      }
    }
    total = add(total, rounded);
  }
  return { lines, exact, total };
}
