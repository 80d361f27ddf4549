/**
 * What the daily run decides for one overdue invoice, in memory (no I/O): which fired rules are
 * stopped (pause, exclusion), which are already done, which steps to claim (new, or a failed step
 * retried), which interrupted sends become `unknown`, and which queued reminders a killed run
 * left to send. run.ts then claims a whole chunk's steps at once (apply.ts).
 */
import { toMoneyString, Decimal, type RoundingMode } from '../lib/money';
import { addDays } from '../lib/dates';
import type { dunningTimeline } from '../db/schema';
import type { FactMap } from '../rules/facts';
import { firedRules, nextStepDue, pickFacts, stopReason, type Fired, type Policy, type StopContext } from './policy';
import type { InvoiceView } from './invoice-context';
import type { ActionRow, Overdue, StepState } from './load';
import { lateFeeAmount } from './steps-math';

export type TimelineRow = typeof dunningTimeline.$inferInsert;

export interface Claim {
  f: Fired;
  step: number;
  /** A failed step retried (same row, attempts + 1) instead of a new one. */
  retryRow?: StepState;
  fee?: Decimal;
  /** reinstate: the party's open suspensions. */
  suspensions?: ActionRow[];
}

export interface InvoiceDecision {
  od: Overdue;
  daysOverdue: number;
  facts: FactMap;
  fired: Fired[];
  pausedWhy: string | null;
  notes: TimelineRow[];
  /** Failed or queued steps an exclusion stops. */
  cancel: { id: string; error: string }[];
  /** Steps left `sending` by a run that died on an earlier day. */
  unknown: string[];
  claims: Claim[];
  /** Reminders claimed by a run that stopped before sending them (never sent: safe to send). */
  resend: { row: StepState; f: Fired }[];
  already: string[];
}

/** The error text of a step an exclusion cancelled (a stored note, not an API message). */
const stoppedBy = (why: string) => `stopped: ${why}`;

/** One timeline entry of a decision; without a rule, the invoice's own facts. */
export function timelineEntry(d: Pick<InvoiceDecision, 'od' | 'daysOverdue'>, base: { tenantId: string; runDate: string; createdAt: Date }, decision: string,
  f: Fired | null, reason: string | null, extra: Partial<Pick<TimelineRow, 'facts' | 'trace'>> = {}): TimelineRow {
  const { inv, owed } = d.od;
  // One literal, no spreads: a daily run writes one of these for every overdue invoice.
  return {
    tenantId: base.tenantId, runDate: base.runDate, createdAt: base.createdAt, invoiceId: inv.id, decision, reason,
    ruleCode: f?.rule.id ?? null, ruleVersion: f?.rule.version ?? null, action: f?.rule.action ?? null,
    facts: extra.facts ?? (f ? f.facts : { 'invoice.daysOverdue': d.daysOverdue, 'invoice.amountDue': toMoneyString(owed, inv.currency) }),
    trace: extra.trace !== undefined ? extra.trace : f?.trace ?? null,
  };
}

export interface DecideEnv {
  tenantId: string;
  today: string;
  now: Date;
  rounding: RoundingMode;
  /** Open suspensions per bill-to party (for `reinstate`). */
  suspensionsOf: Map<string, ActionRow[]>;
}

export function decideInvoice(policy: Policy, od: Overdue, v: InvoiceView, env: DecideEnv, out: Uint8Array): InvoiceDecision {
  const { inv, owed } = od;
  const { today } = env;
  const base = { tenantId: env.tenantId, runDate: today, createdAt: env.now };
  const fired = firedRules(policy, v.facts, inv.currency, out);
  const d: InvoiceDecision = { od, daysOverdue: v.daysOverdue, facts: v.facts, fired, pausedWhy: v.pausedWhy, notes: [], cancel: [], unknown: [], claims: [], resend: [], already: [] };
  const note = (decision: string, f: Fired | null, reason: string | null, extra: Partial<Pick<TimelineRow, 'facts' | 'trace'>> = {}) => d.notes.push(timelineEntry(d, base, decision, f, reason, extra));
  const stops: StopContext = { pausedWhy: v.pausedWhy, recordExclusion: v.recordExclusion, flagExclusion: v.flagExclusion, restrictions: fired.filter((f) => f.rule.action === 'exclude') };

  for (const f of fired) {
    if (f.rule.action === 'exclude') continue;
    const mine = v.rows.filter((r) => r.ruleCode === f.rule.id);
    const last = mine.at(-1);
    const stop = stopReason(f, stops);
    if (stop) {
      // An exclusion stops a pending step (failed awaiting retry, or queued and never sent); a pause only holds it.
      if ((last?.status === 'failed' || last?.status === 'queued') && stop.kind === 'excluded') d.cancel.push({ id: last.id, error: stoppedBy(stop.reason) });
      note(stop.kind, f, stop.reason, stop.by ? { trace: { rule: f.trace, exclusion: stop.by.trace } } : {});
      continue;
    }
    let step = 0;
    let retryRow: StepState | undefined;
    if (last) {
      if (last.status === 'queued') { d.resend.push({ row: last, f }); continue; }
      if (last.status === 'failed' && last.lastAttemptOn < today) retryRow = last;
      else if (last.status === 'sending' && last.lastAttemptOn < today) {
        d.unknown.push(last.id);
        note('unknown', f, `step ${last.step} was being sent on ${last.lastAttemptOn} when its run stopped; not resent (check the mail log)`);
        continue;
      } else {
        const due = last.status === 'failed' || last.status === 'sending' ? null : nextStepDue(last, f.rule.params.repeatEveryDays, today, addDays);
        if (due === null) { d.already.push(`${f.rule.id} step ${last.step} (${last.status} on ${last.lastAttemptOn})`); continue; }
        step = due;
      }
    }
    let fee: Decimal | undefined;
    if (f.rule.action === 'late_fee') {
      const charged = mine.filter((r) => r.status === 'done').reduce((s, r) => s.plus(r.amount ?? '0'), new Decimal(0));
      if (inv.lateFee) { note('not_due', f, 'no late fee is charged on a late-fee invoice'); continue; }
      fee = lateFeeAmount(f.rule.params as { cap: string }, owed, v.daysOverdue, charged, inv.currency, env.rounding);
      if (!fee.greaterThan(0)) {
        note('not_due', f, charged.greaterThanOrEqualTo(f.rule.params.cap) ? `the cap ${f.rule.params.cap} is reached` : 'the fee rounds to zero');
        continue;
      }
    }
    const suspensions = f.rule.action === 'reinstate' ? env.suspensionsOf.get(inv.billTo) ?? [] : undefined;
    if (suspensions && !suspensions.length) { note('not_due', f, 'nothing is suspended'); continue; }
    d.claims.push({ f, step: retryRow ? retryRow.step : step, retryRow, fee, suspensions });
  }
  return d;
}

/**
 * When nothing acted, failed or waits to be sent: one `no_action` entry saying why (no rule fires, or
 * what is already done), with the facts the policy's rules read (not every fact of the catalog: the
 * entry is written for every overdue invoice every day).
 */
export function noActionNote(policy: Policy, d: InvoiceDecision, base: { tenantId: string; runDate: string; createdAt: Date }): TimelineRow {
  const { inv, owed } = d.od;
  const facts = pickFacts(policy.factsRead, d.facts);
  facts['invoice.daysOverdue'] = d.daysOverdue;
  facts['invoice.amountDue'] = toMoneyString(owed, inv.currency);
  const notFired: string[] = [];
  for (let i = 0; i < policy.rules.length; i++) if (!d.fired.some((f) => f.rule === policy.rules[i])) notFired.push(policy.labels[i]);
  facts.notFired = notFired;
  return timelineEntry(d, base, 'no_action', null, d.fired.length ? `already done: ${d.already.join('; ') || d.fired.map((f) => f.rule.id).join(', ')}` : d.pausedWhy ?? 'no rule fires', { facts });
}
