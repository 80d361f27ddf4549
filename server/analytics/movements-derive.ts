/**
 * Pure: one customer's MRR segments → its MRR movements (README.md "MRR movements"). A movement
 * is recorded on each day the customer's total MRR in a currency changes, classified as
 * ChartMogul does: from 0 to more is `new` the first time and `reactivation` after; to 0 is
 * `churn`; otherwise `expansion` or `contraction`. Changes on one day are netted into one row.
 */
import { Decimal, ZERO } from '../lib/money';
import type { MrrMovementKind } from '../db/schema';

export interface MrrSegment {
  /** Inclusive. */
  start: string;
  /** Exclusive; null = open-ended. */
  end: string | null;
  currency: string;
  mrr: Decimal;
  planCode: string;
}

export interface DerivedMovement {
  currency: string; date: string; kind: MrrMovementKind;
  amount: Decimal; mrrBefore: Decimal; mrrAfter: Decimal; planCode: string | null;
}

export function classify(before: Decimal, after: Decimal, hadMrr: boolean): MrrMovementKind {
  if (before.isZero()) return hadMrr ? 'reactivation' : 'new';
  if (after.isZero()) return 'churn';
  return after.greaterThan(before) ? 'expansion' : 'contraction';
}

export function deriveMovements(segments: readonly MrrSegment[]): DerivedMovement[] {
  const out: DerivedMovement[] = [];
  const currencies = [...new Set(segments.map((s) => s.currency))].sort();
  for (const currency of currencies) {
    const segs = segments.filter((s) => s.currency === currency && s.mrr.greaterThan(0) && (s.end === null || s.end > s.start));
    const days = [...new Set(segs.flatMap((s) => (s.end ? [s.start, s.end] : [s.start])))].sort();
    let before: Decimal = ZERO;
    let hadMrr = false;
    for (const d of days) {
      const after = segs.filter((s) => s.start <= d && (s.end === null || d < s.end)).reduce((a, s) => a.plus(s.mrr), ZERO as Decimal);
      if (!after.equals(before)) {
        // the plan behind the day's change: the largest segment that starts or ends on it
        const moved = segs.filter((s) => s.start === d || s.end === d).sort((a, b) => b.mrr.comparedTo(a.mrr))[0];
        out.push({ currency, date: d, kind: classify(before, after, hadMrr), amount: after.minus(before), mrrBefore: before, mrrAfter: after, planCode: moved?.planCode ?? null });
        if (after.greaterThan(0)) hadMrr = true;
      }
      before = after;
    }
  }
  return out;
}
