/**
 * Policy simulation before publishing: a draft set of dunning rules (or the published policy)
 * projected over the invoices overdue now for the next N days, per invoice; and the builder's
 * timeline preview for a sample invoice ("100,000 KRW unpaid from day 0 gets: …").
 */
import type { Db } from '../db/client';
import { assertPermission, q, type Ctx } from '../lib/context';
import { invalid, type FieldIssue } from '../lib/errors';
import { Decimal, amountProblem, toMoneyString } from '../lib/money';
import { addDays } from '../lib/dates';
import { validateRule } from '../rules/validate';
import type { RuleDoc } from '../rules/schema';
import { tenantSettings, tenantToday } from '../tenants/tenant-settings';
import { loadPolicy, policyOf, type Policy } from './policy';
import { activeExclusions } from './exclusions';
import { loadChunk, loadOverdue } from './load';
import { positions, viewInvoice } from './invoice-context';
import { buildDunningFacts } from './facts';
import { project } from './project';

/** The draft rules given (validated, 422 at `rules[i]…`), else the published policy on `today`. */
export async function policyFor(ctx: Ctx, rules: unknown[] | undefined, today: string): Promise<Policy> {
  if (!rules) return loadPolicy(q(ctx) as Db, ctx.tenantId, today);
  const issues: FieldIssue[] = [];
  rules.forEach((r, i) => {
    issues.push(...validateRule(r, `rules[${i}]`));
    if ((r as { kind?: unknown })?.kind !== 'dunning') issues.push({ path: `rules[${i}].kind`, message: 'must be "dunning"' });
  });
  if (issues.length) throw invalid(issues);
  return policyOf((rules as RuleDoc[]).map((document) => ({ document, version: 0 })));
}

export async function simulatePolicy({ ctx, input }: { ctx: Ctx; input: { rules?: unknown[]; days: number; limit: number } }) {
  assertPermission(ctx, 'dunning:read');
  const db = q(ctx);
  const settings = await tenantSettings(db, ctx.tenantId);
  const today = await tenantToday(db, ctx);
  const policy = await policyFor(ctx, input.rules, today);
  const overdue = await loadOverdue(db, ctx.tenantId, today);
  const part = overdue.slice(0, input.limit);
  const [data, exclusions] = await Promise.all([loadChunk(db, ctx.tenantId, part, policy.pack.referencedFacts), activeExclusions(db, ctx.tenantId)]);
  const pos = positions(overdue);
  const invoices = part.map((od) => {
    const v = viewInvoice(policy, od, data, exclusions, pos.get(`${od.inv.billTo}|${od.inv.currency}`)!, today);
    const p = project({
      policy, facts: v.facts, currency: od.inv.currency, owed: od.owed, today, days: input.days, rounding: settings.rounding,
      steps: v.rows.map((r) => ({ ruleCode: r.ruleCode, step: r.step, lastAttemptOn: r.lastAttemptOn, status: r.status, action: r.action, amount: r.amount ?? undefined })),
      stops: { recordExclusion: v.recordExclusion, flagExclusion: v.flagExclusion }, pausedUntil: v.pausedUntil, promiseToPayOn: v.promiseToPayOn,
      isFeeInvoice: od.inv.lateFee,
    });
    return { invoiceId: od.inv.id, number: od.inv.number, billTo: od.inv.billTo, currency: od.inv.currency, amountDue: toMoneyString(od.owed, od.inv.currency), dueDate: od.inv.dueDate, daysOverdue: v.daysOverdue, ...p };
  });
  return { today, until: addDays(today, input.days - 1), overdueTotal: overdue.length, invoices };
}

export interface PreviewIn { rules?: unknown[]; amount: string; currency: string; days: number; customer?: { type?: string; segment?: string; tags?: string[] } }

/** A sample invoice of `amount` unpaid from day 0 (its due date, today), stepped `days` days. */
export async function previewPolicy({ ctx, input }: { ctx: Ctx; input: PreviewIn }) {
  assertPermission(ctx, 'rules:read');
  const db = q(ctx);
  const settings = await tenantSettings(db, ctx.tenantId);
  const today = await tenantToday(db, ctx);
  const problem = amountProblem(input.amount, input.currency);
  if (problem) throw invalid([{ path: 'amount', message: problem }]);
  const policy = await policyFor(ctx, input.rules, today);
  const owed = new Decimal(input.amount);
  const facts = buildDunningFacts({
    customer: { type: input.customer?.type ?? 'corporate', segment: input.customer?.segment ?? null, tags: input.customer?.tags ?? [] },
    daysOverdue: 0, amountDue: owed.toNumber(), currency: input.currency, payerOverdueBalance: owed.toNumber(), payerUnpaidInvoiceCount: 1,
    paymentAttempts: 0, lastDeclineCode: null, paymentMethod: null, stepsTaken: 0, today, referencedFacts: policy.pack.referencedFacts,
  });
  const p = project({ policy, facts, currency: input.currency, owed, today, days: input.days, rounding: settings.rounding, steps: [], stops: { recordExclusion: null, flagExclusion: null } });
  return { amount: toMoneyString(owed, input.currency), currency: input.currency, days: input.days, steps: p.steps.map((s) => ({ ...s, day: s.daysOverdue })), stopped: p.stopped };
}
