/**
 * Yearly plans billed in advance on their anniversary (server/billing/anniversary-renewal.ts, README
 * "Yearly plans"), with a frozen, moving clock through the API and the monthly bill runs:
 * 1. a change made BEFORE the anniversary month's run and dated inside that month splits the renewal:
 *    the old plan for its days, the new plan from the change to the end of that year, each prorated
 *    over the year, each line with its service period (so a later cancel credits exactly the new
 *    plan's unused days); a change dated on the anniversary day itself bills the new plan for the
 *    whole year and nothing of the old one;
 * 2. the credit of a mid-year change covers only what the anniversary bill charged in advance, never
 *    the usage lines of that month on the same bill (usage is billed in arrears for its own month),
 *    also for bills stored before anniversary lines carried their service period.
 * Amounts worked by hand (USD, half_up). June 1, 2026 – June 1, 2027 is 365 days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createMeter } from '../../server/metering/meters';
import { MeterCreateIn } from '../../server/metering/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { cancelSubscription, changePlan } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';
import { addInterval } from '../../server/lib/dates';

let t: TestApp;
let key: string;
let clock = new Date('2025-06-01T15:00:00Z');
let ctx: Ctx;
const setDay = (iso: string) => { clock = new Date(`${iso}T15:00:00Z`); };

const calls = { code: 'calls', name: 'Calls', type: 'usage', meter: 'ya_calls', pricing: { model: 'standard', unitAmount: '0.10' } };
const yearly = (code: string, base: string, seat: string, usage = false) => ({ code, name: code, currency: 'USD', interval: 'year', intervalCount: 1, components: [
  { code: 'base', name: 'Base', type: 'flat', amount: base },
  { code: 'seats', name: 'Seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: seat } },
  ...(usage ? [calls] : []),
] });

async function customer(externalId: string) {
  return (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId, type: 'corporate', name: externalId, country: 'US', timezone: 'UTC', currency: 'USD' }) })).id;
}
async function subscribe(customerId: string, planCode: string, start: string, quantities: Record<string, string>) {
  const o = await createOrder({ ctx, input: { customerId, items: [{ planCode, quantities }] } });
  return (await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } })).subscriptionIds[0];
}

type Line = { kind: string; component?: string; planCode?: string; amount: string; detail?: { servicePeriod?: { start: string; end: string } } };
/** The bill run of the month starting on `periodStart`, run on the 1st after it; the payer's invoices of that period (finalized). */
async function billMonth(periodStart: string, billTo: string) {
  setDay(addInterval(periodStart, 'month', 1));
  const run = await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
  expect(run.status).toBe('completed');
  const list = await listInvoices({ ctx, query: { periodStart, billTo, limit: 10, offset: 0 } });
  const out = [];
  for (const i of list.data) {
    if (i.status === 'draft') await finalizeInvoice({ ctx, id: i.id });
    out.push(await getInvoice({ ctx, id: i.id }));
  }
  return out;
}
const charged = (inv: { lines: unknown }) => (inv.lines as Line[]).filter((l) => l.kind === 'charge')
  .map((l) => `${l.planCode} ${l.component} ${l.amount} ${l.detail?.servicePeriod ? `${l.detail.servicePeriod.start}..${l.detail.servicePeriod.end}` : 'month'}`);
const credits = async (invoiceId: string) => ((await getInvoice({ ctx, id: invoiceId })).creditNotes as { amount: string; lines: { description: string; amount: string }[] }[])
  .map((c) => [c.amount, c.lines.map((l) => `${l.description} = ${l.amount}`)]);
const totals = async (periodStart: string, billTo: string) => (await listInvoices({ ctx, query: { periodStart, billTo, limit: 10, offset: 0 } })).data.map((i) => i.total);

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  const other = await t.otherTenant('yearly-anniversary');
  key = other.key;
  ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES, () => clock);
  await createMeter({ ctx, input: MeterCreateIn.parse({ code: 'ya_calls', name: 'Calls', aggregation: 'count' }) });
  await importDocuments({ ctx, plans: [yearly('ya-a', '1200.00', '100.00'), yearly('ya-b', '2400.00', '150.00'), yearly('ya-u', '1200.00', '100.00', true), yearly('ya-ub', '2400.00', '150.00', true)], rules: [], effectiveFrom: '2025-01-01' });
}, 180_000);
afterAll(async () => { await t?.close(); });

describe('a yearly plan changed before its anniversary month\'s run, dated inside that month', () => {
  it('the renewal bills A for June 1–9 and B from June 10 to the end of that year, once; a later cancel credits B\'s unused days only', async () => {
    setDay('2025-06-01');
    const acme = await customer('acme');
    const sub = await subscribe(acme, 'ya-a', '2025-06-01', { seats: '2' });
    const [first] = await billMonth('2025-06-01', acme);
    expect(charged(first)).toEqual(['ya-a base 1200.00 2025-06-01..2026-06-01', 'ya-a seats 200.00 2025-06-01..2026-06-01']);

    // June 3, 2026, before the June run: to B from June 10 (an explicit date), through the API.
    setDay('2026-06-03');
    const r = await t.call('POST', `/api/v1/subscriptions/${sub}/change-plan`, { key, body: { planCode: 'ya-b', effectiveDate: '2026-06-10' }, headers: { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-0000000000b1' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Nothing of the year that ended on June 1 is unused: no credit.
    expect(await credits(first.id)).toEqual([]);

    // The June run, the anniversary (June 1, 2026 – June 1, 2027, 365 days):
    // A for June 1 – 10, 9 days: 1,200 × 9/365 = 29.5890… → 29.59; 2 × 100 = 200 × 9/365 = 4.9315… → 4.93;
    // B for June 10 – June 1, 356 days: 2,400 × 356/365 = 2,340.8219… → 2,340.82; 2 × 150 = 300 × 356/365 = 292.6027… → 292.60.
    const [jun] = await billMonth('2026-06-01', acme);
    expect(charged(jun)).toEqual([
      'ya-a base 29.59 2026-06-01..2026-06-10', 'ya-a seats 4.93 2026-06-01..2026-06-10',
      'ya-b base 2340.82 2026-06-10..2027-06-01', 'ya-b seats 292.60 2026-06-10..2027-06-01',
    ]);
    expect(jun.total).toBe('2667.94'); // 29.59 + 4.93 + 2,340.82 + 292.60
    // Once: a re-run of June and the months after add nothing.
    setDay('2026-07-02');
    await runBillRunNow({ ctx, input: { periodStart: '2026-06-01', allowOpenPeriod: true } });
    expect(await totals('2026-06-01', acme)).toEqual(['2667.94']);
    for (const m of ['2026-07-01', '2026-08-01', '2026-09-01']) expect(await billMonth(m, acme)).toEqual([]);

    // Cancelled on October 1: B's line is credited for October 1 – June 1 (243 of its 356 days):
    // 2,340.82 × 243/356 = 1,597.8130… → 1,597.81; 292.60 × 243/356 = 199.7224… → 199.72. A's days are long used.
    setDay('2026-10-01');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false } });
    expect(await credits(jun.id)).toEqual([['1797.53', ['base: unused 2026-10-01 – 2027-06-01 = 1597.81', 'seats: unused 2026-10-01 – 2027-06-01 = 199.72']]]);
  });

  it('a change dated on the anniversary day itself: B for the whole year, nothing of A', async () => {
    setDay('2025-06-01');
    const lee = await customer('lee');
    const sub = await subscribe(lee, 'ya-a', '2025-06-01', { seats: '1' });
    const [first] = await billMonth('2025-06-01', lee);
    // June 3, 2026, before the June run: to B from June 1, the anniversary.
    setDay('2026-06-03');
    await changePlan({ ctx, id: sub, input: { planCode: 'ya-b', effectiveDate: '2026-06-01' } });
    expect(await credits(first.id)).toEqual([]);
    // B for the whole year: 2,400.00 + 1 × 150.00.
    const [jun] = await billMonth('2026-06-01', lee);
    expect(charged(jun)).toEqual(['ya-b base 2400.00 2026-06-01..2027-06-01', 'ya-b seats 150.00 2026-06-01..2027-06-01']);
    expect(jun.total).toBe('2550.00');
  });
});

describe('a yearly plan with usage changed mid-year: the credit is only for what was charged in advance', () => {
  async function events(customer: string, day: string, n: number) {
    const evs = Array.from({ length: n }, (_, i) => ({ id: `${customer}-${day}-${i}`, customer, meter: 'ya_calls', timestamp: `${day}T12:00:00Z` }));
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: evs } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  /** Started January 1, 2026 with 1 seat and 100 calls in January: the January bill has the year in advance and January's usage. */
  async function started(ext: string) {
    setDay('2026-01-01');
    const id = await customer(ext);
    const sub = await subscribe(id, 'ya-u', '2026-01-01', { seats: '1' });
    setDay('2026-01-20');
    await events(ext, '2026-01-15', 100);
    const [jan] = await billMonth('2026-01-01', id);
    // 1,200.00 + 100.00 for 2026 in advance; 100 calls × 0.10 = 10.00 for January, in arrears.
    expect(charged(jan)).toEqual(['ya-u calls 10.00 month', 'ya-u base 1200.00 2026-01-01..2027-01-01', 'ya-u seats 100.00 2026-01-01..2027-01-01']);
    return { id, sub, jan };
  }
  // June 1 – January 1 is 214 of 365 days: 1,200 × 214/365 = 703.5616… → 703.56; 100 × 214/365 = 58.6301… → 58.63.
  // January's 10.00 of calls is not credited (it would add 10 × 214/365 = 5.86).
  const expected = [['762.19', ['base: unused 2026-06-01 – 2027-01-01 = 703.56', 'seats: unused 2026-06-01 – 2027-01-01 = 58.63']]];

  it('a bill with service periods on its anniversary lines', async () => {
    const { sub, jan } = await started('kim');
    setDay('2026-06-01');
    await changePlan({ ctx, id: sub, input: { planCode: 'ya-ub' } });
    expect(await credits(jan.id)).toEqual(expected);
  });

  it('a bill stored before anniversary lines said their service period (legacy): the same credit', async () => {
    const { sub, jan } = await started('park');
    // As bills were written before: no detail on the anniversary lines.
    await t.handle.db.execute(sql`update bills set lines = (select jsonb_agg(l - 'detail') from jsonb_array_elements(lines) l) where subscription_id = ${sub}`);
    setDay('2026-06-01');
    await changePlan({ ctx, id: sub, input: { planCode: 'ya-ub' } });
    expect(await credits(jan.id)).toEqual(expected);
  });
});
