/**
 * Step 2 of the fast path: discounts, coupons and promotions, per subscription in priority order
 * (each on what remains of its target lines), then invoice-level ones over all charge lines.
 * Evaluating the post-pricing rules for every subscription happens here too, as it needs the
 * bill and invoice subtotals the pricing step produced.
 */
import { POW10, add, allocateInt, exactMinor, formatMinor, mul, notExact, roundDiv, toMinor } from '../exact';
import { REASON, discountTargets, groupTaken, invoiceLevelActor, mayAct, rulePhases, takeGroup } from '../policy';
import type { PreparedRule } from '../prepare';
import { billSubtotal, fastRule, traceEntry, traceFactBuilders, type ChargeLine, type Pack, type RatingState, type SubState } from './state';

/** Applies one discount to target lines; returns the amount taken off (minor units). */
function applyDiscount(x: RatingState, r: PreparedRule, targets: ChargeLine[]): number {
  const fr = fastRule(r);
  const mode = x.mode;
  const remaining = new Array<number>(targets.length);
  let R = 0;
  for (let i = 0; i < targets.length; i++) R = add(R, (remaining[i] = targets[i].net));
  if (R <= 0) return 0;
  let D = fr.pct !== undefined ? (fr.pct.s + 2 > 15 ? notExact() : roundDiv(mul(R, fr.pct.n), POW10[fr.pct.s + 2], mode)) : toMinor(fr.amount!, x.places, mode);
  if (fr.maxAmount !== undefined) D = Math.min(D, exactMinor(fr.maxAmount, x.places));
  const left = x.redemptions.budgetLeft(r);
  if (left !== undefined) D = Math.min(D, left);
  D = Math.min(D, R);
  if (D <= 0) return 0;
  const shares = allocateInt(D, remaining);
  for (let i = 0; i < targets.length; i++) {
    if (shares[i] === 0) continue;
    const l = targets[i];
    l.net -= shares[i];
    (l.discounts ??= []).push({ rule: r.id, amount: shares[i] });
  }
  x.redemptions.redeem(r, D);
  return D;
}

/**
 * Evaluates the post-pricing rules for every subscription (recording their trace entries) and
 * applies the subscription-level discounts.
 */
export function subscriptionDiscounts(x: RatingState, post: Pack, subs: readonly SubState[]): void {
  let invoiceSubtotal = 0;
  for (const s of subs) invoiceSubtotal = add(invoiceSubtotal, billSubtotal(s));
  const scale = POW10[x.places];
  const used = traceFactBuilders(post);
  for (const s of subs) {
    s.facts['bill.subtotal'] = billSubtotal(s) / scale;
    s.facts['invoice.subtotal'] = invoiceSubtotal / scale;
    s.post = post.evaluate(s.facts);
    let groups: Set<string> | undefined;
    for (let j = 0; j < post.rules.length; j++) {
      const r = post.rules[j];
      const entry = traceEntry(x, r, s, s.post[j] === 1, used[j]);
      s.postTrace.push(entry);
      if (!entry.fired || !r.discount || r.invoiceLevel) continue;
      const blocked = mayAct(x, r, s, groups);
      if (blocked) {
        entry.reason = blocked;
        continue;
      }
      const D = applyDiscount(x, r, discountTargets(r, s.lines));
      if (D === 0) {
        entry.reason = REASON.nothingOnTarget;
        continue;
      }
      entry.applied = true;
      entry.reason = REASON.tookOff(formatMinor(D, x.places));
      groups = takeGroup(groups, r);
    }
  }
}

/** Invoice-level discounts: each acts once, over all charge lines, if it fired for any subscription. */
export function invoiceDiscounts(x: RatingState, post: Pack, subs: readonly SubState[]): void {
  let groups: Set<string> | undefined;
  for (const j of rulePhases(post).invoiceLevel) {
    const r = post.rules[j];
    const s0 = invoiceLevelActor(x, r, j, subs);
    if (!s0) continue;
    const entry = s0.postTrace[j];
    const blocked = groupTaken(groups, r);
    if (blocked) {
      entry.reason = blocked;
      continue;
    }
    const D = applyDiscount(x, r, subs.flatMap((s) => s.lines.filter((l) => l.kind === 'charge')));
    if (D === 0) {
      entry.reason = REASON.nothingLeft;
      continue;
    }
    entry.applied = true;
    entry.reason = REASON.tookOff(formatMinor(D, x.places));
    groups = takeGroup(groups, r);
  }
}
