import { and, eq, inArray, sql } from 'drizzle-orm';
import Decimal from 'decimal.js';
import { couponCodes, ruleRedemptions } from '../db/schema';
import type { DbOrTx, Tx } from '../db/client';
import type { RuleDoc } from '../rules/schema';
import type { PromotionUsageEntry } from '../rating/types';

const limited = (r: RuleDoc) => r.kind === 'coupon' || r.kind === 'promotion';

/**
 * What each coupon and promotion has consumed before this invoice, in the shape rate() takes:
 * remaining budget, redemptions over all customers, and this customer's redemptions.
 */
export async function promotionUsageFor(db: DbOrTx, tenantId: string, rules: readonly RuleDoc[], customerId: string | null): Promise<Record<string, PromotionUsageEntry>> {
  const codes = rules.filter(limited).map((r) => r.id);
  if (!codes.length) return {};
  const rows = await db.select({
    rule: ruleRedemptions.ruleCode,
    amount: sql<string>`coalesce(sum(${ruleRedemptions.amount}), 0)::text`,
    n: sql<number>`count(*)::int`,
    mine: customerId ? sql<number>`count(*) filter (where ${ruleRedemptions.customerId} = ${customerId})::int` : sql<number>`0`,
  }).from(ruleRedemptions)
    .where(and(eq(ruleRedemptions.tenantId, tenantId), inArray(ruleRedemptions.ruleCode, codes)))
    .groupBy(ruleRedemptions.ruleCode);
  const used = new Map(rows.map((r) => [r.rule, r]));
  const out: Record<string, PromotionUsageEntry> = {};
  for (const r of rules.filter(limited)) {
    const u = used.get(r.id);
    const budget = (r.event.params as { budget?: string }).budget;
    out[r.id] = {
      remainingBudget: budget === undefined ? null : Decimal.max(0, new Decimal(budget).minus(u?.amount ?? 0)).toString(),
      redemptions: Number(u?.n ?? 0),
      customerRedemptions: Number(u?.mine ?? 0),
    };
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
