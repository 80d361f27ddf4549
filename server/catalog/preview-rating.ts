/**
 * previewRating({ ctx, input }): rates a preview request (server/rules/preview.ts) against the
 * tenant's documents in effect at the period start, storing nothing.
 *
 * Who may: anyone who may read plans (catalog:read). Coupon codes are secrets of the rules
 * module (a code is a discount for whoever knows it), so a caller without rules:read gets the
 * answer with every coupon code hidden: in the trace's reasons, facts and conditions, and in
 * line texts.
 */
import { eq } from 'drizzle-orm';
import { tenants } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { todayInZone } from '../lib/dates';
import type { RoundingMode } from '../lib/money';
import { parsePreviewRequest, previewRating as rateRequest, type PreviewRequest, type PreviewResponse } from '../rules/preview';
import type { ConditionTrace } from '../rules/compile';
import type { PlanDoc, RuleDoc } from '../rules/schema';
import { resolveAt } from './versions';
import { loadPointsPolicies } from '../wallets/points-policy';
import { withReasonCode, type ReasonOut } from '../rating/reasons';
import { resolvePresentedCodes, type RejectedCode } from '../promotions/coupons';

export const HIDDEN = '(hidden)';

export type PreviewAnswer = PreviewResponse & { rejectedCoupons?: RejectedCode[] };

export async function previewRating({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PreviewAnswer & { trace: Array<PreviewResponse['trace'][number] & ReasonOut> }> {
  assertPermission(ctx, 'catalog:read');
  const parsed = parsePreviewRequest(input);
  if (!parsed.ok) throw invalid(parsed.issues);
  const req = parsed.value;
  const [tenant] = await q(ctx).select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  // Documents in effect at the period start (the current month in the tenant's zone by default).
  const at = req.period?.start ?? `${todayInZone(tenant.timezone, ctx.now()).slice(0, 7)}-01`;
  const needsPlans = req.subscriptions.some((s) => s.planCode !== undefined);
  const [plans, tenantRules, points] = await Promise.all([
    needsPlans ? resolveAt<PlanDoc>(q(ctx), ctx.tenantId, 'plan', at) : Promise.resolve([]),
    req.rules ? Promise.resolve([]) : resolveAt<RuleDoc>(q(ctx), ctx.tenantId, 'rule', at),
    loadPointsPolicies(q(ctx), ctx.tenantId),
  ]);
  const byCode = new Map(plans.map((p) => [p.code, p.document]));
  const rules = req.rules ?? tenantRules.map((r) => r.document);
  // Generated codes (coupon batches) stand for their campaign's code, exactly as in billing.
  const { request: resolved, rejected } = await resolveCoupons(ctx, req, rules, at);
  const result = rateRequest(resolved, {
    tenantRules: rules,
    resolvePlan: (code) => byCode.get(code),
    defaultCurrency: tenant.currency,
    defaultRounding: tenant.roundingMode as RoundingMode,
    now: ctx.now(),
    timeZone: tenant.timezone,
    pointsPolicy: (currency) => points.get(currency),
  });
  if (!result.ok) throw invalid(result.issues);
  const value = rejected.length ? { ...result.value, rejectedCoupons: rejected } : result.value;
  const shown = ctx.permissions.has('rules:read') ? value : hideCouponCodes(value, couponCodesOf(req, rules));
  // Codes after hiding: a hidden coupon code stays hidden in the parameters too.
  return { ...shown, trace: shown.trace.map(withReasonCode) };
}

/** The request with every presented code resolved by the one function billing uses, and the codes refused (expired, used up). */
async function resolveCoupons(ctx: Ctx, req: PreviewRequest, rules: readonly RuleDoc[], on: string) {
  const rejected = new Map<string, RejectedCode>();
  const one = async (codes: readonly string[] | undefined) => {
    if (!codes?.length) return codes ? [...codes] : undefined;
    const r = await resolvePresentedCodes(q(ctx), ctx.tenantId, codes, on, rules);
    for (const x of r.rejected) rejected.set(x.code, x);
    return r.codes;
  };
  const coupons = await one(req.coupons);
  const subscriptions = [];
  for (const s of req.subscriptions) subscriptions.push(s.coupons ? { ...s, coupons: await one(s.coupons) } : s);
  const request: PreviewRequest = { ...req, subscriptions, ...(coupons ? { coupons } : {}) };
  return { request, rejected: [...rejected.values()] };
}

/** Every coupon code the answer could mention: the rules' codes, the codes conditions test for, the codes presented. */
function couponCodesOf(req: PreviewRequest, rules: readonly RuleDoc[]): string[] {
  const codes = new Set<string>([...(req.coupons ?? []), ...req.subscriptions.flatMap((s) => s.coupons ?? [])]);
  for (const r of rules) {
    const code = r.kind === 'coupon' ? (r.event.params as { code?: unknown }).code : undefined;
    if (typeof code === 'string') codes.add(code);
  }
  const fromConditions = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(fromConditions);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.fact === 'coupons') for (const v of [o.value].flat()) if (typeof v === 'string') codes.add(v);
    for (const k of ['all', 'any', 'not']) if (k in o) fromConditions(o[k]);
  };
  for (const r of rules) fromConditions(r.conditions);
  return [...codes].filter((c) => c !== '');
}

/** The answer with each code replaced by HIDDEN wherever it appears as a whole word in a text, and the coupon facts' values hidden. */
export function hideCouponCodes(res: PreviewAnswer, codes: readonly string[]): PreviewAnswer {
  const escaped = [...codes].sort((a, b) => b.length - a.length).map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = escaped.length ? new RegExp(`(?<![A-Za-z0-9_.-])(?:${escaped.join('|')})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g') : null;
  const text = (s: string) => (re ? s.replace(re, HIDDEN) : s);
  const deep = (v: unknown): unknown => typeof v === 'string' ? text(v)
    : Array.isArray(v) ? v.map(deep)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v;
  const conditions = (c: ConditionTrace): ConditionTrace => {
    if ('op' in c) return c.op === 'not' ? { ...c, condition: conditions(c.condition) } : { ...c, conditions: c.conditions.map(conditions) };
    if (c.fact === 'coupons') return { ...c, value: HIDDEN, factValue: HIDDEN, valueResult: HIDDEN };
    return { ...c, value: deep(c.value), factValue: deep(c.factValue), valueResult: deep(c.valueResult) };
  };
  return {
    ...res,
    ...(res.rejectedCoupons ? { rejectedCoupons: res.rejectedCoupons.map((r) => ({ ...r, code: HIDDEN, reason: text(r.reason) })) } : {}),
    lines: res.lines.map((l) => ({ ...l, ...(l.name !== undefined ? { name: text(l.name) } : {}), ...(l.description !== undefined ? { description: text(l.description) } : {}), ...(l.coupon !== undefined ? { coupon: HIDDEN } : {}) })),
    trace: res.trace.map((e) => ({
      ...e,
      reason: text(e.reason),
      ...(e.facts ? { facts: deep({ ...e.facts, ...('coupons' in e.facts ? { coupons: HIDDEN } : {}) }) as Record<string, unknown> } : {}),
      ...(e.conditions ? { conditions: conditions(e.conditions) } : {}),
    })),
  };
}
