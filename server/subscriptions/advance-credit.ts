/**
 * Proration of what was billed in advance (rating.md "Charge timing"; Stripe and Chargebee prorate
 * the same way): when an in-advance subscription changes plan or quantities, pauses, is cancelled
 * or its term ends on a date inside a period it has already paid for, the unused part is credited
 * at once (this module), and the days from that date on are charged again, at the plan and
 * quantities in effect then, on the subscription's NEXT invoice (the bill run of that period:
 * `advance_credits.credited_from` → the rater's `creditedFrom` → a catch-up slot in
 * server/rating/charge-timing.ts). What counts as billed in advance:
 * - lines with `detail.servicePeriod` (plans with `timing: "in_advance"`; the service period is the
 *   days that line pays for);
 * - for bills written before anniversary lines carried their service period: the charge lines of
 *   a bill's segment with `billedInAdvance` (yearly and multi-month plans, billed on their
 *   anniversary for the whole period), never the usage lines of that month on the same bill.
 * Per component of such a bill: credit = amount × unused days / days of its service period,
 * netted of that component's discounts in the bill (the share of the net it paid), rounded once
 * with the tenant's rounding mode. Once only: each credit is recorded per (subscription, invoice)
 * with its date, and a later change credits only the days before the earliest date already
 * credited (an upgrade on the 11th and a cancel on the 20th credit the old plan once, from the
 * 11th). One credit note per invoice, through the one credit-note service `createCreditNote`
 * (audited, numbered, never above the invoice total). Tax is not credited on its own line yet.
 * One-time fees and installments are never credited.
 */
import { and, eq, isNotNull, notInArray } from 'drizzle-orm';
import { advanceCredits, bills, invoices, tenants } from '../db/schema';
import { Decimal, ZERO, roundMoney, toMoneyString, type RoundingMode } from '../lib/money';
import { daysBetween, maxDate, minDate, type Period } from '../lib/dates';
import type { Tx } from '../db/client';
import type { Ctx } from '../lib/context';
import { createCreditNote } from '../invoices/invoices';
import type { LineDetail } from '../rating/types';

interface StoredLine { kind: string; component?: string; subscriptionId?: string; amount: string; detail?: LineDetail; description?: string; segment?: { startDate: string; endDate: string } }
interface StoredSegment { billedInAdvance?: Period; startDate?: string; endDate?: string }

export interface AdvanceCredit { invoiceId: string; currency: string; lines: { description: string; amount: string }[] }

export interface AdvanceCreditOptions {
  /** Skip draft invoices (a job: nobody to tell "finalize it first"). */
  issuedOnly?: boolean;
}

/**
 * What `date` leaves unused of the subscription's in-advance bills and not credited yet:
 * `credits` (one per invoice with something to give back) and `touched` (every invoice with
 * in-advance days from `date` on not credited yet, even when they round to nothing).
 */
export async function unusedAdvance(tx: Tx, tenantId: string, subscriptionId: string, date: string, opts: AdvanceCreditOptions = {}): Promise<{ credits: AdvanceCredit[]; touched: string[] }> {
  // A void invoice charged nothing; a draft is credited only for a person (409 until finalized or
  // voided), a job (term ends) leaves it alone: the draft can still be voided and billed again.
  const rows = await tx.select({ invoiceId: bills.invoiceId, currency: bills.currency, lines: bills.lines, segments: bills.segments })
    .from(bills).innerJoin(invoices, and(eq(invoices.tenantId, bills.tenantId), eq(invoices.id, bills.invoiceId)))
    .where(and(eq(bills.tenantId, tenantId), eq(bills.subscriptionId, subscriptionId), isNotNull(bills.invoiceId),
      notInArray(invoices.status, opts.issuedOnly ? ['void', 'draft'] : ['void'])));
  if (!rows.length) return { credits: [], touched: [] };
  const done = new Map<string, string>();
  for (const r of await tx.select({ invoiceId: advanceCredits.invoiceId, from: advanceCredits.creditedFrom }).from(advanceCredits)
    .where(and(eq(advanceCredits.tenantId, tenantId), eq(advanceCredits.subscriptionId, subscriptionId)))) {
    done.set(r.invoiceId, minDate(done.get(r.invoiceId) ?? r.from, r.from));
  }
  const [t] = await tx.select({ rounding: tenants.roundingMode }).from(tenants).where(eq(tenants.id, tenantId));
  const mode = (t?.rounding ?? 'half_up') as RoundingMode;
  const credits: AdvanceCredit[] = [];
  const touched = new Set<string>();
  for (const b of rows) {
    const lines = b.lines as StoredLine[];
    const advanceSeg = (b.segments as StoredSegment[]).find((s) => s.billedInAdvance);
    const anniversary = advanceSeg?.billedInAdvance;
    // Bills written before anniversary lines said their service period: a line of the anniversary
    // segment paid the whole period; the yearly plan's usage lines on the same bill (billed monthly
    // in arrears, their own segment) paid nothing in advance and are never credited.
    const ofAnniversary = (l: StoredLine) => !!anniversary && (!l.segment || (l.segment.startDate === advanceSeg!.startDate && l.segment.endDate === advanceSeg!.endDate));
    const creditedFrom = done.get(b.invoiceId!);
    const byComponent = new Map<string, { gross: Decimal; net: Decimal; unused: Decimal; days: Period }>();
    for (const l of lines) {
      if (!l.component || (l.subscriptionId && l.subscriptionId !== subscriptionId)) continue;
      const c = byComponent.get(l.component) ?? { gross: ZERO, net: ZERO, unused: ZERO, days: { start: '', end: '' } };
      if (l.kind === 'discount') c.net = c.net.plus(l.amount);
      if (l.kind === 'charge') {
        c.gross = c.gross.plus(l.amount);
        c.net = c.net.plus(l.amount);
        const once = l.detail?.code === 'one_time' || l.detail?.code === 'installment';
        const sp = once ? undefined : (l.detail?.servicePeriod ?? (ofAnniversary(l) ? anniversary : undefined));
        // Unused and not credited yet: [date, earliest credited date) within the service period.
        const from = sp && maxDate(date, sp.start);
        const to = sp && (creditedFrom ? minDate(creditedFrom, sp.end) : sp.end);
        if (sp && from! < to!) {
          touched.add(b.invoiceId!);
          c.unused = c.unused.plus(new Decimal(l.amount).times(daysBetween(from!, to!)).dividedBy(daysBetween(sp.start, sp.end)));
          c.days = { start: c.days.start && c.days.start < from! ? c.days.start : from!, end: c.days.end > to! ? c.days.end : to! };
        }
      }
      byComponent.set(l.component, c);
    }
    const credit: AdvanceCredit['lines'] = [];
    for (const [component, c] of byComponent) {
      if (c.unused.isZero() || c.gross.isZero()) continue;
      const amount = roundMoney(c.unused.times(Decimal.max(ZERO, c.net)).dividedBy(c.gross), b.currency, mode);
      if (amount.greaterThan(0)) credit.push({ description: `${component}: unused ${c.days.start} – ${c.days.end}`, amount: toMoneyString(amount, b.currency) });
    }
    if (credit.length) credits.push({ invoiceId: b.invoiceId!, currency: b.currency, lines: credit });
  }
  return { credits, touched: [...touched] };
}

/**
 * Issues the credit notes for what `date` leaves unused (inside the caller's transaction) and
 * records the date per invoice, so the next bill run charges the days from `date` on.
 */
export async function creditUnusedAdvance(ctx: Ctx, tx: Tx, tenantId: string, subscriptionId: string, date: string, why: string, opts: AdvanceCreditOptions = {}) {
  const { credits, touched } = await unusedAdvance(tx, tenantId, subscriptionId, date, opts);
  const notes = [];
  const reason = `${why} on ${date}: unused part of what was billed in advance`;
  for (const invoiceId of touched) {
    const c = credits.find((x) => x.invoiceId === invoiceId);
    const note = c ? await createCreditNote({ ctx: { ...ctx, tx }, id: invoiceId, input: { reason, lines: c.lines } }) : null;
    if (note) notes.push(note);
    await tx.insert(advanceCredits).values({ tenantId, subscriptionId, invoiceId, creditNoteId: note?.id ?? null, creditedFrom: date, reason: why, createdAt: ctx.now() });
  }
  return notes;
}
