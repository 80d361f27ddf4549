/**
 * The unused part of what was billed in advance, credited when an in-advance subscription ends or
 * moves to another plan inside a period it has already paid for (rating.md "Charge timing"; Stripe
 * and Lago prorate the same way). What counts as billed in advance:
 * - lines with `detail.servicePeriod` (plans with `timing: "in_advance"`, billed for the next period);
 * - every charge line of a bill whose segment has `billedInAdvance` (yearly and multi-month plans,
 *   billed on their anniversary for the whole period).
 * Per component of such a bill: credit = amount × unused days / days of the service period, netted
 * of that component's discounts in the bill (the share of the net it paid), rounded once with the
 * tenant's rounding mode. One credit note per invoice, through the credit-note service (audited,
 * numbered, never above the invoice total). Tax is not credited back on its own line (a known gap:
 * the credit note has no tax lines yet). One-time fees and installments are never credited.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { bills, tenants } from '../db/schema';
import { Decimal, ZERO, roundMoney, toMoneyString, type RoundingMode } from '../lib/money';
import { daysBetween, maxDate, type Period } from '../lib/dates';
import type { Tx } from '../db/client';
import type { Ctx } from '../lib/context';
import { createCreditNote } from '../invoices/invoices';
import type { LineDetail } from '../rating/types';

interface StoredLine { kind: string; component?: string; subscriptionId?: string; amount: string; detail?: LineDetail; description?: string }
interface StoredSegment { billedInAdvance?: Period }

export interface AdvanceCredit { invoiceId: string; currency: string; lines: { description: string; amount: string }[] }

/** What `date` leaves unused of the subscription's in-advance bills (nothing to credit → []). */
export async function unusedAdvance(tx: Tx, tenantId: string, subscriptionId: string, date: string): Promise<AdvanceCredit[]> {
  const rows = await tx.select({ invoiceId: bills.invoiceId, currency: bills.currency, lines: bills.lines, segments: bills.segments })
    .from(bills).where(and(eq(bills.tenantId, tenantId), eq(bills.subscriptionId, subscriptionId), isNotNull(bills.invoiceId)));
  if (!rows.length) return [];
  const [t] = await tx.select({ rounding: tenants.roundingMode }).from(tenants).where(eq(tenants.id, tenantId));
  const mode = (t?.rounding ?? 'half_up') as RoundingMode;
  const out: AdvanceCredit[] = [];
  for (const b of rows) {
    const lines = b.lines as StoredLine[];
    const anniversary = (b.segments as StoredSegment[]).find((s) => s.billedInAdvance)?.billedInAdvance;
    const byComponent = new Map<string, { gross: Decimal; net: Decimal; unused: Decimal; period: Period }>();
    for (const l of lines) {
      if (!l.component || (l.subscriptionId && l.subscriptionId !== subscriptionId)) continue;
      const c = byComponent.get(l.component) ?? { gross: ZERO, net: ZERO, unused: ZERO, period: { start: '', end: '' } };
      if (l.kind === 'discount') c.net = c.net.plus(l.amount);
      if (l.kind === 'charge') {
        c.gross = c.gross.plus(l.amount);
        c.net = c.net.plus(l.amount);
        const once = l.detail?.code === 'one_time' || l.detail?.code === 'installment';
        const sp = once ? undefined : (l.detail?.servicePeriod ?? anniversary);
        if (sp && sp.end > date) {
          const unused = daysBetween(maxDate(date, sp.start), sp.end);
          c.unused = c.unused.plus(new Decimal(l.amount).times(unused).dividedBy(daysBetween(sp.start, sp.end)));
          c.period = sp;
        }
      }
      byComponent.set(l.component, c);
    }
    const credit: AdvanceCredit['lines'] = [];
    for (const [component, c] of byComponent) {
      if (c.unused.isZero() || c.gross.isZero()) continue;
      const amount = roundMoney(c.unused.times(Decimal.max(ZERO, c.net)).dividedBy(c.gross), b.currency, mode);
      if (amount.greaterThan(0)) credit.push({ description: `${component}: unused ${maxDate(date, c.period.start)} – ${c.period.end}`, amount: toMoneyString(amount, b.currency) });
    }
    if (credit.length) out.push({ invoiceId: b.invoiceId!, currency: b.currency, lines: credit });
  }
  return out;
}

/** Issues the credit notes for what `date` leaves unused (inside the caller's transaction). */
export async function creditUnusedAdvance(ctx: Ctx, tx: Tx, tenantId: string, subscriptionId: string, date: string, why: string) {
  const credits = await unusedAdvance(tx, tenantId, subscriptionId, date);
  const notes = [];
  for (const c of credits) notes.push(await createCreditNote({ ctx: { ...ctx, tx }, id: c.invoiceId, input: { reason: `${why} on ${date}: unused part of what was billed in advance`, lines: c.lines } }));
  return notes;
}
