/**
 * Pure: one payer's subscriptions, phases, usage and the documents in effect → its bills (one per
 * subscription) and draft invoices (one per currency). No database; bill-runs.ts loads and stores.
 *
 * rate() takes one customer's facts, so a payer paying for several customers (a head office for
 * its branches) is rated once per customer and the results are merged into the payer's invoice;
 * tax lines are then summed per tax rule (each already rounded once per customer).
 */
import { customers, subscriptionPhases, subscriptions } from '../db/schema';
import { rate, type PreparedRules } from '../rating';
import type { RatedLine, RatingResult, SubscriptionInput, PlanDoc, TraceEntry } from '../rating/types';
import type { ResolvedDocument } from '../catalog/versions';
import { Decimal, ZERO, toMoneyString, type RoundingMode } from '../lib/money';
import { daysBetween, maxDate, minDate, type Period } from '../lib/dates';
import { factCustomer } from '../subscriptions/common';
import { usageQuantity, type UsageBook } from './usage';

type CustomerRow = typeof customers.$inferSelect;
type Sub = typeof subscriptions.$inferSelect;
type Phase = typeof subscriptionPhases.$inferSelect;

export interface PayerSubscription { sub: Sub; phases: Phase[]; priorBills: number }
export interface PayerData { billTo: string; payerId: string | null; customers: CustomerRow[]; subs: PayerSubscription[] }

export interface RunDocs {
  period: Period;
  rounding: RoundingMode;
  /** Plans in effect at the period start, and (fallback for plans first published mid-period) at its last day. */
  plans: Map<string, ResolvedDocument<PlanDoc>>;
  plansLate: Map<string, ResolvedDocument<PlanDoc>>;
  rules: PreparedRules;
  ruleVersions: { id: string; version: number }[];
  usage: UsageBook;
  trace?: 'full' | 'summary';
}

export interface BillLine extends Omit<RatedLine, 'subscription'> { subscriptionId?: string; customerId?: string; planCode?: string; segment?: { startDate: string; endDate: string } }
export interface BillDraft {
  subscriptionId: string; customerId: string; cycleIndex: number; currency: string;
  segments: unknown[]; lines: BillLine[]; subtotal: string; discountTotal: string; trace: TraceEntry[];
  planVersions: { code: string; version: number }[];
}
export interface InvoiceDraft {
  currency: string; lines: BillLine[]; subtotal: string; discountTotal: string; taxTotal: string; total: string;
  prepaidApplied: string; pointsApplied: string; amountDue: string; trace: TraceEntry[];
  versions: { plans: { code: string; version: number }[]; rules: { id: string; version: number }[]; redemptions: RatingResult['redemptions'] };
  bills: BillDraft[];
}
export interface PayerResult { invoices: InvoiceDraft[]; skipped: { subscriptionId: string; reason: string }[] }

interface Segment { ps: PayerSubscription; phase: Phase; plan: ResolvedDocument<PlanDoc>; input: SubscriptionInput; lastInPeriod: boolean }

export function ratePayer(data: PayerData, docs: RunDocs): PayerResult {
  const { period } = docs;
  const skipped: PayerResult['skipped'] = [];
  const byCurrency = new Map<string, Map<string, Segment[]>>();

  // Usage belongs to a customer, not a subscription: the first subscription (by start) with a
  // component on a meter bills it, so two subscriptions on one meter never bill it twice.
  const meterOwner = new Map<string, string>();
  for (const ps of data.subs) {
    const { sub } = ps;
    const phases = ps.phases.filter((p) => p.startDate < period.end && (!p.endDate || p.endDate > period.start) && (!sub.endDate || p.startDate < sub.endDate));
    // Which meters this subscription is the first to claim (usage is per customer; two
    // subscriptions of one customer on the same meter must not both bill it).
    phases.forEach((phase, i) => {
      const plan = docs.plans.get(phase.planCode) ?? docs.plansLate.get(phase.planCode);
      if (!plan) { skipped.push({ subscriptionId: sub.id, reason: `plan "${phase.planCode}" has no published version in effect` }); return; }
      const doc = plan.document;
      if (doc.interval !== 'month' || (doc.intervalCount ?? 1) !== 1) { skipped.push({ subscriptionId: sub.id, reason: `plan "${doc.code}" bills every ${doc.intervalCount ?? 1} ${doc.interval}; bill runs are monthly` }); return; }
      const segStart = maxDate(phase.startDate, period.start);
      const segEnd = minDate(phase.endDate ?? period.end, minDate(sub.endDate ?? period.end, period.end));
      const isLast = i === phases.length - 1;
      const usage: Record<string, string | { amount: string; count: number }> = {};
      for (const c of doc.components) {
        if (c.type !== 'usage') continue;
        const owner = meterOwner.get(`${sub.customerId}|${c.meter}`) ?? sub.id;
        meterOwner.set(`${sub.customerId}|${c.meter}`, owner);
        if (owner !== sub.id) { usage[c.meter] = c.pricing.model === 'percentage' ? { amount: '0', count: 0 } : '0'; continue; }
        usage[c.meter] = usageQuantity(docs.usage, sub.customerId, c.meter, segStart, segEnd, isLast, c.pricing.model === 'percentage');
      }
      const trialLeft = sub.trialEndDate ? Math.max(0, daysBetween(phase.startDate, sub.trialEndDate)) : 0;
      const input: SubscriptionInput = {
        id: sub.id, plan: { ...doc, trialDays: trialLeft },
        startDate: phase.startDate, endDate: phase.endDate && sub.endDate ? minDate(phase.endDate, sub.endDate) : (phase.endDate ?? sub.endDate ?? null),
        cycleIndex: ps.priorBills + 1, quantities: phase.quantities, usage, coupons: sub.coupons,
      };
      let perCustomer = byCurrency.get(doc.currency);
      if (!perCustomer) byCurrency.set(doc.currency, (perCustomer = new Map()));
      const list = perCustomer.get(sub.customerId) ?? [];
      list.push({ ps, phase, plan, input, lastInPeriod: isLast });
      perCustomer.set(sub.customerId, list);
    });
  }

  const customerById = new Map(data.customers.map((c) => [c.id, c]));
  const invoices: InvoiceDraft[] = [];
  for (const [currency, perCustomer] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    const lines: BillLine[] = [];
    const trace: TraceEntry[] = [];
    const redemptions: RatingResult['redemptions'] = [];
    let subtotal = ZERO, discountTotal = ZERO, taxTotal = ZERO, total = ZERO, amountDue = ZERO;
    const billMap = new Map<string, BillDraft>();
    for (const [customerId, segs] of [...perCustomer].sort(([a], [b]) => a.localeCompare(b))) {
      const customer = customerById.get(customerId)!;
      const r = rate({
        currency, rounding: docs.rounding, customer: factCustomer(customer, period.start), period,
        subscriptions: segs.map((s) => s.input),
      }, { rules: docs.rules, trace: docs.trace ?? 'summary' });
      subtotal = subtotal.plus(r.subtotal); discountTotal = discountTotal.plus(r.discountTotal); taxTotal = taxTotal.plus(r.taxTotal);
      total = total.plus(r.total); amountDue = amountDue.plus(r.amountDue);
      redemptions.push(...r.redemptions);
      for (const seg of segs) {
        const s = seg.ps.sub;
        if (!billMap.has(s.id)) {
          billMap.set(s.id, { subscriptionId: s.id, customerId, cycleIndex: seg.ps.priorBills + 1, currency, segments: [], lines: [], subtotal: '0', discountTotal: '0', trace: [], planVersions: [] });
        }
        const b = billMap.get(s.id)!;
        const late = seg.lastInPeriod ? docs.usage.late.get(customerId) : undefined;
        b.segments.push({
          planCode: seg.phase.planCode, planVersion: seg.plan.version, startDate: maxDate(seg.phase.startDate, period.start), endDate: minDate(seg.phase.endDate ?? period.end, period.end),
          quantities: seg.phase.quantities, usage: seg.input.usage,
          // Usage received after an earlier period was billed, carried into this bill (README "Late events").
          ...(late?.size ? { lateUsage: Object.fromEntries([...late].map(([k, v]) => [k, { events: v.count, sum: v.sum.toString() }])) } : {}),
        });
        if (!b.planVersions.some((v) => v.code === seg.plan.code && v.version === seg.plan.version)) b.planVersions.push({ code: seg.plan.code, version: seg.plan.version });
      }
      for (const l of r.lines) {
        const { subscription, ...rest } = l;
        const seg = subscription !== undefined ? segs[subscription] : undefined;
        const line: BillLine = seg
          ? { ...rest, subscriptionId: seg.ps.sub.id, customerId, planCode: seg.phase.planCode, segment: { startDate: maxDate(seg.phase.startDate, period.start), endDate: minDate(seg.phase.endDate ?? period.end, period.end) } }
          : { ...rest, customerId };
        lines.push(line);
        if (seg) billMap.get(seg.ps.sub.id)!.lines.push(line);
      }
      for (const t of r.trace) {
        const seg = segs[t.subscription];
        if (seg) billMap.get(seg.ps.sub.id)!.trace.push(t);
        trace.push(t);
      }
    }
    for (const b of billMap.values()) {
      let sub = ZERO, disc = ZERO;
      for (const l of b.lines) {
        if (l.kind === 'charge' || l.kind === 'minimum') sub = sub.plus(l.amount);
        if (l.kind === 'discount') disc = disc.minus(l.amount);
      }
      b.subtotal = toMoneyString(sub, currency);
      b.discountTotal = toMoneyString(disc, currency);
    }
    invoices.push({
      currency, lines: mergeTaxLines(lines, currency), trace,
      subtotal: toMoneyString(subtotal, currency), discountTotal: toMoneyString(discountTotal, currency), taxTotal: toMoneyString(taxTotal, currency),
      total: toMoneyString(total, currency), prepaidApplied: toMoneyString(ZERO, currency), pointsApplied: toMoneyString(ZERO, currency),
      amountDue: toMoneyString(amountDue, currency),
      versions: { plans: uniq([...billMap.values()].flatMap((b) => b.planVersions)), rules: docs.ruleVersions, redemptions },
      bills: [...billMap.values()],
    });
  }
  return { invoices, skipped };
}

function uniq(v: { code: string; version: number }[]) {
  const seen = new Set<string>();
  return v.filter((x) => (seen.has(`${x.code}@${x.version}`) ? false : (seen.add(`${x.code}@${x.version}`), true)));
}

/** Tax lines of several customers' ratings become one line per tax rule and name. */
function mergeTaxLines(lines: BillLine[], currency: string): BillLine[] {
  const out: BillLine[] = [];
  const taxes = new Map<string, BillLine>();
  for (const l of lines) {
    if (l.kind !== 'tax') { out.push(l); continue; }
    const key = `${l.rule}|${l.name}`;
    const prev = taxes.get(key);
    if (!prev) { const copy = { ...l }; delete copy.customerId; taxes.set(key, copy); }
    else prev.amount = toMoneyString(new Decimal(prev.amount).plus(l.amount), currency);
  }
  return [...out, ...taxes.values()];
}
