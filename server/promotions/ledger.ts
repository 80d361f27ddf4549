import { and, eq, inArray, sql } from 'drizzle-orm';
import { couponCodes, ruleRedemptions } from '../db/schema';
import type { DbOrTx, Tx } from '../db/client';
import { Decimal } from '../lib/money';
import type { RuleDoc } from '../rules/schema';
import type { PromotionUsageEntry } from '../rating/types';

/** Rules whose use is limited by budgets or redemption counts. */
export const limitedRules = (rules: readonly RuleDoc[]) => rules.filter((r) => r.kind === 'coupon' || r.kind === 'promotion');

/** What one limited rule has consumed so far: budget left (null: no budget) and redemptions over all customers. */
export interface RuleUsage { rule: string; remaining: Decimal | null; redemptions: number }

/**
 * THE promotion-usage query: for each limited rule, the budget left and the redemptions over all
 * customers, and per customer in `customerIds` how many invoices redeemed it. Bill runs load it
 * once per chunk (server/billing/promotions.ts); a single rating asks for one customer.
 */
export async function loadPromotionUsage(db: DbOrTx, tenantId: string, rules: readonly RuleDoc[], customerIds: readonly string[]): Promise<{
  rules: RuleUsage[]; perCustomer: Map<string, Map<string, number>>;
}> {
  const limited = limitedRules(rules);
  if (!limited.length) return { rules: [], perCustomer: new Map() };
  const codes = limited.map((r) => r.id);
  const where = and(eq(ruleRedemptions.tenantId, tenantId), inArray(ruleRedemptions.ruleCode, codes));
  const [totals, mine] = await Promise.all([
    db.select({ rule: ruleRedemptions.ruleCode, amount: sql<string>`coalesce(sum(${ruleRedemptions.amount}), 0)::text`, n: sql<number>`count(*)::int` })
      .from(ruleRedemptions).where(where).groupBy(ruleRedemptions.ruleCode),
    customerIds.length
      ? db.select({ rule: ruleRedemptions.ruleCode, customerId: ruleRedemptions.customerId, n: sql<number>`count(*)::int` })
        .from(ruleRedemptions).where(and(where, inArray(ruleRedemptions.customerId, [...customerIds]))).groupBy(ruleRedemptions.ruleCode, ruleRedemptions.customerId)
      : Promise.resolve([]),
  ]);
  const used = new Map(totals.map((t) => [t.rule, t]));
  const out = limited.map((r): RuleUsage => {
    const u = used.get(r.id);
    const budget = (r.event.params as { budget?: string }).budget;
    return { rule: r.id, remaining: budget === undefined ? null : Decimal.max(0, new Decimal(budget).minus(u?.amount ?? 0)), redemptions: Number(u?.n ?? 0) };
  });
  const perCustomer = new Map<string, Map<string, number>>();
  for (const m of mine) {
    const c = perCustomer.get(m.customerId) ?? new Map<string, number>();
    c.set(m.rule, Number(m.n));
    perCustomer.set(m.customerId, c);
  }
  return { rules: out, perCustomer };
}

/**
 * What each coupon and promotion has consumed before this invoice, in the shape rate() takes:
 * remaining budget, redemptions over all customers, and this customer's redemptions.
 */
export async function promotionUsageFor(db: DbOrTx, tenantId: string, rules: readonly RuleDoc[], customerId: string | null): Promise<Record<string, PromotionUsageEntry>> {
  const usage = await loadPromotionUsage(db, tenantId, rules, customerId ? [customerId] : []);
  const mine = customerId ? usage.perCustomer.get(customerId) : undefined;
  const out: Record<string, PromotionUsageEntry> = {};
  for (const u of usage.rules) {
    out[u.rule] = { remainingBudget: u.remaining === null ? null : u.remaining.toString(), redemptions: u.redemptions, customerRedemptions: mine?.get(u.rule) ?? 0 };
  }
  return out;
}

/**
 * Records what an invoice's promotions and coupons gave away (idempotent per rule and invoice),
 * and counts the use of each generated coupon code that was presented.
 */
export async function recordRedemptions(tx: Tx, input: {
  tenantId: string; invoiceId: string; customerId: string; currency: string; periodStart: string;
  redemptions: readonly { rule: string; amount: string }[]; presentedCodes?: ReadonlyMap<string, string>;
}) {
  if (!input.redemptions.length) return 0;
  const inserted = await tx.insert(ruleRedemptions).values(input.redemptions.map((r) => ({
    tenantId: input.tenantId, ruleCode: r.rule, customerId: input.customerId, invoiceId: input.invoiceId,
    couponCode: input.presentedCodes?.get(r.rule) ?? null, amount: r.amount, currency: input.currency, periodStart: input.periodStart,
  }))).onConflictDoNothing().returning({ rule: ruleRedemptions.ruleCode, code: ruleRedemptions.couponCode });
  const used = inserted.map((r) => r.code).filter((c): c is string => !!c);
  if (used.length) {
    await tx.update(couponCodes).set({ redeemed: sql`${couponCodes.redeemed} + 1` })
      .where(and(eq(couponCodes.tenantId, input.tenantId), inArray(couponCodes.code, used)));
  }
  return inserted.length;
}

/**
 * Gives back what a voided invoice consumed: its ledger rows go (so budgets and redemption
 * counts no longer include them) and each generated code it used has one use returned. Runs in
 * the void's transaction; returns the rows removed, for the audit entry.
 */
export async function reverseRedemptions(tx: Tx, tenantId: string, invoiceId: string) {
  const removed = await tx.delete(ruleRedemptions)
    .where(and(eq(ruleRedemptions.tenantId, tenantId), eq(ruleRedemptions.invoiceId, invoiceId)))
    .returning({ rule: ruleRedemptions.ruleCode, couponCode: ruleRedemptions.couponCode, amount: ruleRedemptions.amount, customerId: ruleRedemptions.customerId });
  for (const r of removed) {
    if (!r.couponCode) continue;
    await tx.update(couponCodes).set({ redeemed: sql`greatest(${couponCodes.redeemed} - 1, 0)` })
      .where(and(eq(couponCodes.tenantId, tenantId), eq(couponCodes.code, r.couponCode)));
  }
  return removed;
}
