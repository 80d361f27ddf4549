/**
 * Demo analytics history (idempotent): 36 more customers who joined over the last 12 months,
 * with upgrades, seat changes, downgrades, cancellations and come-backs, all through the
 * subscription services (so MRR movements are written as in production), and 90 payments spread
 * over those months, methods and hours, a tenth of them declined. Makes every dashboard chart
 * (waterfall, trend, cohorts, method mix, heatmap) meaningful on first start.
 */
import { and, eq } from 'drizzle-orm';
import { customers } from '../server/db/schema';
import type { Ctx } from '../server/lib/context';
import { addDays, addInterval, maxDate } from '../server/lib/dates';
import { DEMO_CATALOG_FROM } from './catalog';
import { createCustomer } from '../server/customers/customers';
import { CustomerCreateIn } from '../server/customers/schemas';
import { withCheckDigit } from '../server/customers/brn';
import { createOrder, transitionOrder } from '../server/subscriptions/orders';
import { cancelSubscription, changePlan, setQuantities } from '../server/subscriptions/subscriptions';
import { recordPayment } from '../server/payments/record-payment';
import { PaymentIn } from '../server/payments/schemas';
import { tenantToday } from '../server/tenants/tenant-settings';

const N = 36;
const pad = (i: number) => String(i + 1).padStart(3, '0');

export async function seedAnalyticsHistory(ctx: Ctx): Promise<void> {
  const [done] = await ctx.db.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.externalId, 'HIST-001')));
  if (done) return;
  const today = await tenantToday(ctx.db, ctx);
  const monthStart = (back: number) => addInterval(`${today.slice(0, 7)}-01`, 'month', -back);
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try { await fn(); } catch (e) { console.warn(`[seed] analytics history: ${what} skipped: ${(e as Error).message}`); }
  };
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({
      externalId: `HIST-${pad(i)}`, type: i % 4 === 0 ? 'individual' : 'corporate', name: `분석 데모 고객 ${i + 1}`,
      ...(i % 4 === 0 ? {} : { businessRegNo: withCheckDigit(`7${String(10 + i).padStart(2, '0')}81${String(1000 + i * 37).slice(-4)}`) }),
      country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW', segment: ['smb', 'mid', 'enterprise'][i % 3],
    }) });
    ids.push(c.id);
    // Never before the demo plans take effect (a test's frozen clock may put "12 months ago" before them).
    const start = maxDate(addDays(monthStart(12 - (i % 12)), (i * 3) % 25), DEMO_CATALOG_FROM);
    const plan = i % 9 === 0 ? 'standard-annual' : i % 3 === 0 ? 'standard' : 'basic';
    const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: plan, quantities: { seats: String(2 + (i % 6)) } }] } });
    const order = await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
    const sub = order.subscriptionIds?.[0];
    if (!sub) continue;
    const at = (months: number) => addInterval(start, 'month', months);
    const past = (d: string) => d < today;
    if (i % 5 === 1 && plan === 'basic' && past(at(3))) await step('upgrade', () => changePlan({ ctx, id: sub, input: { planCode: 'standard', effectiveDate: at(3) } }));
    if (i % 7 === 2 && past(at(2))) await step('more seats', () => setQuantities({ ctx, id: sub, input: { quantities: { seats: String(6 + (i % 6)) }, effectiveDate: at(2) } }));
    if (i % 8 === 3 && past(at(4))) await step('fewer seats', () => setQuantities({ ctx, id: sub, input: { quantities: { seats: '1' }, effectiveDate: at(4) } }));
    if (i % 6 === 4 && past(at(5))) {
      await step('cancel', () => cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false, effectiveDate: at(5) } }));
      if (past(at(7))) await step('come back', async () => {
        const again = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: 'basic', quantities: { seats: '2' } }] } });
        await transitionOrder({ ctx, id: again.id, input: { status: 'completed', billingStartDate: at(7) } });
      });
    }
  }
  // Payments: months, methods, hours and days of month spread; every ninth declined.
  for (let i = 0; i < 90; i++) {
    const receivedOn = addDays(monthStart(11 - (i % 12)), (i * 7) % 27);
    if (receivedOn > today) continue;
    const failed = i % 9 === 0;
    const hour = [9, 10, 11, 14, 15, 16, 20, 2][i % 8];
    const at = new Date(`${receivedOn}T${String(hour).padStart(2, '0')}:${String((i * 13) % 60).padStart(2, '0')}:00+09:00`);
    const pctx: Ctx = { ...ctx, now: () => at };
    await step('payment', () => recordPayment({ ctx: pctx, input: PaymentIn.parse({
      billTo: ids[i % N], method: failed ? 'card' : (['card', 'bank_transfer', 'virtual_account', 'card', 'bank_transfer'] as const)[i % 5],
      amount: String(30000 + ((i * 7919) % 90) * 1000), currency: 'KRW', receivedOn,
      ...(failed ? { status: 'failed', declineCode: ['insufficient_funds', 'card_declined', 'expired_card'][i % 3] } : {}),
    }) }));
  }
}
