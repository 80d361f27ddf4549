/**
 * Fixed terms (plan `termCycles` + `renewal`, rating.md "Charge timing"): a daily job per tenant
 * (`subscription.terms`, 00:30 tenant time) ends, renews or moves every subscription whose term
 * has ended. Why a job and not the bill run: a term ends on a date whether or not a run happens
 * that day, the bill run stays a pure rating of what the timeline says, and the subscription's
 * history (its phases and audit log) shows the renewal as its own event (`term_renewal`,
 * `term_move`, `term_end`) before the period after it is billed.
 * - A term is `termCycles` intervals of the plan from the term's start: the start of the run of
 *   phases on that plan (a quantity change does not restart it; a renewal or move does).
 * - `renewal` absent → the subscription ends on the term end; `"auto"` → a new phase on the same
 *   plan; `{planCode}` → a new phase on that plan (quantities carried). The job is idempotent: a
 *   term that has been closed has a phase (or an end) on its end date.
 * Paused and ended subscriptions are left alone.
 */
import { and, eq, inArray, isNull, or, gt, asc } from 'drizzle-orm';
import { subscriptionPhases, subscriptions } from '../db/schema';
import { PERMISSION_CODES } from '../access/permissions';
import { systemCtx, type Ctx } from '../lib/context';
import { addInterval, type Interval } from '../lib/dates';
import { registerJobKind } from '../jobs/registry';
import { registerSchedule } from '../jobs/schedules';
import { tenantToday } from '../tenants/tenant-settings';
import { planAt } from './plan-checks';
import { closeTerm } from './subscriptions';

type Phase = typeof subscriptionPhases.$inferSelect;

/** The start of the current term: back over phases on the same plan, until a renewal/move or a gap. */
export function termStart(phases: readonly Phase[], i: number): string {
  let k = i;
  while (k > 0 && phases[k].reason !== 'term_renewal' && phases[k].reason !== 'term_move'
    && phases[k - 1].planCode === phases[k].planCode && phases[k - 1].endDate === phases[k].startDate) k--;
  return phases[k].startDate;
}

export interface TermOutcome { subscriptionId: string; action: 'term_end' | 'term_renewal' | 'term_move'; date: string; planCode?: string }

/** Closes every term of the tenant that has ended by `today` (tenant-local date); returns what it did. */
export async function applyTerms(ctx: Ctx, today?: string): Promise<TermOutcome[]> {
  const day = today ?? (await tenantToday(ctx.db, ctx));
  const subs = await ctx.db.select().from(subscriptions).where(and(
    eq(subscriptions.tenantId, ctx.tenantId), inArray(subscriptions.status, ['active', 'trial']),
    or(isNull(subscriptions.endDate), gt(subscriptions.endDate, day)),
  ));
  if (!subs.length) return [];
  const phases = await ctx.db.select().from(subscriptionPhases)
    .where(and(eq(subscriptionPhases.tenantId, ctx.tenantId), inArray(subscriptionPhases.subscriptionId, subs.map((s) => s.id))))
    .orderBy(asc(subscriptionPhases.startDate));
  const out: TermOutcome[] = [];
  for (const sub of subs) {
    // Several terms may have passed (the job did not run): close them one at a time.
    for (let guard = 0; guard < 100; guard++) {
      const mine = phases.filter((p) => p.subscriptionId === sub.id);
      const i = mine.findIndex((p) => p.startDate <= day && (!p.endDate || p.endDate > day));
      if (i < 0) break;
      const phase = mine[i];
      const plan = (await planAt(ctx.db, ctx.tenantId, phase.planCode, phase.startDate)).document;
      if (!plan.termCycles) break;
      const start = termStart(mine, i);
      const end = addInterval(start, plan.interval as Interval, (plan.intervalCount ?? 1) * plan.termCycles, Number(start.slice(8, 10)));
      if (end > day || (phase.endDate && phase.endDate <= end)) break;
      const renewal = plan.renewal;
      const next = renewal === 'auto' ? { planCode: phase.planCode, reason: 'term_renewal' as const }
        : renewal ? { planCode: renewal.planCode, reason: 'term_move' as const } : null;
      await closeTerm({ ctx, id: sub.id, date: end, next });
      out.push({ subscriptionId: sub.id, action: next ? next.reason : 'term_end', date: end, ...(next ? { planCode: next.planCode } : {}) });
      if (!next) break;
      // Reload this subscription's phases for the next term.
      const fresh = await ctx.db.select().from(subscriptionPhases)
        .where(and(eq(subscriptionPhases.tenantId, ctx.tenantId), eq(subscriptionPhases.subscriptionId, sub.id))).orderBy(asc(subscriptionPhases.startDate));
      for (let k = phases.length - 1; k >= 0; k--) if (phases[k].subscriptionId === sub.id) phases.splice(k, 1);
      phases.push(...fresh);
    }
  }
  return out;
}

export const TERMS_JOB = 'subscription.terms';

export function registerTermJobs() {
  registerJobKind({
    kind: TERMS_JOB,
    run: async (job, { db, now }) => {
      const { tenantId, localDate } = job.payload as { tenantId: string; localDate: string };
      await applyTerms(systemCtx(db, tenantId, PERMISSION_CODES, now), localDate);
    },
  });
  registerSchedule({ kind: TERMS_JOB, everyDay: { at: '00:30' }, perTenant: true });
}
