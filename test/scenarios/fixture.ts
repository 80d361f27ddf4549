/** A small billing world in a fresh tenant, built through the services as the API would: plans, a VAT rule, a meter, N customers on plans. */
import type { Db } from '../../server/db/client';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createMeter } from '../../server/metering/meters';
import { MeterCreateIn } from '../../server/metering/schemas';

export const FIXTURE_PLANS = [
  { code: 'fx-basic', name: 'Basic', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '31.00' }] },
  { code: 'fx-seats', name: 'Seats', currency: 'USD', interval: 'month', intervalCount: 1, components: [
    { code: 'base', type: 'flat', amount: '10.00' },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '3.00' } }] },
];
export const FIXTURE_RULES = [{
  id: 'fx-vat', name: 'VAT 10%', kind: 'tax', priority: 1,
  conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] },
  event: { type: 'tax', params: { rate: '10', name: 'VAT' } },
}];

/** Creates `n` customers, each subscribed from `start` (alternating plans, signup days spread). */
export async function billingWorld(db: Db, tenantId: string, n: number, opts: { now?: () => Date; start?: string } = {}): Promise<{ ctx: Ctx; customerIds: string[] }> {
  const ctx = systemCtx(db, tenantId, PERMISSION_CODES, opts.now ?? (() => new Date('2025-03-01T12:00:00Z')));
  await importDocuments({ ctx, plans: FIXTURE_PLANS, rules: FIXTURE_RULES, effectiveFrom: '2025-01-01' });
  await createMeter({ ctx, input: MeterCreateIn.parse({ code: 'fx_calls', name: 'Calls', aggregation: 'count' }) });
  const customerIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: `fx-${i}`, type: 'corporate', name: `Customer ${i}`, country: 'US', timezone: 'UTC', currency: 'USD' }) });
    customerIds.push(c.id);
    const o = await createOrder({ ctx, input: { customerId: c.id, items: [i % 2 ? { planCode: 'fx-seats', quantities: { seats: String(1 + (i % 5)) } } : { planCode: 'fx-basic' }] } });
    await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: opts.start ?? `2025-03-${String(1 + (i % 28)).padStart(2, '0')}` } });
  }
  return { ctx, customerIds };
}
