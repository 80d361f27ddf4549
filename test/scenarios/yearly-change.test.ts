/**
 * A yearly plan billed in advance and changed mid-year (README "Charge timing in bill runs",
 * server/billing/anniversary-catch-up.ts), with a frozen, moving clock through the API and the
 * monthly bill runs: the change credits the old plan's unused days at once, the bill run of the
 * change's month charges the new plan for the rest of that year, once (a retried request, a re-run
 * and the other months charge nothing more), and the next anniversary bills the new plan for a full
 * year, once. Amounts worked by hand (USD, half_up); 2026 has 365 days, June 1 – January 1 is 214.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { changePlan, pauseSubscription, resumeSubscription, setQuantities } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';
import { addInterval } from '../../server/lib/dates';

let t: TestApp;
let key: string;
let clock = new Date('2026-01-01T15:00:00Z');
let ctx: Ctx;
const setDay = (iso: string) => { clock = new Date(`${iso}T15:00:00Z`); };

const yearly = (code: string, base: string, seat: string) => ({ code, name: code, currency: 'USD', interval: 'year', intervalCount: 1, timing: 'in_advance', components: [
  { code: 'base', name: 'Base', type: 'flat', amount: base },
  { code: 'seats', name: 'Seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: seat } },
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
  .map((l) => `${l.planCode} ${l.component} ${l.amount} ${l.detail?.servicePeriod ? `${l.detail.servicePeriod.start}..${l.detail.servicePeriod.end}` : 'whole period'}`);
const credits = async (invoiceId: string) => ((await getInvoice({ ctx, id: invoiceId })).creditNotes as { amount: string; lines: { description: string; amount: string }[] }[])
  .map((c) => [c.amount, c.lines.map((l) => `${l.description} = ${l.amount}`)]);

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  const other = await t.otherTenant('yearly-change');
  key = other.key;
  ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES, () => clock);
  await importDocuments({ ctx, plans: [yearly('year-a', '1200.00', '100.00'), yearly('year-b', '2400.00', '150.00'), yearly('year-c', '3000.00', '200.00')], rules: [], effectiveFrom: '2025-01-01' });
}, 180_000);
afterAll(async () => { await t?.close(); });

describe('a yearly plan billed in advance, changed to another yearly plan after 5 months', () => {
  it('credits A for the rest of the year, charges B for the rest of the year once, then renews B for a full year once', async () => {
    setDay('2026-01-01');
    const acme = await customer('acme');
    const sub = await subscribe(acme, 'year-a', '2026-01-01', { seats: '2' });
    // January run: the year 2026 in advance, 1,200.00 + 2 × 100.00.
    const [jan] = await billMonth('2026-01-01', acme);
    // Anniversary lines say the days they pay for (what a later change credits).
    expect(charged(jan)).toEqual(['year-a base 1200.00 2026-01-01..2027-01-01', 'year-a seats 200.00 2026-01-01..2027-01-01']);
    for (const m of ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']) expect(await billMonth(m, acme)).toEqual([]);

    // June 1 (after 5 months): upgrade to B through the API, sent twice with one Idempotency-Key.
    setDay('2026-06-01');
    const send = () => t.call('POST', `/api/v1/subscriptions/${sub}/change-plan`, { key, body: { planCode: 'year-b' }, headers: { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-0000000000a1' } });
    expect((await send()).status).toBe(200);
    expect((await send()).headers.get('Idempotent-Replayed')).toBe('true');
    // A's unused June 1 – January 1, 214 of 365 days: 1,200 × 214/365 = 703.5616… → 703.56; 200 × 214/365 = 117.2602… → 117.26.
    expect(await credits(jan.id)).toEqual([['820.82', ['base: unused 2026-06-01 – 2027-01-01 = 703.56', 'seats: unused 2026-06-01 – 2027-01-01 = 117.26']]]);

    // The June run charges B for the same 214 days: 2,400 × 214/365 = 1,407.1232… → 1,407.12; 2 × 150 = 300 × 214/365 = 175.8904… → 175.89.
    const [jun] = await billMonth('2026-06-01', acme);
    expect(charged(jun)).toEqual(['year-b base 1407.12 2026-06-01..2027-01-01', 'year-b seats 175.89 2026-06-01..2027-01-01']);
    expect(jun.total).toBe('1583.01');
    // A re-run of June and the months after charge nothing more.
    setDay('2026-07-02');
    await runBillRunNow({ ctx, input: { periodStart: '2026-06-01', allowOpenPeriod: true } });
    expect((await listInvoices({ ctx, query: { periodStart: '2026-06-01', billTo: acme, limit: 10, offset: 0 } })).data.map((i) => i.total)).toEqual(['1583.01']);
    for (const m of ['2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01']) expect(await billMonth(m, acme)).toEqual([]);

    // The anniversary: B for the whole of 2027, once.
    const [jan27] = await billMonth('2027-01-01', acme);
    expect(charged(jan27)).toEqual(['year-b base 2400.00 2027-01-01..2028-01-01', 'year-b seats 300.00 2027-01-01..2028-01-01']);
    setDay('2027-02-02');
    await runBillRunNow({ ctx, input: { periodStart: '2027-01-01', allowOpenPeriod: true } });
    expect((await listInvoices({ ctx, query: { periodStart: '2027-01-01', billTo: acme, limit: 10, offset: 0 } })).data.map((i) => i.total)).toEqual(['2700.00']);
    expect(await billMonth('2027-02-01', acme)).toEqual([]);
  });

  it('a change dated later, then one dated today replacing it: the new plan is charged over two runs, each day once', async () => {
    setDay('2026-01-01');
    const lee = await customer('lee');
    const sub = await subscribe(lee, 'year-a', '2026-01-01', { seats: '1' });
    const [jan] = await billMonth('2026-01-01', lee);
    for (const m of ['2026-02-01', '2026-03-01']) await billMonth(m, lee);
    // April 10: to B from September 1 (an explicit date). A's September 1 – January 1 (122 days) back:
    // 1,200 × 122/365 = 401.0958… → 401.10; 100 × 122/365 = 33.4246… → 33.42.
    setDay('2026-04-10');
    await changePlan({ ctx, id: sub, input: { planCode: 'year-b', effectiveDate: '2026-09-01' } });
    // April 20: to C today, which replaces the scheduled B. A's April 20 – September 1 (134 days) back:
    // 1,200 × 134/365 = 440.5479… → 440.55; 100 × 134/365 = 36.7123… → 36.71.
    setDay('2026-04-20');
    await changePlan({ ctx, id: sub, input: { planCode: 'year-c' } });
    expect((await credits(jan.id)).map(([amount]) => amount)).toEqual(['434.52', '477.26']);
    // The April run charges C up to the date already credited after April (September 1), 134 days:
    // 3,000 × 134/365 = 1,101.3698… → 1,101.37; 200 × 134/365 = 73.4246… → 73.42.
    const [apr] = await billMonth('2026-04-01', lee);
    expect(charged(apr)).toEqual(['year-c base 1101.37 2026-04-20..2026-09-01', 'year-c seats 73.42 2026-04-20..2026-09-01']);
    for (const m of ['2026-05-01', '2026-06-01', '2026-07-01']) expect(await billMonth(m, lee)).toEqual([]);
    // August: nothing; the September run charges C for September 1 – January 1 (122 days):
    // 3,000 × 122/365 = 1,002.7397… → 1,002.74; 200 × 122/365 = 66.8493… → 66.85.
    expect(await billMonth('2026-08-01', lee)).toEqual([]);
    const [sep] = await billMonth('2026-09-01', lee);
    expect(charged(sep)).toEqual(['year-c base 1002.74 2026-09-01..2027-01-01', 'year-c seats 66.85 2026-09-01..2027-01-01']);
    for (const m of ['2026-10-01', '2026-11-01', '2026-12-01']) expect(await billMonth(m, lee)).toEqual([]);
    const [jan27] = await billMonth('2027-01-01', lee);
    expect(charged(jan27)).toEqual(['year-c base 3000.00 2027-01-01..2028-01-01', 'year-c seats 200.00 2027-01-01..2028-01-01']);
  });
});

describe('a yearly plan paused from March to July, then with more seats', () => {
  it('credits the paused months, charges the rest of the year from the resume once, and re-charges the seats from the change', async () => {
    setDay('2026-01-01');
    const kim = await customer('kim');
    const sub = await subscribe(kim, 'year-a', '2026-01-01', { seats: '1' });
    const [jan] = await billMonth('2026-01-01', kim);
    // Paused March 1: March 1 – January 1 (306 days) back: 1,200 × 306/365 = 1,006.0273… → 1,006.03; 100 × 306/365 = 83.8356… → 83.84.
    setDay('2026-03-01');
    await pauseSubscription({ ctx, id: sub, input: {} });
    expect((await credits(jan.id)).map(([amount]) => amount)).toEqual(['1089.87']);
    for (const m of ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']) for (const inv of await billMonth(m, kim)) expect(charged(inv)).toEqual([]);
    // Resumed July 1: the July run charges July 1 – January 1 (184 days): 1,200 × 184/365 = 604.9315… → 604.93; 100 × 184/365 = 50.4109… → 50.41.
    setDay('2026-07-01');
    await resumeSubscription({ ctx, id: sub, input: {} });
    for (const inv of await billMonth('2026-06-01', kim)) expect(charged(inv)).toEqual([]);
    const [jul] = await billMonth('2026-07-01', kim);
    expect(charged(jul)).toEqual(['year-a base 604.93 2026-07-01..2027-01-01', 'year-a seats 50.41 2026-07-01..2027-01-01']);
    for (const m of ['2026-08-01', '2026-09-01']) for (const inv of await billMonth(m, kim)) expect(charged(inv)).toEqual([]);
    // October 1: 3 seats. The July catch-up is credited from October 1, 92 of its 184 days: 302.465 → 302.47 and 25.205 → 25.21 …
    setDay('2026-10-01');
    await setQuantities({ ctx, id: sub, input: { quantities: { seats: '3' } } });
    expect(await credits(jul.id)).toEqual([['327.68', ['base: unused 2026-10-01 – 2027-01-01 = 302.47', 'seats: unused 2026-10-01 – 2027-01-01 = 25.21']]]);
    // … and the October run charges the 3 seats for October 1 – January 1 (92 days of 365): 1,200 × 92/365 = 302.4657… → 302.47; 300 × 92/365 = 75.6164… → 75.62.
    const [oct] = await billMonth('2026-10-01', kim);
    expect(charged(oct)).toEqual(['year-a base 302.47 2026-10-01..2027-01-01', 'year-a seats 75.62 2026-10-01..2027-01-01']);
  });
});
