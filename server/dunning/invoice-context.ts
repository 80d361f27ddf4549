/**
 * One overdue invoice as the policy sees it: its dunning facts and what may stop its steps
 * (pause, promise to pay, record exclusion, the customer flag). Shared by the daily run, the
 * board and the simulation so all three decide alike.
 */
import { Decimal } from '../lib/money';
import { daysBetween } from '../lib/dates';
import { factCustomer } from '../customers/facts';
import type { FactMap } from '../rules/facts';
import { buildDunningFacts } from './facts';
import { exclusionFor } from './exclusions';
import type { ChunkData, CustomerRow, Overdue, StepState } from './load';
import type { Policy } from './policy';
import type { dunningExclusions } from '../db/schema';

export interface Position { balance: Decimal; count: number }

/** The payer's overdue position per bill-to and currency, from one overdue set. */
export function positions(overdue: Overdue[]): Map<string, Position> {
  const m = new Map<string, Position>();
  for (const { inv, owed } of overdue) {
    const k = `${inv.billTo}|${inv.currency}`;
    const p = m.get(k) ?? { balance: new Decimal(0), count: 0 };
    m.set(k, { balance: p.balance.plus(owed), count: p.count + 1 });
  }
  return m;
}

export interface InvoiceView {
  facts: FactMap;
  custs: CustomerRow[];
  rows: StepState[];
  daysOverdue: number;
  pausedWhy: string | null;
  pausedUntil: string | null;
  promiseToPayOn: string | null;
  recordExclusion: string | null;
  flagExclusion: string | null;
}

export function viewInvoice(policy: Policy, { inv, owed }: Overdue, data: ChunkData, exclusions: (typeof dunningExclusions.$inferSelect)[], pos: Position, today: string): InvoiceView {
  const custs = data.customersOf.get(inv.billTo) ?? [];
  const customer = custs.find((c) => c.id === inv.customerId) ?? custs[0];
  const rows = data.actionsOf.get(inv.id) ?? [];
  const daysOverdue = daysBetween(inv.dueDate, today);
  const facts = buildDunningFacts({
    customer: customer ? factCustomer(customer, today, data.churnOf.get(customer.id)) : {}, daysOverdue, amountDue: owed.toNumber(), currency: inv.currency,
    payerOverdueBalance: pos.balance.toNumber(), payerUnpaidInvoiceCount: pos.count,
    paymentAttempts: rows.filter((r) => r.action === 'retry_payment' && r.status !== 'cancelled').length,
    lastDeclineCode: data.lastDecline.get(inv.billTo) ?? null, paymentMethod: data.methodOf.get(inv.billTo) ?? null,
    stepsTaken: rows.filter((r) => r.status === 'done' || r.status === 'open').length, today, referencedFacts: policy.pack.referencedFacts,
  });
  const ctl = data.controlOf.get(inv.id);
  const recordEx = exclusionFor(exclusions, { customerIds: custs.map((c) => c.id), payerId: inv.payerId }, today);
  const flagEx = custs.find((c) => c.dunningExcluded);
  return {
    facts, custs, rows, daysOverdue,
    pausedWhy: pausedOn(ctl?.pausedUntil ?? null, ctl?.promiseToPayOn ?? null, ctl?.note ?? null, today),
    pausedUntil: ctl?.pausedUntil ?? null, promiseToPayOn: ctl?.promiseToPayOn ?? null,
    recordExclusion: recordEx ? `exclusion ${recordEx.id} (${recordEx.reasonCode}${recordEx.note ? `: ${recordEx.note}` : ''}, set by ${recordEx.setBy})` : null,
    flagExclusion: flagEx ? `customer ${flagEx.externalId} is marked dunningExcluded` : null,
  };
}

/** Why steps wait on `date`: a manual pause or a promise to pay that has not passed. */
export function pausedOn(pausedUntil: string | null, promiseToPayOn: string | null, note: string | null, date: string): string | null {
  const n = note ? `: ${note}` : '';
  if (pausedUntil && pausedUntil >= date) return `dunning paused until ${pausedUntil}${n}`;
  if (promiseToPayOn && promiseToPayOn >= date) return `promise to pay by ${promiseToPayOn}${n}`;
  return null;
}
