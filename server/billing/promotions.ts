/**
 * Promotion budgets and redemption limits for a chunk of a bill run: the one promotion-usage query
 * (loadPromotionUsage, server/promotions/ledger.ts) for all the chunk's customers at once, then
 * kept up to date in memory, so a customer rated later in the chunk sees what the earlier ones consumed (a budget of 15.00 stops applying exactly when it is used up).
 *
 * A redemption is one invoice: a payer's invoice covering several customers counts once per rule
 * (the ledger is unique per rule and invoice), attributed to the first customer that redeemed it.
 */
import type { DbOrTx } from '../db/client';
import { Decimal } from '../lib/money';
import { limitedRules, loadPromotionUsage } from '../promotions/ledger';
import type { PromotionUsageEntry, RuleDoc } from '../rating/types';
import type { PromotionState } from './rate-payer';

export { limitedRules };

interface RuleState { remaining: Decimal | null; redemptions: number; invoices: Set<string> }

export class PromotionBook implements PromotionState {
  private constructor(private rules: Map<string, RuleState>, private perCustomer: Map<string, Map<string, number>>) {}

  /** Usage of `rules` (the limited ones) before this chunk, for `customerIds`. Null when no rule is limited. */
  static async load(db: DbOrTx, tenantId: string, rules: readonly RuleDoc[], customerIds: readonly string[]): Promise<PromotionBook | null> {
    if (!limitedRules(rules).length) return null;
    const usage = await loadPromotionUsage(db, tenantId, rules, customerIds);
    const state = new Map<string, RuleState>(usage.rules.map((u) => [u.rule, { remaining: u.remaining, redemptions: u.redemptions, invoices: new Set<string>() }]));
    return new PromotionBook(state, usage.perCustomer);
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
