/**
 * The anniversary bill of a yearly (or multi-month) plan (README "Yearly plans", decision): the run
 * whose period contains the start of the subscription's next anniversary period bills that whole
 * period in advance, AS ITS PHASES STAND WHEN THE RUN RATES IT. Each phase of the period is billed
 * for its own days, prorated over the period, in one rating (segments of one subscription: the one
 * active first charges the cycle's one-time and installment amounts), and every line carries its
 * service period (`anniversary`, server/rating/charge-timing.ts), which is exactly what a later
 * change credits. So a change made before the run and dated inside the period (e.g. June 10 in the
 * anniversary month of June, requested June 3) bills the old plan for June 1–9 and the new one from
 * June 10 to the end of that year, as Chargebee and Stripe bill a renewal with a scheduled change;
 * a change dated on the anniversary day itself bills the new plan for the whole period and nothing
 * of the old one. A change made after the run is credited and caught up (./anniversary-catch-up.ts).
 */
import { addDays, daysBetween, maxDate, minDate, periodContainingAnchored, type Interval, type Period } from '../lib/dates';
import type { ResolvedDocument } from '../catalog/versions';
import type { PlanDoc, SubscriptionInput } from '../rating/types';
import { withoutTiming } from './in-advance';

type PhaseLike = { planCode: string; startDate: string; endDate: string | null; quantities: unknown };

type AnniversaryArgs<P extends PhaseLike> = Parameters<typeof anniversarySegments<P>>[0];

export interface AnniversarySegment<P extends PhaseLike> {
  phase: P; plan: ResolvedDocument<PlanDoc>; period: Period; input: SubscriptionInput; segStart: string; segEnd: string;
}

/** One segment per phase of a yearly or multi-month plan active in the anniversary period that starts in `run`. */
export function anniversarySegments<P extends PhaseLike>(args: {
  sub: { id: string; startDate: string; endDate: string | null; trialEndDate: string | null };
  phases: readonly P[]; run: Period; cycleIndex: number; coupons: string[] | null;
  planOf: (phase: P) => ResolvedDocument<PlanDoc> | undefined;
  /** The anniversary period of `doc` that starts in `run`, or null (not a yearly/multi-month plan, or none this run). */
  periodOf: (doc: PlanDoc) => Period | null;
  /** The plan without its usage components (billed monthly in arrears) and without a minimum when absent. */
  feesOnly: (doc: PlanDoc) => PlanDoc;
  /** The subscription ends inside the period and its installments left were not charged yet (./accelerated.ts). */
  ends?: boolean;
}): AnniversarySegment<P>[] {
  const { sub } = args;
  const out: AnniversarySegment<P>[] = [];
  for (const phase of args.phases) {
    const plan = args.planOf(phase);
    if (!plan) continue;
    const ap = args.periodOf(plan.document);
    if (!ap) continue;
    const fees = args.feesOnly(plan.document);
    if (!fees.components.length) continue;
    const segStart = maxDate(phase.startDate, ap.start);
    const segEnd = minDate(minDate(phase.endDate ?? ap.end, sub.endDate ?? ap.end), ap.end);
    if (segStart >= segEnd) continue;
    const input: SubscriptionInput = {
      id: sub.id, plan: { ...withoutTiming(fees), trialDays: sub.trialEndDate ? Math.max(0, daysBetween(segStart, sub.trialEndDate)) : 0 },
      startDate: segStart, endDate: segEnd < ap.end ? segEnd : null,
      cycleIndex: args.cycleIndex, quantities: phase.quantities as Record<string, string>, usage: {}, coupons: args.coupons ?? [], anniversary: true,
    };
    out.push({ phase, plan, period: ap, input, segStart, segEnd });
  }
  // The subscription's last segment when it ends inside the period: its installments left, at once.
  const last = out.at(-1);
  if (args.ends && last && sub.endDate && last.segEnd === sub.endDate) last.input.ends = true;
  return out;
}

/**
 * Installments on cancellation for yearly and multi-month plans (README "Installments on
 * cancellation"): the subscription ends in this run's period (end in (start, end]), inside an
 * anniversary period billed by an EARLIER run. This run charges the installments left at once, as
 * one line, through the rater's catch-up slot of that anniversary period (`catchUpOnly` with
 * `creditedFrom` = the end: no recurring days are left to charge) marked `ends`; its cycle is the
 * number of anniversary bills so far (installments 1..cycle were charged), so the line is the price
 * less them. An end inside the period this run bills on its anniversary is done by that bill
 * (`anniversarySegments`, `ends`); once only (`args.ends` false when a bill already has the line).
 */
export function acceleratedRest<P extends PhaseLike>(args: AnniversaryArgs<P>, isAnniversary: (doc: PlanDoc) => boolean): AnniversarySegment<P>[] {
  const { sub, run } = args;
  const end = sub.endDate;
  if (!args.ends || !end || end <= run.start || end > run.end) return [];
  const phase = args.phases.filter((p) => p.startDate < end).at(-1);
  const plan = phase && args.planOf(phase);
  if (!phase || !plan || !isAnniversary(plan.document)) return [];
  const doc = plan.document;
  const { minimumAmount: _min, ...fees } = withoutTiming(args.feesOnly(doc));
  if (!fees.components.some((c) => c.type === 'flat' && c.installments)) return [];
  const period = periodContainingAnchored(sub.startDate, doc.interval as Interval, doc.intervalCount ?? 1, addDays(end, -1));
  if (period.start >= run.start && period.start < run.end) return [];
  const cycle = args.cycleIndex - 1;
  if (cycle < 1) return [];
  const input: SubscriptionInput = {
    id: sub.id, plan: { ...fees, trialDays: 0 }, startDate: phase.startDate, endDate: end, cycleIndex: cycle,
    quantities: phase.quantities as Record<string, string>, usage: {}, coupons: args.coupons ?? [], creditedFrom: end, catchUpOnly: true, ends: true,
  };
  return [{ phase, plan, period, input, segStart: end, segEnd: end }];
}
