/**
 * Pure: one payer's subscriptions, phases, usage and the documents in effect → its bills (one per
 * subscription) and draft invoices (one per currency). No database; bill-runs.ts loads and stores.
 *
 * rate() takes one customer's facts, so a payer paying for several customers (a head office for
 * its branches) is rated once per customer and the results are merged into the payer's invoice.
 * Tax is then computed again over the whole invoice as the spec asks (rating.md §4 step 4): the
 * exact, unrounded tax of every rating is summed per tax name and rounded once per name, and
 * split over the rules of that name by largest remainder, so a head office's VAT is never off
 * by the rounding of each branch.
 */
import { customers, subscriptionPhases, subscriptions } from '../db/schema';
import { rate, type PreparedRules } from '../rating';
import type { PromotionUsageEntry, RatedLine, RatingResult, SubscriptionInput, PlanDoc, TraceEntry } from '../rating/types';
import type { ResolvedDocument } from '../catalog/versions';
import { Decimal, ZERO, toMoneyString, type RoundingMode } from '../lib/money';
import { roundTaxByName } from '../rating/tax';
import { applyBalances, type PointsPolicy } from '../rating/balances';
import { daysBetween, maxDate, minDate, periodFor, type Period } from '../lib/dates';
import { factCustomer } from '../customers/facts';
import type { FactCustomer } from '../rules/facts';
import { usageQuantity, type UsageBook } from './usage';
import { cyclesEndingIn, type CycleInterval } from './cycles';
import { ratedWindowEnd, withoutTiming } from './in-advance';
import { anniversaryCatchUps } from './anniversary-catch-up';
import { acceleratedRest, anniversarySegments } from './anniversary-renewal';

type CustomerRow = typeof customers.$inferSelect;
type Sub = typeof subscriptions.$inferSelect;
type Phase = typeof subscriptionPhases.$inferSelect;

export interface PayerSubscription {
  sub: Sub; phases: Phase[]; priorBills: number;
  /** Anniversary bills before the run's period (yearly and multi-month plans: their cycle count). */
  priorAnniversaries?: number;
  /** The earliest date in the run's period from which its in-advance charge was credited back (a mid-period change). */
  creditedFrom?: string;
  /** The earliest such date after the run's period: a yearly catch-up stops there (./anniversary-catch-up.ts). */
  creditedUntil?: string;
  /** An earlier bill already charged the installments left at the subscription's end (./accelerated.ts). */
  installmentsAccelerated?: boolean;
}
export interface PayerData {
  billTo: string; payerId: string | null; customers: CustomerRow[]; subs: PayerSubscription[];
  /** Customer id → its churn facts (server/churn/facts.ts), loaded only when a rule reads them. */
  churn?: Map<string, Pick<FactCustomer, 'churnRisk' | 'churnBand' | 'behaviourSegment' | 'churnScore'>>;
}

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
  /** Stored billing: budgets and redemption counts (absent = ignored, as in the preview). */
  promotions?: PromotionState;
  /** Subscription id → its presented coupon codes resolved (generated codes → campaign codes). */
  coupons?: Map<string, ResolvedCoupons>;
  /**
   * Stored billing: the payer's wallet balances by `billTo|currency` (prepaid money, points),
   * drawn down after tax exactly as the preview shows (server/rating/balances.ts).
   */
  balances?: Map<string, { prepaid?: string; points?: string }>;
  /** The tenant's points policy by currency (server/wallets/points-policy.ts). */
  pointsPolicy?: Map<string, PointsPolicy>;
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
  /** Points taken from the points wallet (points, not money). */
  pointsSpent: string;
  /** Points earned when paid, summed per rule over the invoice's ratings. */
  pointsEarned: { rule: string; points: string; expiresInDays: number | null }[];
  versions: { plans: { code: string; version: number }[]; rules: { id: string; version: number }[]; redemptions: RatingResult['redemptions'] };
  bills: BillDraft[];
  /** What each customer's rating redeemed (a payer's invoice may cover several customers). */
  redemptionRows: { customerId: string; rule: string; amount: string }[];
  /** Promotion/coupon rule → the generated coupon code that was presented for it. */
  presentedCodes: Map<string, string>;
}
export interface PayerResult { invoices: InvoiceDraft[]; skipped: { subscriptionId: string; reason: string }[] }

interface Segment { ps: PayerSubscription; phase: Phase; plan: ResolvedDocument<PlanDoc>; input: SubscriptionInput; lastInPeriod: boolean; segStart: string; segEnd: string; advance?: Period }

/**
 * Promotion budgets and redemption counts as of before the payer being rated (server/billing/promotions.ts):
 * `usageFor` is what rate() takes as `promotionUsage`; `consume` records what a rating used, so the
 * customers rated after it in the same chunk see it.
 */
export interface PromotionState {
  usageFor(customerId: string): Record<string, PromotionUsageEntry>;
  consume(customerId: string, invoiceKey: string, redemptions: readonly { rule: string; amount: string }[]): void;
}

/** Coupon codes of one subscription after resolvePresentedCodes: what rate() sees, and rule → generated code used. */
export interface ResolvedCoupons { codes: string[]; byRule: Map<string, string>; rejected: { code: string; reason: string; why?: string }[] }

/**
 * How a plan's interval is billed by a (monthly) bill run: `arrears` = monthly plans, the run's
 * period; `advance` = yearly and multi-month plans, the whole anniversary period whose start falls
 * in the run's period, their usage components monthly in arrears (README "Yearly plans");
 * `cycles` = weekly and daily plans, every cycle ending in the run's period (cycles.ts).
 */
export function billingMode(doc: PlanDoc): 'arrears' | 'advance' | 'cycles' {
  const n = doc.intervalCount ?? 1;
  if (doc.interval === 'month' && n === 1) return 'arrears';
  if (doc.interval === 'year' || doc.interval === 'month') return 'advance';
  return 'cycles';
}

/** The plan with only its usage components (or only the others): a yearly plan's two halves. */
function onlyComponents(doc: PlanDoc, usage: boolean): PlanDoc {
  const { minimumAmount: _min, ...rest } = doc;
  const components = doc.components.filter((c) => (c.type === 'usage') === usage);
  return usage ? { ...rest, components } : { ...doc, components };
}

/** The anniversary period of `anchor` (every `count` `interval`s) that starts inside `run`, if any. */
export function anniversaryIn(anchor: string, interval: 'month' | 'year', count: number, run: Period): Period | null {
  if (anchor >= run.end) return null;
  const [ay, am] = anchor.split('-').map(Number);
  const [ry, rm] = run.start.split('-').map(Number);
  const months = interval === 'year' ? 12 * count : count;
  // First index whose start could be ≥ run.start, then step (at most a couple of iterations).
  let k = Math.max(0, Math.floor(((ry - ay) * 12 + (rm - am)) / months) - 1);
  for (;; k++) {
    const p = periodFor(anchor, interval, count, k);
    if (p.start >= run.end) return null;
    if (p.start >= run.start) return p;
  }
}

/**
 * Anniversary groups: the monthly period of a subscription anchored at `anchor` (its start date;
 * month ends clamp and never drift) whose LAST day falls in the run month `run`, i.e. its end
 * (exclusive) is in (run.start, run.end]. Billed in arrears like a calendar month: every such
 * period has ended once the run month has (anchor on the 1st = exactly the calendar month).
 */
export function anniversaryDue(anchor: string, run: Period): Period | null {
  if (anchor >= run.end) return null;
  const [ay, am] = anchor.split('-').map(Number);
  const [ry, rm] = run.start.split('-').map(Number);
  for (let k = Math.max(0, (ry - ay) * 12 + (rm - am) - 2); ; k++) {
    const p = periodFor(anchor, 'month', 1, k);
    if (p.end > run.end) return null;
    if (p.end > run.start) return p;
  }
}

export function ratePayer(data: PayerData, docs: RunDocs): PayerResult {
  const { period } = docs;
  const skipped: PayerResult['skipped'] = [];
  /** currency → "customerId|periodStart|periodEnd" → segments rated together (one rate() call). */
  const byCurrency = new Map<string, Map<string, { customerId: string; period: Period; segs: Segment[] }>>();
  const add = (currency: string, customerId: string, p: Period, seg: Segment) => {
    let groups = byCurrency.get(currency);
    if (!groups) byCurrency.set(currency, (groups = new Map()));
    const key = `${customerId}|${p.start}|${p.end}`;
    const g = groups.get(key) ?? { customerId, period: p, segs: [] };
    g.segs.push(seg);
    groups.set(key, g);
  };

  // Usage belongs to a customer, not a subscription: the first subscription (by start) with a
  // component on a meter bills it, so two subscriptions on one meter never bill it twice.
  const meterOwner = new Map<string, string>();
  for (const ps of data.subs) {
    const { sub } = ps;
    const planDocOf = (code: string) => (docs.plans.get(code) ?? docs.plansLate.get(code))?.document;
    // Past the period end for in-advance plans: the next period is rated on the phases in effect then (./in-advance.ts).
    // Yearly and multi-month plans: only their usage is rated here, for the run's period (their fees below).
    const windowEnd = (doc: PlanDoc | undefined) => (doc && billingMode(doc) === 'advance' ? period.end : ratedWindowEnd(doc, period, sub.startDate));
    const phases = ps.phases.filter((p) => p.startDate < windowEnd(planDocOf(p.planCode)) && (!p.endDate || p.endDate > period.start) && (!sub.endDate || p.startDate < sub.endDate));
    const coupons = docs.coupons?.get(sub.id)?.codes ?? sub.coupons;
    const planOf = (phase: Phase) => docs.plans.get(phase.planCode) ?? docs.plansLate.get(phase.planCode);
    /** Usage of the subscription's meters over [from, to), each meter billed by its first subscription. */
    const usageOf = (doc: PlanDoc, from: string, to: string, withLate: boolean) => {
      const usage: Record<string, string | { amount: string; count: number }> = {};
      for (const c of doc.components) {
        if (c.type !== 'usage') continue;
        const owner = meterOwner.get(`${sub.customerId}|${c.meter}`) ?? sub.id;
        meterOwner.set(`${sub.customerId}|${c.meter}`, owner);
        if (owner !== sub.id) { usage[c.meter] = c.pricing.model === 'percentage' ? { amount: '0', count: 0 } : '0'; continue; }
        usage[c.meter] = usageQuantity(docs.usage, sub.customerId, c.meter, from, to, withLate, c.pricing.model === 'percentage');
      }
      return usage;
    };
    // Weekly and daily plans: the cycles ending in this run, over the phases loaded for them
    // (they may have begun before the run's period: bill-run-load.ts loads phases from further back).
    const cycleSegs: { phase: Phase; plan: ResolvedDocument<PlanDoc>; cycle: Period; index: number; segStart: string; segEnd: string }[] = [];
    for (const phase of ps.phases) {
      const plan = planOf(phase);
      if (!plan || billingMode(plan.document) !== 'cycles' || (sub.endDate && phase.startDate >= sub.endDate)) continue;
      const doc = plan.document;
      for (const { index, period: cycle } of cyclesEndingIn(sub.startDate, doc.interval as CycleInterval, doc.intervalCount ?? 1, period)) {
        const segStart = maxDate(phase.startDate, cycle.start);
        const segEnd = minDate(minDate(phase.endDate ?? cycle.end, sub.endDate ?? cycle.end), cycle.end);
        if (segStart < segEnd) cycleSegs.push({ phase, plan, cycle, index, segStart, segEnd });
      }
    }
    cycleSegs.forEach((c, i) => {
      const doc = c.plan.document;
      const isLast = i === cycleSegs.length - 1;
      const input: SubscriptionInput = {
        id: sub.id, plan: { ...doc, trialDays: sub.trialEndDate ? Math.max(0, daysBetween(c.phase.startDate, sub.trialEndDate)) : 0 },
        startDate: c.phase.startDate, endDate: c.phase.endDate && sub.endDate ? minDate(c.phase.endDate, sub.endDate) : (c.phase.endDate ?? sub.endDate ?? null),
        cycleIndex: c.index + 1, quantities: c.phase.quantities, usage: usageOf(doc, c.segStart, c.segEnd, isLast), coupons,
      };
      // The cycle in which the subscription ends: its installments left, at once (./accelerated.ts).
      if (sub.endDate && c.segEnd === sub.endDate && !ps.installmentsAccelerated) input.ends = true;
      add(doc.currency, sub.customerId, c.cycle, { ps, phase: c.phase, plan: c.plan, input, lastInPeriod: isLast, segStart: c.segStart, segEnd: c.segEnd });
    });
    phases.forEach((phase, i) => {
      const plan = planOf(phase);
      if (!plan) { skipped.push({ subscriptionId: sub.id, reason: `plan "${phase.planCode}" has no published version in effect` }); return; }
      const doc = plan.document;
      const mode = billingMode(doc);
      if (mode === 'cycles') return; // above
      const trialLeft = sub.trialEndDate ? Math.max(0, daysBetween(phase.startDate, sub.trialEndDate)) : 0;
      const segStart = maxDate(phase.startDate, period.start);
      const segEnd = minDate(phase.endDate ?? period.end, minDate(sub.endDate ?? period.end, period.end));
      const isLast = i === phases.length - 1;
      const inArrears = (rated: PlanDoc) => {
        const input: SubscriptionInput = {
          id: sub.id, plan: { ...rated, trialDays: trialLeft },
          startDate: phase.startDate, endDate: phase.endDate && sub.endDate ? minDate(phase.endDate, sub.endDate) : (phase.endDate ?? sub.endDate ?? null),
          cycleIndex: ps.priorBills + 1, quantities: phase.quantities, usage: usageOf(rated, segStart, segEnd, isLast), coupons,
          ...(ps.creditedFrom ? { creditedFrom: ps.creditedFrom } : {}),
        };
        // The final segment of a subscription that ends: installments left are charged at once (./accelerated.ts).
        if (rated === doc && sub.endDate && input.endDate === sub.endDate && !ps.installmentsAccelerated) input.ends = true;
        add(doc.currency, sub.customerId, period, { ps, phase, plan, input, lastInPeriod: isLast, segStart, segEnd: minDate(phase.endDate ?? period.end, period.end) });
      };
      if (mode === 'arrears') { inArrears(doc); return; }
      // Yearly and multi-month plans: usage components every month in arrears, like a monthly
      // plan's (README "Yearly plans"); the other components in advance on the anniversary.
      if (doc.components.some((c) => c.type === 'usage') && segStart < segEnd) inArrears(onlyComponents(doc, true));
    });
    // Yearly and multi-month plans: the anniversary period starting in this run, as its phases stand now,
    // and installments left when the subscription ends in this run (./anniversary-renewal.ts).
    const anniversaryArgs = { sub, phases: ps.phases, run: period, cycleIndex: (ps.priorAnniversaries ?? ps.priorBills) + 1, coupons, planOf,
      periodOf: (d: PlanDoc) => (billingMode(d) === 'advance' ? anniversaryIn(sub.startDate, d.interval as 'month' | 'year', d.intervalCount ?? 1, period) : null),
      feesOnly: (d: PlanDoc) => onlyComponents(d, false), ends: !ps.installmentsAccelerated };
    for (const a of [...anniversarySegments(anniversaryArgs), ...acceleratedRest(anniversaryArgs, (d) => billingMode(d) === 'advance')]) {
      add(a.plan.document.currency, sub.customerId, a.period, { ps, phase: a.phase, plan: a.plan, input: a.input, lastInPeriod: false, segStart: a.segStart, segEnd: a.segEnd, ...(a.input.anniversary ? { advance: a.period } : {}) });
    }
    // After a mid-year change: the rest of that anniversary period at the phases in effect then.
    for (const c of anniversaryCatchUps({ sub, phases: ps.phases, creditedFrom: ps.creditedFrom, creditedUntil: ps.creditedUntil, cycleIndex: ps.priorBills + 1,
      planOf, isAnniversary: (d) => billingMode(d) === 'advance', feesOnly: (d) => onlyComponents(d, false), coupons })) {
      add(c.plan.document.currency, sub.customerId, c.period, { ps, phase: c.phase, plan: c.plan, input: c.input, lastInPeriod: false, segStart: c.segStart, segEnd: c.segEnd });
    }
  }

  const customerById = new Map(data.customers.map((c) => [c.id, c]));
  const invoices: InvoiceDraft[] = [];
  for (const [currency, perCustomer] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    const lines: BillLine[] = [];
    const trace: TraceEntry[] = [];
    const redemptions: RatingResult['redemptions'] = [];
    const redemptionRows: InvoiceDraft['redemptionRows'] = [];
    const presentedCodes = new Map<string, string>();
    const taxExact: RatingResult['taxExact'] = [];
    let subtotal = ZERO, discountTotal = ZERO, taxTotal = ZERO, total = ZERO, amountDue = ZERO;
    let prepaidApplied = ZERO, pointsApplied = ZERO, pointsSpent = ZERO;
    const earned = new Map<string, { points: Decimal; expiresInDays: number | null }>();
    // One rating on the invoice (the usual case): rate() itself takes the balances, so the invoice
    // is exactly what the preview shows. Several (a head office): taken off the merged total below.
    const balances = docs.balances?.get(`${data.billTo}|${currency}`);
    const points = docs.pointsPolicy?.get(currency);
    const single = perCustomer.size === 1;
    const billMap = new Map<string, BillDraft>();
    const invoiceKey = `${data.billTo}|${currency}`;
    // Customers in the order of their own codes (then id), each one's periods in date order: a
    // head office's invoice lists its branches the same way on every run.
    const order = (x: { customerId: string; period: Period }) => `${customerById.get(x.customerId)?.externalId ?? ''}\u0000${x.customerId}|${x.period.start}|${x.period.end}`;
    for (const { customerId, period: ratedPeriod, segs } of [...perCustomer.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))) {
      const customer = customerById.get(customerId)!;
      const r = rate({
        currency, rounding: docs.rounding, customer: factCustomer(customer, ratedPeriod.start, data.churn?.get(customerId)), period: ratedPeriod,
        subscriptions: segs.map((s) => s.input),
        ...(single && balances ? { prepaidBalance: balances.prepaid, pointsBalance: balances.points, points } : {}),
        ...(docs.promotions ? { promotionUsage: docs.promotions.usageFor(customerId) } : {}),
      }, { rules: docs.rules, trace: docs.trace ?? 'summary' });
      if (r.redemptions.length) {
        docs.promotions?.consume(customerId, invoiceKey, r.redemptions);
        for (const x of r.redemptions) redemptionRows.push({ customerId, rule: x.rule, amount: x.amount });
        for (const seg of segs) for (const [rule, code] of docs.coupons?.get(seg.ps.sub.id)?.byRule ?? []) {
          if (r.redemptions.some((x) => x.rule === rule) && !presentedCodes.has(rule)) presentedCodes.set(rule, code);
        }
      }
      subtotal = subtotal.plus(r.subtotal); discountTotal = discountTotal.plus(r.discountTotal); taxTotal = taxTotal.plus(r.taxTotal);
      total = total.plus(r.total); amountDue = amountDue.plus(r.amountDue);
      prepaidApplied = prepaidApplied.plus(r.prepaidApplied); pointsApplied = pointsApplied.plus(r.pointsApplied); pointsSpent = pointsSpent.plus(r.pointsSpent);
      for (const e of r.pointsEarned) {
        const had = earned.get(e.rule);
        earned.set(e.rule, { points: (had?.points ?? ZERO).plus(e.points), expiresInDays: e.expiresInDays });
      }
      redemptions.push(...r.redemptions);
      taxExact.push(...r.taxExact);
      for (const seg of segs) {
        const s = seg.ps.sub;
        if (!billMap.has(s.id)) {
          billMap.set(s.id, { subscriptionId: s.id, customerId, cycleIndex: seg.ps.priorBills + 1, currency, segments: [], lines: [], subtotal: '0', discountTotal: '0', trace: [], planVersions: [] });
        }
        const b = billMap.get(s.id)!;
        const late = seg.lastInPeriod ? docs.usage.late.get(customerId) : undefined;
        b.segments.push({
          planCode: seg.phase.planCode, planVersion: seg.plan.version, startDate: seg.segStart, endDate: seg.segEnd,
          ...(seg.advance ? { billedInAdvance: seg.advance } : {}),
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
          ? { ...rest, subscriptionId: seg.ps.sub.id, customerId, planCode: seg.phase.planCode, segment: { startDate: seg.segStart, endDate: seg.segEnd } }
          : { ...rest, customerId };
        // A generated code (coupon batch) stands for its campaign's code in rating; the line shows the one presented.
        const presented = seg && line.kind === 'discount' && line.rule ? docs.coupons?.get(seg.ps.sub.id)?.byRule.get(line.rule) : undefined;
        if (presented) line.coupon = presented;
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
    let invoiceLines = lines.map((l) => (l.kind === 'tax' ? withoutCustomer(l) : l));
    if (perCustomer.size > 1) {
      // Several ratings on one invoice: tax rounded once per tax name over all of them.
      // Prepaid and points then come off the merged total, by the same function the preview uses.
      // Known gap: each rating's earned points were computed before points were spent here.
      const tax = invoiceTax(taxExact, currency, docs.rounding);
      invoiceLines = [...lines.filter((l) => l.kind !== 'tax'), ...tax.lines];
      taxTotal = tax.total;
      total = subtotal.minus(discountTotal).plus(taxTotal);
      const b = applyBalances(total, currency, { prepaid: balances?.prepaid, points: balances?.points, policy: points });
      ({ prepaidApplied, pointsApplied, pointsSpent, amountDue } = b);
    }
    invoices.push({
      currency, lines: invoiceLines, trace,
      subtotal: toMoneyString(subtotal, currency), discountTotal: toMoneyString(discountTotal, currency), taxTotal: toMoneyString(taxTotal, currency),
      total: toMoneyString(total, currency), prepaidApplied: toMoneyString(prepaidApplied, currency), pointsApplied: toMoneyString(pointsApplied, currency),
      amountDue: toMoneyString(amountDue, currency), pointsSpent: toMoneyString(pointsSpent, currency),
      pointsEarned: [...earned].map(([rule, e]) => ({ rule, points: toMoneyString(e.points, currency), expiresInDays: e.expiresInDays })),
      versions: { plans: uniq([...billMap.values()].flatMap((b) => b.planVersions)), rules: docs.ruleVersions, redemptions },
      bills: [...billMap.values()], redemptionRows, presentedCodes,
    });
  }
  return { invoices, skipped };
}

function uniq(v: { code: string; version: number }[]) {
  const seen = new Set<string>();
  return v.filter((x) => (seen.has(`${x.code}@${x.version}`) ? false : (seen.add(`${x.code}@${x.version}`), true)));
}

function withoutCustomer(l: BillLine): BillLine {
  const copy = { ...l };
  delete copy.customerId;
  return copy;
}

/** Tax of a payer's invoice from the exact tax of each rating merged into it (`roundTaxByName`). */
export function invoiceTax(exact: readonly RatingResult['taxExact'][number][], currency: string, mode: RoundingMode): { lines: BillLine[]; total: Decimal } {
  const byName = new Map<string, Map<string, Decimal>>();
  for (const e of exact) {
    let m = byName.get(e.name);
    if (!m) byName.set(e.name, (m = new Map()));
    m.set(e.rule, (m.get(e.rule) ?? ZERO).plus(e.amount));
  }
  return roundTaxByName(byName, currency, mode);
}
