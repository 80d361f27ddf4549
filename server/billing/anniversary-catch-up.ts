/**
 * The rest of the year after a mid-year change of a yearly (or multi-month) plan (README "Charge
 * timing in bill runs"). Such plans are billed in advance for their whole anniversary period; a
 * plan change inside it credits the unused part of what was billed (server/subscriptions/
 * advance-credit.ts records `advance_credits.credited_from`). The bill run of the period that
 * contains that date then charges the phases in effect from that date to the end of that
 * anniversary period, prorated over it (Stripe's and Chargebee's "remaining time on the new plan"),
 * through the rater's catch-up slot (`catchUpOnly`, server/rating/charge-timing.ts), so both raters
 * agree and every line carries its service period (what a later change credits).
 *
 * Once only:
 * - the days charged stop at the next date already credited after the run's period
 *   (`creditedUntil`: a change dated later, made before this run, is charged by the run of its
 *   own period) and at the anniversary period's end (the next anniversary run bills the next year);
 * - a re-run creates no bill (bills are unique per subscription and period);
 * - `creditedFrom` on the anniversary day itself is not a catch-up: the anniversary run bills the
 *   whole period at the phase in effect on that day.
 * The minimum commitment is not charged again (the old plan's was not credited).
 */
import { maxDate, minDate, periodContainingAnchored, daysBetween, type Period } from '../lib/dates';
import type { ResolvedDocument } from '../catalog/versions';
import type { PlanDoc, SubscriptionInput } from '../rating/types';
import { withoutTiming } from './in-advance';

type PhaseLike = { planCode: string; startDate: string; endDate: string | null; quantities: unknown };

export interface CatchUpSegment<P extends PhaseLike> {
  phase: P; plan: ResolvedDocument<PlanDoc>; period: Period; input: SubscriptionInput; segStart: string; segEnd: string;
}

/**
 * The catch-up segments of one subscription in a run: one per phase of a yearly or multi-month
 * plan active in [creditedFrom, end of its anniversary period), rated over that anniversary period.
 */
export function anniversaryCatchUps<P extends PhaseLike>(args: {
  sub: { id: string; startDate: string; endDate: string | null; trialEndDate: string | null; coupons: string[] | null };
  phases: readonly P[]; creditedFrom?: string; creditedUntil?: string; cycleIndex: number;
  planOf: (phase: P) => ResolvedDocument<PlanDoc> | undefined;
  isAnniversary: (doc: PlanDoc) => boolean;
  feesOnly: (doc: PlanDoc) => PlanDoc;
  coupons?: string[];
}): CatchUpSegment<P>[] {
  const { sub, creditedFrom: from } = args;
  if (!from) return [];
  const out: CatchUpSegment<P>[] = [];
  for (const phase of args.phases) {
    const plan = args.planOf(phase);
    if (!plan || !args.isAnniversary(plan.document)) continue;
    const doc = plan.document;
    const year = periodContainingAnchored(sub.startDate, doc.interval, doc.intervalCount ?? 1, from);
    if (from <= year.start) continue;
    const until = minDate(minDate(year.end, args.creditedUntil ?? year.end), sub.endDate ?? year.end);
    const segStart = maxDate(phase.startDate, from);
    const segEnd = minDate(phase.endDate ?? until, until);
    if (segStart >= segEnd) continue;
    const { minimumAmount: _min, ...fees } = withoutTiming(args.feesOnly(doc));
    if (!fees.components.length) continue;
    out.push({
      phase, plan, period: year, segStart, segEnd,
      input: {
        id: sub.id, plan: { ...fees, trialDays: sub.trialEndDate ? Math.max(0, daysBetween(phase.startDate, sub.trialEndDate)) : 0 },
        startDate: phase.startDate, endDate: segEnd, cycleIndex: args.cycleIndex, quantities: phase.quantities as Record<string, string>,
        usage: {}, coupons: args.coupons ?? sub.coupons ?? [], creditedFrom: from, catchUpOnly: true,
      },
    });
  }
  return out;
}
