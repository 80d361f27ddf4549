/**
 * Proration of in-advance monthly plans changed mid-period (rating.md "Charge timing"; README
 * "Charge timing in bill runs"), with a frozen, moving clock, through the API and the bill runs:
 * the change credits the old plan's unused days at once (a credit note on the invoice that paid
 * them in advance) and the next invoice charges the new plan's remaining days, once, whatever is
 * retried or re-run. Every amount is worked by hand in the comments (half_up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { cancelSubscription, changePlan, pauseSubscription, resumeSubscription, setQuantities } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';
import { addInterval } from '../../server/lib/dates';
import { applyTerms } from '../../server/subscriptions/terms';

let t: TestApp;
let key: string;
let clock = new Date('2026-01-01T15:00:00Z');
let ctx: Ctx;
// 15:00 UTC is the same calendar day in the tenant's zone (America/New_York).
const setDay = (iso: string) => { clock = new Date(`${iso}T15:00:00Z`); };

const krwPlan = (code: string, amount: string) => ({ code, name: code, currency: 'KRW', interval: 'month', intervalCount: 1, timing: 'in_advance', components: [
  { code: 'base', name: 'Base', type: 'flat', amount },
] });
const usdPlan = (code: string, base: string, seat: string) => ({ code, name: code, currency: 'USD', interval: 'month', intervalCount: 1, timing: 'in_advance', components: [
  { code: 'base', name: 'Base', type: 'flat', amount: base },
  { code: 'seats', name: 'Seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: seat } },
] });

async function customer(externalId: string, currency: string) {
  return (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId, type: 'individual', name: externalId, country: 'KR', timezone: 'UTC', currency }) })).id;
}
async function subscribe(customerId: string, planCode: string, start: string, quantities?: Record<string, string>) {
  const o = await createOrder({ ctx, input: { customerId, items: [{ planCode, ...(quantities ? { quantities } : {}) }] } });
  return (await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } })).subscriptionIds[0];
}

type Line = { kind: string; component?: string; planCode?: string; amount: string; detail?: { servicePeriod?: { start: string; end: string } } };
/** Runs the bill run of the month starting on `periodStart` (on the 1st after it) and returns the payer's invoice there, finalized. */
async function billMonth(periodStart: string, billTo: string, finalize = true) {
  setDay(addInterval(periodStart, 'month', 1));
  const run = await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
  expect(run.status).toBe('completed');
  const list = await listInvoices({ ctx, query: { periodStart, billTo, limit: 10, offset: 0 } });
  expect(list.data).toHaveLength(1);
  if (finalize && list.data[0].status === 'draft') await finalizeInvoice({ ctx, id: list.data[0].id });
  return getInvoice({ ctx, id: list.data[0].id });
}
const charged = (inv: { lines: unknown }) => (inv.lines as Line[]).filter((l) => l.kind === 'charge')
  .map((l) => `${l.planCode} ${l.component} ${l.amount} ${l.detail?.servicePeriod ? `${l.detail.servicePeriod.start}..${l.detail.servicePeriod.end}` : 'own period'}`);
const credits = async (invoiceId: string) => ((await getInvoice({ ctx, id: invoiceId })).creditNotes as { amount: string; lines: { description: string; amount: string }[] }[])
  .map((c) => [c.amount, c.lines.map((l) => `${l.description} = ${l.amount}`)]);

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  const other = await t.otherTenant('proration');
  key = other.key;
  ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES, () => clock);
  await importDocuments({ ctx, plans: [krwPlan('adv-basic', '31000'), krwPlan('adv-pro', '62000'), usdPlan('usd-team', '20.00', '5.00'), usdPlan('usd-biz', '45.00', '7.00'),
    { ...krwPlan('adv-intro', '9900'), termCycles: 3, renewal: { planCode: 'adv-basic' } }], rules: [], effectiveFrom: '2025-01-01' });
}, 180_000);
afterAll(async () => { await t?.close(); });

describe('KRW: upgrade on day 11 of a 31-day month, downgrade on day 11 of a 30-day month', () => {
  it('credits the old plan\'s unused days and charges the new plan\'s remaining days on the next invoice, once', async () => {
    setDay('2026-01-01');
    const kim = await customer('kim', 'KRW');
    const sub = await subscribe(kim, 'adv-basic', '2026-01-01');
    // January (31/31) and February in advance.
    expect(charged(await billMonth('2026-01-01', kim))).toEqual(['adv-basic base 31000 own period', 'adv-basic base 31000 2026-02-01..2026-03-01']);
    const feb = await billMonth('2026-02-01', kim);
    expect(charged(feb)).toEqual(['adv-basic base 31000 2026-03-01..2026-04-01']);

    // March 11 (day 11 of 31): upgrade through the API, sent twice with one Idempotency-Key (a retry).
    setDay('2026-03-11');
    const send = () => t.call('POST', `/api/v1/subscriptions/${sub}/change-plan`, { key, body: { planCode: 'adv-pro' }, headers: { 'Idempotency-Key': 'c0ffee00-0000-4000-8000-000000000015' } });
    const first = await send();
    expect(first.status).toBe(200);
    expect((await send()).headers.get('Idempotent-Replayed')).toBe('true');
    // Unused: March 11 – April 1 = 21 of 31 days: 31,000 × 21/31 = 21,000, once.
    expect(await credits(feb.id)).toEqual([['21000', ['base: unused 2026-03-11 – 2026-04-01 = 21000']]]);

    // The March run charges the pro plan for March 11 – April 1: 62,000 × 21/31 = 42,000, then April in advance.
    const mar = await billMonth('2026-03-01', kim, false);
    expect(charged(mar)).toEqual(['adv-pro base 42000 2026-03-11..2026-04-01', 'adv-pro base 62000 2026-04-01..2026-05-01']);
    expect(mar.total).toBe('104000');
    // A re-run of March creates nothing and charges nothing twice.
    setDay('2026-04-02');
    await runBillRunNow({ ctx, input: { periodStart: '2026-03-01', allowOpenPeriod: true } });
    expect((await listInvoices({ ctx, query: { periodStart: '2026-03-01', billTo: kim, limit: 10, offset: 0 } })).data.map((i) => i.total)).toEqual(['104000']);
    await finalizeInvoice({ ctx, id: mar.id });

    // April 11 (day 11 of 30): downgrade effective that day.
    setDay('2026-04-11');
    await changePlan({ ctx, id: sub, input: { planCode: 'adv-basic', effectiveDate: '2026-04-11' } });
    // Unused pro: April 11 – May 1 = 20 of 30 days: 62,000 × 20/30 = 41,333.33 → 41,333. The March
    // catch-up line (March 11 – April 1) is all used: nothing of it.
    expect(await credits(mar.id)).toEqual([['41333', ['base: unused 2026-04-11 – 2026-05-01 = 41333']]]);
    // The April run: basic for April 11 – May 1: 31,000 × 20/30 = 20,666.67 → 20,667, then May (31,000).
    expect(charged(await billMonth('2026-04-01', kim))).toEqual(['adv-basic base 20667 2026-04-11..2026-05-01', 'adv-basic base 31000 2026-05-01..2026-06-01']);
    // May: back to the plain advance charge.
    expect(charged(await billMonth('2026-05-01', kim))).toEqual(['adv-basic base 31000 2026-06-01..2026-07-01']);
  });

  it('an upgrade then a cancel in the same period credit the old plan once and charge the new one for the days it ran', async () => {
    setDay('2026-01-01');
    const lee = await customer('lee', 'KRW');
    const sub = await subscribe(lee, 'adv-basic', '2026-01-01');
    await billMonth('2026-01-01', lee);
    const feb = await billMonth('2026-02-01', lee);
    setDay('2026-03-11');
    await changePlan({ ctx, id: sub, input: { planCode: 'adv-pro' } });
    setDay('2026-03-20');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false } });
    // The old plan from March 11 (21,000), not again from March 20.
    expect((await credits(feb.id)).map(([amount]) => amount)).toEqual(['21000']);
    // Pro ran March 11 – 20: 62,000 × 9/31 = 18,000; nothing for April.
    expect(charged(await billMonth('2026-03-01', lee))).toEqual(['adv-pro base 18000 2026-03-11..2026-03-20']);
  });
});

describe('KRW: a pause and a resume inside a month paid in advance', () => {
  it('credits the days from the pause and charges the days from the resume on the next invoice', async () => {
    setDay('2026-01-01');
    const park = await customer('park', 'KRW');
    const sub = await subscribe(park, 'adv-basic', '2026-01-01');
    await billMonth('2026-01-01', park);
    const feb = await billMonth('2026-02-01', park);
    setDay('2026-03-11');
    await pauseSubscription({ ctx, id: sub, input: {} });
    setDay('2026-03-21');
    await resumeSubscription({ ctx, id: sub, input: {} });
    // Paid for March in advance; paused March 11: 31,000 × 21/31 = 21,000 back.
    expect((await credits(feb.id)).map(([amount]) => amount)).toEqual(['21000']);
    // Resumed March 21: 31,000 × 11/31 = 11,000 on the March invoice, then April.
    expect(charged(await billMonth('2026-03-01', park))).toEqual(['adv-basic base 11000 2026-03-21..2026-04-01', 'adv-basic base 31000 2026-04-01..2026-05-01']);
  });
});

describe('KRW: a pause that spans periods (paused in February, resumed in March)', () => {
  const invoicesOf = async (periodStart: string, billTo: string) => {
    setDay(addInterval(periodStart, 'month', 1));
    await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
    return (await listInvoices({ ctx, query: { periodStart, billTo, limit: 10, offset: 0 } })).data;
  };

  it('charges the resumed days of March once on the March invoice and nothing for the paused days', async () => {
    setDay('2026-01-01');
    const han = await customer('han', 'KRW');
    const sub = await subscribe(han, 'adv-basic', '2026-01-01');
    const jan = await billMonth('2026-01-01', han);
    expect(charged(jan)).toEqual(['adv-basic base 31000 own period', 'adv-basic base 31000 2026-02-01..2026-03-01']);
    // Paused February 11: February 11 – March 1 (18 of 28 days) back, 31,000 × 18/28 = 19,928.57 → 19,929.
    setDay('2026-02-11');
    await pauseSubscription({ ctx, id: sub, input: {} });
    expect(await credits(jan.id)).toEqual([['19929', ['base: unused 2026-02-11 – 2026-03-01 = 19929']]]);
    // The February run (March 1, still paused): nothing for February's paused days, nothing for March.
    const feb = await invoicesOf('2026-02-01', han);
    for (const inv of feb) expect(charged(await getInvoice({ ctx, id: inv.id }))).toEqual([]);
    // Resumed March 21: the March run charges March 21 – April 1 (11 of 31 days: 11,000) and April in advance.
    setDay('2026-03-21');
    await resumeSubscription({ ctx, id: sub, input: {} });
    const mar = await billMonth('2026-03-01', han);
    expect(charged(mar)).toEqual(['adv-basic base 11000 2026-03-21..2026-04-01', 'adv-basic base 31000 2026-04-01..2026-05-01']);
    // A re-run of March charges nothing more; April charges May only.
    setDay('2026-04-02');
    await runBillRunNow({ ctx, input: { periodStart: '2026-03-01', allowOpenPeriod: true } });
    expect((await listInvoices({ ctx, query: { periodStart: '2026-03-01', billTo: han, limit: 10, offset: 0 } })).data.map((i) => i.total)).toEqual(['42000']);
    expect(charged(await billMonth('2026-04-01', han))).toEqual(['adv-basic base 31000 2026-05-01..2026-06-01']);
  });

  it('a resume scheduled before the February run is charged in advance by it, and not again in March', async () => {
    setDay('2026-01-01');
    const yoon = await customer('yoon', 'KRW');
    const sub = await subscribe(yoon, 'adv-basic', '2026-01-01');
    await billMonth('2026-01-01', yoon);
    setDay('2026-02-11');
    await pauseSubscription({ ctx, id: sub, input: {} });
    setDay('2026-02-20');
    await resumeSubscription({ ctx, id: sub, input: { effectiveDate: '2026-03-21' } });
    // The February run charges March 21 – April 1 in advance (11,000).
    const [feb] = await invoicesOf('2026-02-01', yoon);
    expect(charged(await getInvoice({ ctx, id: feb.id }))).toEqual(['adv-basic base 11000 2026-03-21..2026-04-01']);
    await finalizeInvoice({ ctx, id: feb.id });
    expect(charged(await billMonth('2026-03-01', yoon))).toEqual(['adv-basic base 31000 2026-04-01..2026-05-01']);
  });
});

describe('KRW: a 3-month in-advance term that moves to another plan after the run charged the next month', () => {
  it('credits the month charged at the old plan and charges it at the new plan on the next invoice', async () => {
    setDay('2026-01-01');
    const choi = await customer('choi', 'KRW');
    await subscribe(choi, 'adv-intro', '2026-01-01');
    await billMonth('2026-01-01', choi);
    await billMonth('2026-02-01', choi);
    // The March run (April 1) comes before the daily terms job: April is charged at the intro price.
    const mar = await billMonth('2026-03-01', choi);
    expect(charged(mar)).toEqual(['adv-intro base 9900 2026-04-01..2026-05-01']);
    expect(await applyTerms(ctx, '2026-04-01')).toEqual([expect.objectContaining({ action: 'term_move', date: '2026-04-01', planCode: 'adv-basic' })]);
    // The whole of April back (30/30), and April at the basic plan (31,000) with May on the April invoice.
    expect(await credits(mar.id)).toEqual([['9900', ['base: unused 2026-04-01 – 2026-05-01 = 9900']]]);
    expect(charged(await billMonth('2026-04-01', choi))).toEqual(['adv-basic base 31000 2026-04-01..2026-05-01', 'adv-basic base 31000 2026-05-01..2026-06-01']);
  });
});

describe('USD: quantity increase on day 11 of a 31-day month, upgrade on day 11 of a 30-day month', () => {
  it('credits and re-charges each component for the remaining days', async () => {
    setDay('2026-01-01');
    const acme = await customer('acme-usd', 'USD');
    const sub = await subscribe(acme, 'usd-team', '2026-01-01', { seats: '3' });
    await billMonth('2026-01-01', acme);
    const feb = await billMonth('2026-02-01', acme);
    // March in advance: base 20.00 and 3 seats × 5.00 = 15.00.
    expect(charged(feb)).toEqual(['usd-team base 20.00 2026-03-01..2026-04-01', 'usd-team seats 15.00 2026-03-01..2026-04-01']);

    setDay('2026-03-11');
    await setQuantities({ ctx, id: sub, input: { quantities: { seats: '5' } } });
    // Unused March 11 – April 1, 21 of 31 days: base 20 × 21/31 = 13.548… → 13.55; seats 15 × 21/31 = 10.161… → 10.16.
    expect(await credits(feb.id)).toEqual([['23.71', ['base: unused 2026-03-11 – 2026-04-01 = 13.55', 'seats: unused 2026-03-11 – 2026-04-01 = 10.16']]]);
    // March run: the 5 seats for March 11 – April 1: base 13.55, seats 25 × 21/31 = 16.935… → 16.94; April in advance 20.00 + 25.00.
    const mar = await billMonth('2026-03-01', acme);
    expect(charged(mar)).toEqual([
      'usd-team base 13.55 2026-03-11..2026-04-01', 'usd-team base 20.00 2026-04-01..2026-05-01',
      'usd-team seats 16.94 2026-03-11..2026-04-01', 'usd-team seats 25.00 2026-04-01..2026-05-01',
    ]);
    expect(mar.total).toBe('75.49');

    // April 11: upgrade to biz (45.00 + 5 × 7.00 = 80.00 a month > 45.00), effective today.
    setDay('2026-04-11');
    await changePlan({ ctx, id: sub, input: { planCode: 'usd-biz' } });
    // Unused April 11 – May 1, 20 of 30 days: base 20 × 2/3 = 13.33; seats 25 × 2/3 = 16.67.
    expect(await credits(mar.id)).toEqual([['30.00', ['base: unused 2026-04-11 – 2026-05-01 = 13.33', 'seats: unused 2026-04-11 – 2026-05-01 = 16.67']]]);
    // April run: biz for April 11 – May 1: base 45 × 2/3 = 30.00, seats 35 × 2/3 = 23.33; May (31 days) in full 45.00 + 35.00.
    const apr = await billMonth('2026-04-01', acme);
    expect(charged(apr)).toEqual([
      'usd-biz base 30.00 2026-04-11..2026-05-01', 'usd-biz base 45.00 2026-05-01..2026-06-01',
      'usd-biz seats 23.33 2026-04-11..2026-05-01', 'usd-biz seats 35.00 2026-05-01..2026-06-01',
    ]);
    expect(apr.total).toBe('133.33');
  });
});
