/**
 * What a policy would do to one overdue invoice over the next days if nothing else happens (no
 * payment, no new exclusion): the board's "next action and why", the policy simulation before
 * publishing, and the builder's timeline preview. Pure: the same firing, stop and repeat
 * decisions as the daily run (policy.ts), stepped one day at a time.
 */
import { addDays } from '../lib/dates';
import { Decimal, toMoneyString, type RoundingMode } from '../lib/money';
import type { FactMap } from '../rules/facts';
import { firedRules, nextStepDue, stopReason, type Policy, type StopContext } from './policy';
import { isoWeekday } from './facts';
import { lateFeeAmount } from './steps-math';
import { pausedOn } from './invoice-context';

export interface PastStep { ruleCode: string; step: number; lastAttemptOn: string; status: string; action: string; amount?: string }

export interface ProjectInput {
  policy: Policy;
  /** Today's dunning facts of the invoice (buildDunningFacts). */
  facts: FactMap;
  currency: string;
  owed: Decimal;
  today: string;
  steps: PastStep[];
  stops: Omit<StopContext, 'restrictions' | 'pausedWhy'>;
  pausedUntil?: string | null;
  promiseToPayOn?: string | null;
  note?: string | null;
  days: number;
  rounding: RoundingMode;
  isFeeInvoice?: boolean;
}

export interface ProjectedStep { date: string; daysOverdue: number; ruleCode: string; ruleVersion: number; ruleName: string; action: string; amount?: string; facts: Record<string, unknown> }
export interface ProjectedStop { date: string; ruleCode: string; reason: string }

export function project(i: ProjectInput): { steps: ProjectedStep[]; stopped: ProjectedStop[] } {
  const out: ProjectedStep[] = [];
  const stopped: ProjectedStop[] = [];
  const last = new Map<string, PastStep>();
  for (const s of i.steps) last.set(s.ruleCode, s);
  let taken = i.steps.filter((s) => s.status === 'done' || s.status === 'open').length;
  let attempts = i.steps.filter((s) => s.action === 'retry_payment' && s.status !== 'cancelled').length;
  const fees = new Map<string, Decimal>();
  for (const s of i.steps) if (s.action === 'late_fee' && s.status === 'done') fees.set(s.ruleCode, (fees.get(s.ruleCode) ?? new Decimal(0)).plus(s.amount ?? '0'));
  let suspended = i.steps.some((s) => s.action === 'suspend' && s.status === 'done');
  const d0 = Number(i.facts['invoice.daysOverdue']);
  for (let k = 0; k < i.days; k++) {
    const date = addDays(i.today, k);
    const facts = { ...i.facts, 'invoice.daysOverdue': d0 + k, 'dunning.stepsTaken': taken, 'payment.attempts': attempts, 'calendar.weekday': isoWeekday(date), 'calendar.dayOfMonth': Number(date.slice(8, 10)) };
    const fired = firedRules(i.policy, facts, i.currency);
    const pausedWhy = pausedOn(i.pausedUntil ?? null, i.promiseToPayOn ?? null, i.note ?? null, date);
    const stops: StopContext = { ...i.stops, pausedWhy, restrictions: fired.filter((f) => f.rule.action === 'exclude') };
    for (const f of fired) {
      if (f.rule.action === 'exclude') continue;
      const stop = stopReason(f, stops);
      const prev = last.get(f.rule.id);
      const due = prev && (prev.status === 'failed' || prev.status === 'queued') ? (prev.lastAttemptOn < date ? prev.step : null) : nextStepDue(prev, f.rule.params.repeatEveryDays, date, addDays);
      if (due === null) continue;
      if (stop) {
        if (!stopped.some((s) => s.ruleCode === f.rule.id)) stopped.push({ date, ruleCode: f.rule.id, reason: stop.reason });
        continue;
      }
      let amount: string | undefined;
      if (f.rule.action === 'late_fee') {
        if (i.isFeeInvoice) continue;
        const fee = lateFeeAmount(f.rule.params as { cap: string }, i.owed, d0 + k, fees.get(f.rule.id) ?? new Decimal(0), i.currency, i.rounding);
        if (!fee.greaterThan(0)) continue;
        fees.set(f.rule.id, (fees.get(f.rule.id) ?? new Decimal(0)).plus(fee));
        amount = toMoneyString(fee, i.currency);
      }
      if (f.rule.action === 'reinstate' && !suspended) continue;
      if (f.rule.action === 'suspend') suspended = true;
      if (f.rule.action === 'reinstate') suspended = false;
      out.push({ date, daysOverdue: d0 + k, ruleCode: f.rule.id, ruleVersion: f.rule.version, ruleName: f.rule.name, action: f.rule.action, ...(amount ? { amount } : {}), facts: f.facts });
      last.set(f.rule.id, { ruleCode: f.rule.id, step: due, lastAttemptOn: date, status: 'done', action: f.rule.action, amount });
      taken++;
      if (f.rule.action === 'retry_payment') attempts++;
    }
  }
  return { steps: out, stopped };
}
