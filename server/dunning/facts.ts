/**
 * The dunning facts of one overdue invoice (the `dunning` scope of the fact catalog,
 * server/rules/facts.ts): the customer's facts as rating sees them, plus the invoice, the payer's
 * overdue position, collection attempts, the steps taken and the calendar.
 */
import { buildFacts, type FactCustomer, type FactMap } from '../rules/facts';
import { toDayNumber } from '../lib/dates';

export interface DunningFactInput {
  customer: FactCustomer;
  daysOverdue: number;
  /** Money facts go to conditions as numbers (conditions compare, they never compute money). */
  amountDue: number;
  currency: string;
  payerOverdueBalance: number;
  payerUnpaidInvoiceCount: number;
  paymentAttempts: number;
  lastDeclineCode: string | null;
  paymentMethod: string | null;
  stepsTaken: number;
  /** The run's tenant-local date. */
  today: string;
  referencedFacts?: Iterable<string>;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: string): number {
  return ((toDayNumber(date) + 3) % 7 + 7) % 7 + 1;
}

export function buildDunningFacts(i: DunningFactInput): FactMap {
  const facts = buildFacts({ customer: i.customer, referencedFacts: i.referencedFacts });
  facts['invoice.daysOverdue'] = i.daysOverdue;
  facts['invoice.amountDue'] = i.amountDue;
  facts['invoice.currency'] = i.currency;
  facts['payer.overdueBalance'] = i.payerOverdueBalance;
  facts['payer.unpaidInvoiceCount'] = i.payerUnpaidInvoiceCount;
  facts['payment.attempts'] = i.paymentAttempts;
  facts['payment.lastDeclineCode'] = i.lastDeclineCode;
  facts['payment.method'] = i.paymentMethod;
  facts['dunning.stepsTaken'] = i.stepsTaken;
  facts['calendar.weekday'] = isoWeekday(i.today);
  facts['calendar.dayOfMonth'] = Number(i.today.slice(8, 10));
  return facts;
}
