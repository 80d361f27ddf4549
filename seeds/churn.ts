/**
 * Demo churn: registers the committed demo model (server/churn/models/telco: trained on the IBM
 * Telco customers, `npm run seed:telco` + `npm run churn:train`) for the demo tenant and scores its
 * subscribers as of today, so the dashboard widget, the customer tab and churn rules have real
 * scores on first start, without Python. Money features are ratios to the tenant's own median
 * run-rate (server/churn/features.ts), so a USD-trained model reads KRW customers on their own
 * scale. Idempotent: a tenant that has any churn model keeps it (scoring again the same day
 * replaces that day's scores, never adds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import type { Ctx } from '../server/lib/context';
import { churnModels } from '../server/db/schema';
import { registerModel } from '../server/churn/models';
import { scoreNow } from '../server/churn/service';

const DIR = fileURLToPath(new URL('../server/churn/models/telco/', import.meta.url));

export async function seedChurn(ctx: Ctx) {
  const [{ n }] = await ctx.db.select({ n: count() }).from(churnModels).where(eq(churnModels.tenantId, ctx.tenantId));
  if (n > 0) return;
  await registerModel(ctx, {
    onnx: readFileSync(DIR + 'churn.onnx'), segmentsOnnx: readFileSync(DIR + 'segments.onnx'),
    trees: JSON.parse(readFileSync(DIR + 'trees.json', 'utf8')), card: JSON.parse(readFileSync(DIR + 'model-card.json', 'utf8')),
    activate: true, note: 'Demo model trained on the IBM Telco customers (seeds/churn.ts)',
  });
  await scoreNow(ctx, {});
}
