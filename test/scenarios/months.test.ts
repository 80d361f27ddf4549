/**
 * Four months of billing with a moving clock (tenant in America/New_York, USD, half_up), driven
 * through the services as the API would (customers, meter and usage events included): signup mid-month (proration), a trial, an upgrade
 * mid-period (two segments), a downgrade at period end, a pause, cancellations, usage including
 * a late event after its period was invoiced, a bill run each month, and finalized invoices.
 * Every expected amount is worked out by hand next to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { invoices } from '../../server/db/schema';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createMeter } from '../../server/metering/meters';
import { MeterCreateIn } from '../../server/metering/schemas';
import { ingestEvents } from '../../server/metering/ingest';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { cancelSubscription, changePlan, getSubscription, pauseSubscription, resumeSubscription } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';

let t: TestApp;
let clock = new Date('2025-03-01T15:00:00Z');
let ctx: Ctx;
let tenantId: string;
const ids: Record<string, string> = {};
const setDay = (iso: string) => { clock = new Date(`${iso}T17:00:00Z`); }; // 13:00 in New York

const flat = (code: string, amount: string, extra: Record<string, unknown> = {}) => ({
  code, name: code, currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }], ...extra,
});
const plans = [
  flat('sc-basic', '31.00'),
  flat('sc-starter', '30.00', { trialDays: 14 }),
  flat('sc-lite', '10.00'),
  { ...flat('sc-pro', '62.00'), components: [
    { code: 'base', type: 'flat', amount: '62.00' },
    { code: 'calls', type: 'usage', meter: 'sc_calls', pricing: { model: 'graduated', tiers: [{ upTo: '100', unitAmount: '0' }, { upTo: null, unitAmount: '0.10' }] } },
  ] },
];
const rules = [{
  id: 'sc-vat', name: 'VAT 10%', kind: 'tax', priority: 1,
  conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] },
  event: { type: 'tax', params: { rate: '10', name: 'VAT' } },
}];

let eventSeq = 0;
/** Sends `n` events through the ingest service as a client would, with the clock at their arrival (`receivedAt`, default `at`). */
async function events(customer: string, n: number, at: string, receivedAt?: string) {
  const today = clock;
  clock = new Date(receivedAt ?? at);
  try {
    const r = await ingestEvents({ ctx, events: Array.from({ length: n }, () => ({ id: `ev-${++eventSeq}`, customer, meter: 'sc_calls', timestamp: at, properties: {} })) });
    expect(r).toMatchObject({ accepted: n, rejected: 0 });
  } finally {
    clock = today;
  }
}

async function subscribe(customer: string, planCode: string, start: string) {
  const o = await createOrder({ ctx, input: { customerId: ids[customer], items: [{ planCode }] } });
  const done = await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
  return done.subscriptionIds[0];
}

async function billMonth(periodStart: string) {
  const run = await runBillRunNow({ ctx, input: { periodStart } });
  expect(run.status).toBe('completed');
  const list = await listInvoices({ ctx, query: { periodStart, limit: 50, offset: 0 } });
  const byCustomer: Record<string, { total: string; subtotal: string; taxTotal: string; id: string }> = {};
  for (const inv of list.data) {
    const name = Object.keys(ids).find((k) => ids[k] === inv.billTo)!;
    byCustomer[name] = { total: inv.total, subtotal: inv.subtotal, taxTotal: inv.taxTotal, id: inv.id };
  }
  return { run, byCustomer };
}

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  tenantId = (await t.otherTenant('months')).tenantId;
  ctx = systemCtx(t.handle.db, tenantId, PERMISSION_CODES, () => clock);
  await importDocuments({ ctx, plans, rules, effectiveFrom: '2025-01-01' });
  clock = new Date('2025-01-01T00:00:00Z'); // the customers sign up on New Year's Day
  for (const [name, type] of [['alpha', 'corporate'], ['bravo', 'individual']] as const) {
    ids[name] = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: name, type, name, country: 'US', timezone: 'America/New_York', currency: 'USD' }) })).id;
  }
  await createMeter({ ctx, input: MeterCreateIn.parse({ code: 'sc_calls', name: 'API calls', aggregation: 'count' }) });
  clock = new Date('2025-03-01T15:00:00Z');
}, 180_000); // a loaded CI machine needs more than a minute to build the world through the services
afterAll(async () => { await t?.close(); });

describe('four months of billing', () => {
  it('March: signup on the 10th is prorated; a 14-day trial is not billed', async () => {
    setDay('2025-03-10');
    ids.alphaSub = await subscribe('alpha', 'sc-basic', '2025-03-10');
    setDay('2025-03-01');
    ids.bravoSub = await subscribe('bravo', 'sc-starter', '2025-03-01');
    expect((await getSubscription({ ctx, id: ids.bravoSub })).status).toBe('trial');

    setDay('2025-04-01');
    const { run, byCustomer } = await billMonth('2025-03-01');
    expect(run.progress).toMatchObject({ totalPayers: 2, processedPayers: 2 });
    // alpha: 31.00 × 22/31 (Mar 10..31) = 22.00; VAT 10% = 2.20 → 24.20
    expect(byCustomer.alpha).toMatchObject({ subtotal: '22.00', taxTotal: '2.20', total: '24.20' });
    // bravo: trial Mar 1..14, billable Mar 15..31 = 17 days: 30 × 17/31 = 16.4516 → 16.45; VAT 1.645 → 1.65 → 18.10
    expect(byCustomer.bravo).toMatchObject({ subtotal: '16.45', taxTotal: '1.65', total: '18.10' });
  });

  it('April: an upgrade on the 16th bills two segments; usage is priced on the new plan only', async () => {
    setDay('2025-04-16');
    const up = await changePlan({ ctx, id: ids.alphaSub, input: { planCode: 'sc-pro' } });
    expect(up.phases.map((p) => [p.planCode, p.startDate, p.endDate])).toEqual([['sc-basic', '2025-03-10', '2025-04-16'], ['sc-pro', '2025-04-16', null]]);
    setDay('2025-04-20');
    // Downgrade starter (30) → lite (10): lower price, so it waits for the period end (May 1).
    const down = await changePlan({ ctx, id: ids.bravoSub, input: { planCode: 'sc-lite' } });
    expect(down.planCode).toBe('sc-starter');
    expect(down.scheduledChange).toMatchObject({ planCode: 'sc-lite', effectiveDate: '2025-05-01' });
    await events('alpha', 30, '2025-04-05T16:00:00Z'); // basic segment: basic has no usage component
    await events('alpha', 150, '2025-04-20T16:00:00Z'); // pro segment: 100 free + 50 × 0.10 = 5.00

    setDay('2025-05-01');
    const { byCustomer } = await billMonth('2025-04-01');
    // alpha: basic Apr 1..16 = 15/30 × 31 = 15.50; pro Apr 16..May 1 = 15/30 × 62 = 31.00; calls 5.00
    //        subtotal 51.50, VAT 5.15, total 56.65
    expect(byCustomer.alpha).toMatchObject({ subtotal: '51.50', taxTotal: '5.15', total: '56.65' });
    // bravo: starter the whole month (trial over) 30.00 + VAT 3.00
    expect(byCustomer.bravo).toMatchObject({ subtotal: '30.00', taxTotal: '3.00', total: '33.00' });
    const inv = await getInvoice({ ctx, id: byCustomer.alpha.id });
    expect(inv.bills).toHaveLength(1);
    expect((inv.bills[0].segments as any[]).map((s) => s.planCode)).toEqual(['sc-basic', 'sc-pro']);
    expect((inv.lines as any[]).find((l) => l.kind === 'tax')).toMatchObject({ rule: 'sc-vat', amount: '5.15' });
  });

  it('May: a pause skips its days; a late April event arrives after April was billed and is carried into May', async () => {
    setDay('2025-05-05');
    await events('alpha', 20, '2025-04-25T16:00:00Z', '2025-05-05T16:00:00Z'); // late: April already billed on May 1
    setDay('2025-05-11');
    await pauseSubscription({ ctx, id: ids.alphaSub, input: {} });
    expect((await getSubscription({ ctx, id: ids.alphaSub })).status).toBe('paused');
    setDay('2025-05-20');
    await cancelSubscription({ ctx, id: ids.bravoSub, input: { atPeriodEnd: true } });
    setDay('2025-05-21');
    await resumeSubscription({ ctx, id: ids.alphaSub, input: {} });
    await events('alpha', 90, '2025-05-25T16:00:00Z');

    setDay('2025-06-01');
    const { byCustomer } = await billMonth('2025-05-01');
    // alpha: pro May 1..11 = 10/31 × 62 = 20.00; May 21..Jun 1 = 11/31 × 62 = 22.00;
    //        calls in the last segment 90 + 20 late = 110 → 10 × 0.10 = 1.00 (without the late ones: 0)
    //        subtotal 43.00, VAT 4.30, total 47.30
    expect(byCustomer.alpha).toMatchObject({ subtotal: '43.00', taxTotal: '4.30', total: '47.30' });
    // bravo: the downgrade took effect May 1: lite 10.00 + VAT 1.00
    expect(byCustomer.bravo).toMatchObject({ subtotal: '10.00', total: '11.00' });
    const inv = await getInvoice({ ctx, id: byCustomer.alpha.id });
    expect((inv.bills[0].segments as any[]).at(-1).lateUsage).toEqual({ sc_calls: { events: 20, sum: '0' } });
  });

  it('June: cancelled now on the 11th is prorated; the cancelled-at-period-end subscription is not billed', async () => {
    setDay('2025-06-11');
    await cancelSubscription({ ctx, id: ids.alphaSub, input: { atPeriodEnd: false } });
    expect((await getSubscription({ ctx, id: ids.bravoSub })).status).toBe('cancelled');
    setDay('2025-07-01');
    const { run, byCustomer } = await billMonth('2025-06-01');
    expect(run.progress.totalPayers).toBe(1);
    // alpha: 62 × 10/30 = 20.666… → 20.67; VAT 2.067 → 2.07; total 22.74
    expect(byCustomer.alpha).toMatchObject({ subtotal: '20.67', taxTotal: '2.07', total: '22.74' });
    expect(byCustomer.bravo).toBeUndefined();
  });

  it('finalizing numbers the invoices gaplessly in order', async () => {
    setDay('2025-07-02');
    const all = await t.handle.db.select().from(invoices).where(eq(invoices.tenantId, tenantId));
    expect(all).toHaveLength(7);
    const numbers = [];
    for (const inv of all.sort((a, b) => a.periodStart.localeCompare(b.periodStart) || a.total.localeCompare(b.total))) {
      numbers.push((await finalizeInvoice({ ctx, id: inv.id })).number);
    }
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `INV-202507-${String(n).padStart(6, '0')}`));
  });
});
