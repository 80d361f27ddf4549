/**
 * Step 5 of the fast path: points earned when the invoice is paid, on what is paid with money
 * (total minus points spent), rounded down. Each points rule earns once per invoice, for the
 * first subscription it may act for (../policy.ts).
 */
import { POW10, formatMinor, mul, notExact, roundDiv, toMinor } from '../exact';
import { REASON, groupTaken, pointsActor, rulePhases, takeGroup } from '../policy';
import type { RatingResult } from '../types';
import { fastRule, type Pack, type RatingState, type SubState } from './state';

/** `earnedBase` in minor units. */
export function earnPoints(x: RatingState, post: Pack, subs: readonly SubState[], earnedBase: number): RatingResult['pointsEarned'] {
  const pointsEarned: RatingResult['pointsEarned'] = [];
  let groups: Set<string> | undefined;
  for (const j of rulePhases(post).points) {
    const r = post.rules[j];
    const s = pointsActor(x, r, j, subs);
    if (!s) continue;
    const entry = s.postTrace[j];
    const blocked = groupTaken(groups, r);
    if (blocked) {
      entry.reason = blocked;
      continue;
    }
    const fr = fastRule(r);
    let points: number;
    if (fr.earnPct !== undefined) {
      if (fr.earnPct.s + 2 > 15) notExact();
      points = roundDiv(mul(earnedBase, fr.earnPct.n), POW10[fr.earnPct.s + 2], 'down');
    } else points = toMinor(fr.earnAmount!, x.places, 'half_up');
    const p = formatMinor(points, x.places);
    pointsEarned.push({ rule: r.id, points: p, expiresInDays: r.points!.expiresInDays });
    entry.applied = true;
    entry.reason = REASON.earns(p);
    groups = takeGroup(groups, r);
  }
  return pointsEarned;
}
