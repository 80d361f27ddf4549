/**
 * Demo churn: registers the committed demo model (server/churn/models/telco: trained on the IBM
 * Telco customers, `npm run seed:telco` + `npm run churn:train`) for the demo tenant and scores its
 * subscribers as of today, so the dashboard widget, the customer tab and churn rules have real
 * scores on first start, without Python. Money features are ratios to the tenant's own median
 * run-rate (server/churn/features.ts), so a USD-trained model reads KRW customers on their own
 * scale.
 *
 * It also scores the first day of each of the last 12 months, as the nightly job would have on
 * those days (features as of that date, scored at 02:30 Seoul time), so the churn model page's
 * realised-against-predicted chart (server/churn/realised.ts: a month reads the scores of the 31
 * days up to its 1st) has months to show on a fresh start.
 *
 * Idempotent: a tenant that has a churn model keeps it; the past months are scored only when the
 * tenant has no score dated before this month (scoring a date again replaces, never adds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { count, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../server/lib/context';
import { churnModels } from '../server/db/schema';
import { activeModel, registerModel } from '../server/churn/models';
import { scoreCustomers } from '../server/churn/score';
import { scoreNow } from '../server/churn/service';
import { tenantToday } from '../server/tenants/tenant-settings';
import { addInterval } from '../server/lib/dates';

const DIR = fileURLToPath(new URL('../server/churn/models/telco/', import.meta.url));
const PAST_MONTHS = 12;

export async function seedChurn(ctx: Ctx) {
  const [{ n }] = await ctx.db.select({ n: count() }).from(churnModels).where(eq(churnModels.tenantId, ctx.tenantId));
  if (Number(n) === 0) {
    await registerModel(ctx, {
      onnx: readFileSync(DIR + 'churn.onnx'), segmentsOnnx: readFileSync(DIR + 'segments.onnx'),
      trees: JSON.parse(readFileSync(DIR + 'trees.json', 'utf8')), card: JSON.parse(readFileSync(DIR + 'model-card.json', 'utf8')),
      activate: true, note: 'Demo model trained on the IBM Telco customers (seeds/churn.ts)',
    });
    await scoreNow(ctx, {});
  }
  await scorePastMonths(ctx);
}

/** The nightly job's scores on the 1st of each of the last PAST_MONTHS months (none before the first subscription). */
async function scorePastMonths(ctx: Ctx) {
  const model = await activeModel(ctx.db, ctx.tenantId);
  if (!model) return;
  const thisMonth = `${(await tenantToday(ctx.db, ctx)).slice(0, 7)}-01`;
  const res = await ctx.db.execute(sql`select
    exists (select 1 from churn_scores where tenant_id = ${ctx.tenantId} and as_of < ${thisMonth}::date) as "had",
    (select min(start_date)::text from subscriptions where tenant_id = ${ctx.tenantId}) as "firstStart"`);
  const [{ had, firstStart }] = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Array<{ had: boolean; firstStart: string | null }>;
  if (had || !firstStart) return;
  for (let back = PAST_MONTHS; back >= 1; back--) {
    const asOf = addInterval(thisMonth, 'month', -back);
    if (asOf <= firstStart) continue;
    await scoreCustomers(ctx.db, ctx.tenantId, model, asOf, { store: true, now: new Date(`${asOf}T02:30:00+09:00`) });
  }
}
