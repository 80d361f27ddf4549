/**
 * Promotion budgets and redemption limits for a chunk of a bill run: what promotionUsageFor
 * (server/promotions/ledger.ts) gives for one customer, loaded for all the chunk's customers in two
 * queries and then kept up to date in memory, so a customer rated later in the chunk sees what the
 * earlier ones consumed (a budget of 15.00 stops applying exactly when it is used up).
 *
 * A redemption is one invoice: a payer's invoice covering several customers counts once per rule
 * (the ledger is unique per rule and invoice), attributed to the first customer that redeemed it.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { ruleRedemptions } from '../db/schema';
import { Decimal } from '../lib/money';
import type { PromotionUsageEntry, RuleDoc } from '../rating/types';
import type { PromotionState } from './rate-payer';

/** Rules whose use is limited by budgets or redemption counts. */
export const limitedRules = (rules: readonly RuleDoc[]) => rules.filter((r) => r.kind === 'coupon' || r.kind === 'promotion');

interface RuleState { remaining: Decimal | null; redemptions: number; invoices: Set<string> }

export class PromotionBook implements PromotionState {
  private constructor(private rules: Map<string, RuleState>, private perCustomer: Map<string, Map<string, number>>) {}

  /** Usage of `rules` (the limited ones) before this chunk, for `customerIds`. Null when no rule is limited. */
  static async load(db: DbOrTx, tenantId: string, rules: readonly RuleDoc[], customerIds: readonly string[]): Promise<PromotionBook | null> {
    const limited = limitedRules(rules);
    if (!limited.length) return null;
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
    const state = new Map<string, RuleState>();
    for (const r of limited) {
      const u = used.get(r.id);
      const budget = (r.event.params as { budget?: string }).budget;
      state.set(r.id, {
        remaining: budget === undefined ? null : Decimal.max(0, new Decimal(budget).minus(u?.amount ?? 0)),
        redemptions: Number(u?.n ?? 0), invoices: new Set(),
      });
    }
    const perCustomer = new Map<string, Map<string, number>>();
    for (const m of mine) {
      const c = perCustomer.get(m.customerId) ?? new Map<string, number>();
      c.set(m.rule, Number(m.n));
      perCustomer.set(m.customerId, c);
    }
    return new PromotionBook(state, perCustomer);
  }

  usageFor(customerId: string): Record<string, PromotionUsageEntry> {
    const out: Record<string, PromotionUsageEntry> = {};
    const mine = this.perCustomer.get(customerId);
    for (const [rule, s] of this.rules) {
      out[rule] = { remainingBudget: s.remaining === null ? null : s.remaining.toString(), redemptions: s.redemptions, customerRedemptions: mine?.get(rule) ?? 0 };
    }
    return out;
  }

  consume(customerId: string, invoiceKey: string, redemptions: readonly { rule: string; amount: string }[]) {
    for (const r of redemptions) {
      const s = this.rules.get(r.rule);
      if (!s) continue;
      if (s.remaining !== null) s.remaining = Decimal.max(0, s.remaining.minus(r.amount));
      if (s.invoices.has(invoiceKey)) continue; // one redemption per rule and invoice
      s.invoices.add(invoiceKey);
      s.redemptions++;
      const mine = this.perCustomer.get(customerId) ?? new Map<string, number>();
      mine.set(r.rule, (mine.get(r.rule) ?? 0) + 1);
      this.perCustomer.set(customerId, mine);
    }
  }
}
