/**
 * The dunning board: overdue invoices by stage, A/R aging per currency (current, 1-30, 31-60,
 * 61-90, 90+ days past due), recovery per step, open escalations, and for the oldest overdue
 * invoices their next action and why (projected with the published policy, project.ts).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { dunningActions, invoices } from '../db/schema';
import { assertPermission, q, type Ctx } from '../lib/context';
import { Decimal, toMoneyString } from '../lib/money';
import { daysBetween } from '../lib/dates';
import { tenantSettings, tenantToday } from '../tenants/tenant-settings';
import { loadPolicy } from './policy';
import { activeExclusions } from './exclusions';
import { loadChunk, openInvoices, type Overdue } from './load';
import { positions, viewInvoice } from './invoice-context';
import { project } from './project';
import { actionOut } from './invoice-dunning';
import { AGING_BUCKETS, agingBucket } from '../analytics/aging'; // one definition of the buckets, shared with the analytics aging chart


export async function dunningBoard({ ctx, limit }: { ctx: Ctx; limit: number }) {
  assertPermission(ctx, 'dunning:read');
  const db = q(ctx);
  const settings = await tenantSettings(db, ctx.tenantId);
  const today = await tenantToday(db, ctx);
  const aging = new Map<string, Map<string, { amount: Decimal; count: number }>>();
  const overdue: Overdue[] = [];
  // Every open invoice that still owes, oldest due first: aging counts them all, the board lists the overdue ones.
  for (const { inv, owed } of await openInvoices(db, ctx.tenantId)) {
    const days = daysBetween(inv.dueDate, today);
    const cur = aging.get(inv.currency) ?? new Map(AGING_BUCKETS.map((b) => [b, { amount: new Decimal(0), count: 0 }]));
    const b = cur.get(agingBucket(days))!;
    b.amount = b.amount.plus(owed);
    b.count++;
    aging.set(inv.currency, cur);
    if (days > 0) overdue.push({ inv, owed });
  }

  // Stages: the latest step taken on each overdue invoice; recovery: what happened after each rule acted.
  const acts = await db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, ctx.tenantId), inArray(dunningActions.status, ['done', 'open'])));
  const latest = new Map<string, string>();
  for (const a of [...acts].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime())) latest.set(a.invoiceId, a.action);
  const stageCounts = new Map<string, number>();
  for (const o of overdue) { const s = latest.get(o.inv.id) ?? 'none'; stageCounts.set(s, (stageCounts.get(s) ?? 0) + 1); }
  const actedIds = [...new Set(acts.map((a) => a.invoiceId))];
  const state = new Map<string, { status: string; amountPaid: string; currency: string }>();
  for (let i = 0; i < actedIds.length; i += 500) {
    for (const r of await db.select({ id: invoices.id, status: invoices.status, amountPaid: invoices.amountPaid, currency: invoices.currency }).from(invoices)
      .where(and(eq(invoices.tenantId, ctx.tenantId), inArray(invoices.id, actedIds.slice(i, i + 500))))) state.set(r.id, r);
  }
  const perRule = new Map<string, { ruleCode: string; action: string; invoices: Set<string>; paid: Set<string>; recovered: Map<string, Decimal> }>();
  for (const a of acts) {
    const r = perRule.get(a.ruleCode) ?? { ruleCode: a.ruleCode, action: a.action, invoices: new Set(), paid: new Set(), recovered: new Map() };
    r.invoices.add(a.invoiceId);
    const s = state.get(a.invoiceId);
    if (s?.status === 'paid' && !r.paid.has(a.invoiceId)) {
      r.paid.add(a.invoiceId);
      r.recovered.set(s.currency, (r.recovered.get(s.currency) ?? new Decimal(0)).plus(s.amountPaid));
    }
    perRule.set(a.ruleCode, r);
  }

  const policy = await loadPolicy(db, ctx.tenantId, today);
  const part = overdue.slice(0, limit);
  const [data, exclusions] = await Promise.all([loadChunk(db, ctx.tenantId, part, policy.pack.referencedFacts), activeExclusions(db, ctx.tenantId)]);
  const pos = positions(overdue);
  const rows = part.map((od) => {
    const v = viewInvoice(policy, od, data, exclusions, pos.get(`${od.inv.billTo}|${od.inv.currency}`)!, today);
    const p = project({
      policy, facts: v.facts, currency: od.inv.currency, owed: od.owed, today, days: 90, rounding: settings.rounding,
      steps: v.rows.map((r) => ({ ruleCode: r.ruleCode, step: r.step, lastAttemptOn: r.lastAttemptOn, status: r.status, action: r.action, amount: r.amount ?? undefined })),
      stops: { recordExclusion: v.recordExclusion, flagExclusion: v.flagExclusion }, pausedUntil: v.pausedUntil, promiseToPayOn: v.promiseToPayOn, note: data.controlOf.get(od.inv.id)?.note ?? null,
    });
    const next = p.steps[0] ?? null;
    const customer = v.custs.find((c) => c.id === od.inv.customerId) ?? v.custs[0];
    return {
      invoiceId: od.inv.id, number: od.inv.number, billTo: od.inv.billTo, payerId: od.inv.payerId, customerName: customer?.name ?? null, currency: od.inv.currency,
      amountDue: toMoneyString(od.owed, od.inv.currency), dueDate: od.inv.dueDate, daysOverdue: v.daysOverdue, stage: latest.get(od.inv.id) ?? 'none',
      pausedUntil: v.pausedUntil, promiseToPayOn: v.promiseToPayOn,
      next: next ? { date: next.date, ruleCode: next.ruleCode, ruleVersion: next.ruleVersion, ruleName: next.ruleName, action: next.action, amount: next.amount ?? null, why: next.facts } : null,
      blockedBy: !next && p.stopped[0] ? p.stopped[0].reason : v.pausedWhy ?? v.recordExclusion ?? v.flagExclusion ?? null,
    };
  });
  return {
    today,
    aging: [...aging].map(([currency, m]) => ({ currency, buckets: AGING_BUCKETS.map((b) => ({ bucket: b, amount: toMoneyString(m.get(b)!.amount, currency), count: m.get(b)!.count })) })),
    stages: [...stageCounts].map(([stage, count]) => ({ stage, count })).sort((a, b) => b.count - a.count),
    recovery: [...perRule.values()].map((r) => ({
      ruleCode: r.ruleCode, action: r.action, invoices: r.invoices.size, paid: r.paid.size, rate: r.invoices.size ? Math.round((r.paid.size / r.invoices.size) * 1000) / 10 : 0,
      recovered: [...r.recovered].map(([currency, amount]) => ({ currency, amount: toMoneyString(amount, currency) })),
    })),
    escalations: acts.filter((a) => a.status === 'open').map(actionOut),
    overdueCount: overdue.length,
    invoices: rows,
  };
}
