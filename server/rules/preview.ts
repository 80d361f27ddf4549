/**
 * The rating preview (POST /api/v1/rating/preview, spec rating.md §5): validate the whole
 * request, listing every problem with its JSON path, then rate without storing anything.
 * Neither function throws on bad input; the preview service (server/catalog/preview-rating.ts)
 * maps `{ ok: false }` to a 422.
 */
import { z } from 'zod';
import type { FieldIssue } from '../lib/errors';
import { fromZodIssue } from '../lib/i18n';
import { ROUNDING_MODES, type RoundingMode } from '../lib/money';
import { isIsoDate, todayInZone, addInterval } from '../lib/dates';
import { isoDate } from '../lib/schemas';
import { rate } from '../rating/rate';
import { checkEligibility } from '../rating/eligibility';
import { subscriptionFacts } from '../rating/subscription-facts';
import type { PointsPolicy } from '../rating/balances';
import type { RatingInput, RatingResult, SubscriptionInput, UsageValue } from '../rating/types';
import { CHURN_BANDS, CUSTOMER_TYPES } from './facts';
import { Code, CurrencyCode, MoneyString, Quantity, type PlanDoc, type RuleDoc } from './schema';
import { joinPath, validatePlan, validateRule } from './validate';

const UsageValueSchema = z.union([
  Quantity,
  z.strictObject({ amount: Quantity, count: z.union([z.int().min(0), z.string().regex(/^\d{1,15}$/)]) }),
]);

export const PreviewSubscriptionSchema = z.strictObject({
  id: z.string().optional(),
  plan: z.unknown().optional(),
  planCode: Code.optional(),
  startDate: isoDate.nullable().optional(),
  endDate: isoDate.nullable().optional(),
  cycleIndex: z.int().min(1).optional(),
  /**
   * What a cancellation on this date would bill: the subscription ends then (like `endDate`, which it
   * replaces) and, when the date falls in the preview's window, its installments not charged yet are
   * charged at once as one line (README "Installments on cancellation").
   */
  cancelledOn: isoDate.optional(),
  quantities: z.record(z.string(), Quantity).optional(),
  usage: z.record(z.string(), UsageValueSchema).optional(),
  coupons: z.array(z.string()).optional(),
});

export const PreviewRequestSchema = z.strictObject({
  currency: CurrencyCode.optional(),
  rounding: z.enum(ROUNDING_MODES as unknown as [RoundingMode, ...RoundingMode[]]).optional(),
  customer: z
    .strictObject({
      id: z.string().optional(),
      type: z.enum(CUSTOMER_TYPES).nullable().optional(),
      segment: z.string().nullable().optional(),
      country: z.string().nullable().optional(),
      tags: z.array(z.string()).optional(),
      tenureMonths: z.int().min(0).nullable().optional(),
      dunningExcluded: z.boolean().optional(),
      churnRisk: z.number().min(0).max(1).nullable().optional(),
      churnBand: z.enum(CHURN_BANDS).nullable().optional(),
      behaviourSegment: z.string().max(200).nullable().optional(),
      /** Where the churn facts came from (GET /rating/customers/{id}/facts gives it); named in the trace. */
      churnScore: z.strictObject({ modelVersion: z.int().min(1), asOf: isoDate }).nullable().optional(),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .optional(),
  period: z.strictObject({ start: isoDate, end: isoDate }).optional(),
  subscriptions: z.array(PreviewSubscriptionSchema).min(1),
  rules: z.array(z.unknown()).optional(),
  coupons: z.array(z.string()).optional(),
  prepaidBalance: MoneyString.optional(),
  pointsBalance: MoneyString.optional(),
  /** Overrides the tenant's points policy for this preview (server/rating/balances.ts). */
  points: z.strictObject({ pointValue: MoneyString.optional(), maxPointsPerInvoice: MoneyString.nullable().optional() }).optional(),
});

export interface PreviewRequest {
  currency?: string;
  rounding?: RoundingMode;
  customer?: RatingInput['customer'];
  period?: { start: string; end: string };
  subscriptions: (Omit<SubscriptionInput, 'plan' | 'ends' | 'creditedFrom' | 'catchUpOnly' | 'anniversary'> & { plan?: PlanDoc; planCode?: string; cancelledOn?: string })[];
  rules?: RuleDoc[];
  coupons?: string[];
  prepaidBalance?: string;
  pointsBalance?: string;
  points?: PointsPolicy;
}

export type PreviewResponse = Omit<RatingResult, 'redemptions' | 'taxExact'>;

export interface PreviewDeps {
  /** The tenant's published rules (used when the request has no `rules`). */
  tenantRules: readonly RuleDoc[];
  /** A published plan of the tenant by code. */
  resolvePlan(code: string): PlanDoc | undefined;
  defaultCurrency: string;
  defaultRounding: RoundingMode;
  /** The current instant: decides the default period (the current month). */
  now: Date;
  /** Tenant time zone for "today" (default UTC). */
  timeZone?: string;
  /** The tenant's points policy of a currency, as bill runs apply it (absent = 1 point is 1 unit, no cap). */
  pointsPolicy?: (currency: string) => PointsPolicy | undefined;
}

export type Result<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

function zodToIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const i of error.issues) {
    if (i.code === 'unrecognized_keys') for (const k of i.keys) out.push({ path: joinPath('', [...i.path, k]), message: `unknown field "${k}"`, code: 'unknown_field' });
    else out.push(fromZodIssue(i, joinPath('', i.path)));
  }
  return out;
}

/** Validates a preview request body: shape, every inline plan and rule, dates and references. */
export function parsePreviewRequest(body: unknown): Result<PreviewRequest> {
  const parsed = PreviewRequestSchema.safeParse(body);
  const issues: FieldIssue[] = parsed.success ? [] : zodToIssues(parsed.error);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, issues: issues.length ? issues : [{ path: '$', message: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  const period = b.period as Record<string, unknown> | undefined;
  if (period && typeof period === 'object') {
    if (isIsoDate(period.start) && isIsoDate(period.end) && period.end <= period.start) issues.push({ path: 'period.end', message: 'must be after period.start (the end is exclusive)' });
  }
  if (Array.isArray(b.subscriptions)) {
    b.subscriptions.forEach((s, i) => {
      if (!s || typeof s !== 'object') return;
      const sub = s as Record<string, unknown>;
      const base = `subscriptions[${i}]`;
      const hasPlan = sub.plan !== undefined;
      const hasCode = sub.planCode !== undefined;
      if (hasPlan === hasCode) issues.push({ path: base, message: 'give exactly one of plan (a plan document) or planCode', code: 'invalid_plan_ref' });
      if (hasPlan) issues.push(...validatePlan(sub.plan, `${base}.plan`));
      if (isIsoDate(sub.startDate) && isIsoDate(sub.endDate) && sub.endDate <= sub.startDate) issues.push({ path: `${base}.endDate`, message: 'must be after startDate (the end is exclusive)' });
      if (sub.cancelledOn !== undefined && sub.endDate !== undefined && sub.endDate !== null) issues.push({ path: `${base}.cancelledOn`, message: 'give endDate or cancelledOn, not both' });
      if (isIsoDate(sub.startDate) && isIsoDate(sub.cancelledOn) && sub.cancelledOn <= sub.startDate) issues.push({ path: `${base}.cancelledOn`, message: 'must be after startDate' });
    });
  }
  if (Array.isArray(b.rules)) {
    const ids = new Map<string, number>();
    b.rules.forEach((r, j) => {
      issues.push(...validateRule(r, `rules[${j}]`));
      const id = r && typeof r === 'object' ? (r as { id?: unknown }).id : undefined;
      if (typeof id === 'string') {
        if (ids.has(id)) issues.push({ path: `rules[${j}].id`, message: `duplicate rule id "${id}" (also rules[${ids.get(id)}])`, code: 'duplicate' });
        else ids.set(id, j);
      }
    });
  }
  if (issues.length) return { ok: false, issues: dedupe(issues) };
  return { ok: true, value: parsed.data as unknown as PreviewRequest };
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Rates a parsed preview request. Issues here are the ones that need the tenant: plan codes, eligibility, currency. */
export function previewRating(request: PreviewRequest, deps: PreviewDeps): Result<PreviewResponse> {
  const issues: FieldIssue[] = [];
  const currency = request.currency ?? deps.defaultCurrency;
  const period = request.period ?? currentMonth(deps);
  const subscriptions: SubscriptionInput[] = [];
  const requestIndex: number[] = [];
  request.subscriptions.forEach((s, i) => {
    const base = `subscriptions[${i}]`;
    const plan = s.plan ?? (s.planCode !== undefined ? deps.resolvePlan(s.planCode) : undefined);
    if (!plan) {
      issues.push({ path: `${base}.planCode`, message: `no published plan "${s.planCode}"`, code: 'not_found' });
      return;
    }
    const planPath = s.plan ? `${base}.plan` : `${base}.planCode`;
    if (plan.currency !== currency) {
      issues.push({ path: s.plan ? `${planPath}.currency` : planPath, message: `plan currency ${plan.currency} differs from the invoice currency ${currency}`, code: 'currency_mismatch' });
    }
    const { planCode: _code, cancelledOn, ...rest } = s;
    subscriptions.push({ ...rest, plan, usage: s.usage as Record<string, UsageValue> | undefined, ...(cancelledOn ? { endDate: cancelledOn, ends: true } : {}) });
    requestIndex.push(i);
  });
  const input: RatingInput = {
    currency,
    rounding: request.rounding ?? deps.defaultRounding,
    customer: request.customer ?? {},
    period,
    subscriptions,
    coupons: request.coupons,
    prepaidBalance: request.prepaidBalance,
    pointsBalance: request.pointsBalance,
    points: { ...deps.pointsPolicy?.(currency), ...request.points },
    // no promotionUsage: the preview ignores budgets and redemption limits
  };
  subscriptions.forEach((sub, k) => {
    const reason = checkEligibility(sub.plan, subscriptionFacts(input, sub));
    if (reason) {
      const i = requestIndex[k];
      const fromDoc = request.subscriptions[i].plan !== undefined;
      issues.push({ path: fromDoc ? `subscriptions[${i}].plan.eligibility` : `subscriptions[${i}].planCode`, message: reason, code: 'not_eligible' });
    }
  });
  if (issues.length) return { ok: false, issues };
  const rules = request.rules ?? deps.tenantRules;
  const { redemptions: _r, taxExact: _t, ...result } = rate(input, { rules });
  return { ok: true, value: result };
}

function currentMonth(deps: PreviewDeps): { start: string; end: string } {
  const today = todayInZone(deps.timeZone ?? 'UTC', deps.now);
  const start = `${today.slice(0, 7)}-01`;
  return { start, end: addInterval(start, 'month', 1) };
}
