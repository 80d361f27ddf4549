/**
 * Realised against predicted churn, by month: for each month, the customers who were subscribers
 * on its first day and had a score then (their latest score dated in the 31 days up to and
 * including the 1st, of whichever model scored them: what was predicted at the time), by the band
 * of that score, against those who actually churned in the month.
 *
 * "Churned in the month" is the training label (`churnLabels` in features.ts) with the month as
 * its horizon: none of the customer's subscriptions runs on the first day of the next month. So
 * the chart reads the same definition the model was trained to predict. A month that has not
 * ended yet is `complete: false` (churn so far).
 *
 * Per band: precision = churned ÷ scored in the band (the band's realised rate), recall = churned
 * in the band ÷ all churned; calibration = the mean predicted probability against that rate, and
 * per month the expected churners (Σ probability) against the realised count.
 */
import { sql } from 'drizzle-orm';
import { assertPermission, q, type Ctx } from '../lib/context';
import { addInterval, daysBetween } from '../lib/dates';
import { monthRange } from '../analytics/filters';
import { churnLabels } from './features';

const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
const BANDS = ['high', 'medium', 'low'] as const;
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1e4) / 1e4 : null);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export async function realisedByMonth(ctx: Ctx, query: { from?: string; to?: string }) {
  assertPermission(ctx, 'analytics:read');
  const db = q(ctx);
  const range = await monthRange(ctx, query, 36);
  const months = [];
  for (const month of range.months) {
    const start = `${month}-01`;
    const end = addInterval(start, 'month', 1);
    const scores = rowsOf<{ customerId: string; probability: number; band: (typeof BANDS)[number]; modelVersion: number }>(await db.execute(sql`
      select distinct on (s.customer_id) s.customer_id as "customerId", s.probability, s.band, s.model_version as "modelVersion"
      from churn_scores s
      where s.tenant_id = ${ctx.tenantId} and s.as_of <= ${start}::date and s.as_of > ${start}::date - 31
      order by s.customer_id, s.as_of desc, s.scored_at desc`));
    // Subscribers on the 1st (the label's population), 1 when none of their subscriptions runs on the 1st of the next month.
    const labels = await churnLabels(db, ctx.tenantId, start, daysBetween(start, end));
    const bands = new Map(BANDS.map((b) => [b, { customers: 0, churned: 0, probability: 0 }]));
    const versions = new Set<number>();
    let scored = 0;
    let churned = 0;
    let expected = 0;
    for (const s of scores) {
      const label = labels.get(s.customerId);
      if (label === undefined) continue; // no longer a subscriber on the 1st: the previous month's churn
      const b = bands.get(s.band)!;
      const p = Number(s.probability);
      b.customers++; b.churned += label; b.probability += p;
      scored++; churned += label; expected += p;
      versions.add(Number(s.modelVersion));
    }
    const scoredIds = new Set(scores.map((s) => s.customerId));
    const unscoredChurned = [...labels].filter(([id, l]) => l === 1 && !scoredIds.has(id)).length;
    months.push({
      month, complete: end <= range.today, subscribers: labels.size, scored, churned, expected: round(expected, 2),
      unscored: labels.size - scored, unscoredChurned, modelVersions: [...versions].sort((a, b) => a - b),
      bands: BANDS.map((band) => {
        const b = bands.get(band)!;
        return { band, customers: b.customers, churned: b.churned, precision: ratio(b.churned, b.customers), recall: ratio(b.churned, churned),
          avgProbability: b.customers ? round(b.probability / b.customers) : null };
      }),
    });
  }
  return { from: range.from, to: range.to, months };
}
