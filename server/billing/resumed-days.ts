/**
 * A pause that spans periods (README "Charge timing in bill runs"). A plan billed in advance is
 * charged for a period by the run of the period before it; when that run happened while the
 * subscription was paused, nothing charged the period it resumes in, and the next run only charges
 * the period after. So a run finds, per subscription, the first day in its period on which the
 * subscription resumes after a gap (no phase covers the day before) and that no earlier bill paid
 * in advance: a line whose `detail.servicePeriod`, or an anniversary segment whose
 * `billedInAdvance`, contains that day, on an invoice that is not void and was not credited from
 * that day or before (server/subscriptions/advance-credit.ts). That day is handed to the rater like
 * a credited date (`creditedFrom`): the catch-up slot charges the days from it (prorated,
 * recurring components only) on this run's invoice, once, since the next run's period starts after
 * it and a re-run creates no bill. Plans billed in arrears ignore it (they bill their own period).
 */
import { and, eq, inArray, lt, ne } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { advanceCredits, bills, invoices } from '../db/schema';
import type { Period } from '../lib/dates';

type PhaseLike = { subscriptionId: string; startDate: string; endDate: string | null };
interface StoredLine { kind: string; subscriptionId?: string; detail?: { servicePeriod?: Period } }
interface StoredSegment { billedInAdvance?: Period }

/** Per subscription, the first day of the gap-ending resumes in `period` (before any check of what was paid). */
export function resumesIn(subs: readonly { id: string; startDate: string }[], phasesBySub: Map<string, PhaseLike[]>, period: Period): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of subs) {
    const phases = phasesBySub.get(s.id) ?? [];
    for (const p of phases) {
      const r = p.startDate;
      if (r <= s.startDate || r < period.start || r >= period.end) continue;
      if (phases.some((q) => q.startDate < r && (!q.endDate || q.endDate >= r))) continue;
      out.set(s.id, [...(out.get(s.id) ?? []), r]);
    }
  }
  return out;
}

const within = (p: Period | undefined, d: string) => !!p && p.start <= d && d < p.end;

/** Subscription id → the earliest resume day in the run's period that no earlier bill paid for. */
export async function unpaidResumes(db: DbOrTx, tenantId: string, period: Period, candidates: Map<string, string[]>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!candidates.size) return out;
  const ids = [...candidates.keys()];
  const [rows, credited] = await Promise.all([
    db.select({ subscriptionId: bills.subscriptionId, invoiceId: bills.invoiceId, lines: bills.lines, segments: bills.segments }).from(bills)
      .innerJoin(invoices, and(eq(invoices.tenantId, bills.tenantId), eq(invoices.id, bills.invoiceId)))
      .where(and(eq(bills.tenantId, tenantId), inArray(bills.subscriptionId, ids), lt(bills.periodStart, period.start), ne(invoices.status, 'void'))),
    db.select({ subscriptionId: advanceCredits.subscriptionId, invoiceId: advanceCredits.invoiceId, from: advanceCredits.creditedFrom }).from(advanceCredits)
      .where(and(eq(advanceCredits.tenantId, tenantId), inArray(advanceCredits.subscriptionId, ids))),
  ]);
  const creditedFrom = new Map<string, string>();
  for (const c of credited) {
    const k = `${c.subscriptionId}|${c.invoiceId}`;
    const had = creditedFrom.get(k);
    if (!had || c.from < had) creditedFrom.set(k, c.from);
  }
  for (const [id, days] of candidates) {
    const mine = rows.filter((b) => b.subscriptionId === id);
    const paid = (day: string) => mine.some((b) => {
      const from = creditedFrom.get(`${id}|${b.invoiceId}`);
      if (from && from <= day) return false;
      return (b.lines as StoredLine[]).some((l) => l.kind === 'charge' && (!l.subscriptionId || l.subscriptionId === id) && within(l.detail?.servicePeriod, day))
        || (b.segments as StoredSegment[]).some((s) => within(s.billedInAdvance, day));
    });
    const first = [...days].sort().find((d) => !paid(d));
    if (first) out.set(id, first);
  }
  return out;
}
