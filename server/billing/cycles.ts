/**
 * Weekly and daily plans in monthly bill runs (README "Weekly and daily plans"): every cycle of
 * the subscription (anchored on its start date, every `count` weeks or days) whose exclusive end
 * falls in the run's period (start, end] is billed by that run, in arrears, each cycle rated as
 * its own period. So a cycle straddling two months is billed once, by the run of the month it
 * ends in, with its usage over its own days (which may begin before the run's period).
 */
import { addDays, daysBetween, periodFor, type Period } from '../lib/dates';
import type { PlanDoc } from '../rating/types';

export type CycleInterval = 'week' | 'day';

export const isCycleInterval = (doc: Pick<PlanDoc, 'interval'>): doc is Pick<PlanDoc, 'interval'> & { interval: CycleInterval } =>
  doc.interval === 'week' || doc.interval === 'day';

/** The cycles of the schedule anchored at `anchor` whose end (exclusive) lies in (run.start, run.end]; `index` 0 = the first cycle. */
export function cyclesEndingIn(anchor: string, interval: CycleInterval, count: number, run: Period): { index: number; period: Period }[] {
  const len = (interval === 'week' ? 7 : 1) * Math.max(1, count);
  if (addDays(anchor, len) > run.end) return [];
  const out: { index: number; period: Period }[] = [];
  // Exact for days and weeks: the first cycle whose end is after run.start.
  let k = Math.max(0, Math.floor(daysBetween(anchor, run.start) / len));
  for (;; k++) {
    const p = periodFor(anchor, interval, count, k);
    if (p.end <= run.start) continue;
    if (p.end > run.end) return out;
    out.push({ index: k, period: p });
  }
}

/** How many days before the run's start the earliest cycle billed by a run can begin (phases are loaded from there). */
export const CYCLE_LOOKBACK_DAYS = 92;
