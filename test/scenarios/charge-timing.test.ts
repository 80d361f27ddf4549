/**
 * Installments and one-time charges through 26 monthly bill runs with a frozen, moving clock
 * (rating.md "Charge timing"): a phone sold in 24 installments of 1,000,000 KRW with a 30,000 KRW
 * setup fee, next to a monthly service plan with a 5,000 KRW activation fee. Along the way: a re-run
 * of a billed month, a plan change inside cycle 3 (two segments), and a pause/resume of the
 * service. Installments stop after 24, the last carries the remainder, each fee appears once.
 * Amounts by hand: 1,000,000 / 24 = 41,666.67 → 41,667 (half_up) × 23 = 958,341; the 24th is 41,659.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { cancelSubscription, changePlan, pauseSubscription, resumeSubscription } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';
import { addInterval } from '../../server/lib/dates';
import { tickSchedules } from '../../server/jobs/schedules';
import { drainJobs } from '../../server/jobs/worker';
import { TERMS_JOB } from '../../server/subscriptions/terms';
import { getSubscription } from '../../server/subscriptions/subscriptions';

let t: TestApp;
let clock = new Date('2026-01-01T03:00:00Z');
let ctx: Ctx;
let customerId: string;
const setDay = (iso: string) => { clock = new Date(`${iso}T03:00:00Z`); };

const phone = (code: string) => ({
  code, name: 'Galaxy 24', currency: 'KRW', interval: 'month', intervalCount: 1, components: [
    { code: 'setup', name: 'Setup fee', type: 'flat', amount: '30000', charge: 'one_time' },
    { code: 'device', name: 'Device', type: 'flat', amount: '1000000', installments: { count: 24 } },
  ],
});
const service = { code: 'lte-33', name: 'LTE 33', currency: 'KRW', interval: 'month', intervalCount: 1, components: [
  { code: 'activation', name: 'Activation', type: 'flat', amount: '5000', charge: 'one_time' },
  { code: 'service', name: 'Service', type: 'flat', amount: '33000' },
] };

const cloudYear = { code: 'cloud-year', name: 'Cloud yearly', currency: 'KRW', interval: 'year', intervalCount: 1, timing: 'in_advance', components: [
  { code: 'base', name: 'Cloud', type: 'flat', amount: '1200000' },
] };

// A 12-month introductory term at 9,900 KRW that moves to the standard plan at 19,900.
const intro = { code: 'intro-12', name: 'Intro', currency: 'KRW', interval: 'month', intervalCount: 1, termCycles: 12, renewal: { planCode: 'std-m' }, components: [
  { code: 'base', name: 'Intro', type: 'flat', amount: '9900' },
] };
const standard = { code: 'std-m', name: 'Standard', currency: 'KRW', interval: 'month', intervalCount: 1, components: [
  { code: 'base', name: 'Standard', type: 'flat', amount: '19900' },
] };

const advance = (code: string, amount: string) => ({ code, name: code, currency: 'KRW', interval: 'month', intervalCount: 1, timing: 'in_advance', components: [
  { code: 'base', name: 'Base', type: 'flat', amount },
] });

async function subscribe(planCode: string, start: string, customer = customerId) {
  const o = await createOrder({ ctx, input: { customerId: customer, items: [{ planCode }] } });
  return (await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } })).subscriptionIds[0];
}

/** Runs the bill run of the month starting on `periodStart` and returns its invoice's charge lines. */
async function billMonth(periodStart: string) {
  setDay(addInterval(periodStart, 'month', 1));
  const run = await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
  expect(run.status).toBe('completed');
  const list = await listInvoices({ ctx, query: { periodStart, limit: 10, offset: 0 } });
  expect(list.data.length).toBeLessThanOrEqual(1);
  if (!list.data.length) return [];
  const inv = await getInvoice({ ctx, id: list.data[0].id });
  return (inv.lines as { kind: string; component?: string; amount: string; detail?: { code: string; installment?: number; of?: number } }[]).filter((l) => l.kind === 'charge');
}

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  const tenantId = (await t.otherTenant('installments')).tenantId;
  ctx = systemCtx(t.handle.db, tenantId, PERMISSION_CODES, () => clock);
  await importDocuments({ ctx, plans: [phone('galaxy-24'), phone('galaxy-24-care'), { ...phone('galaxy-adv'), timing: 'in_advance' }, service, cloudYear, intro, standard, advance('adv-big', '31000'), advance('adv-small', '15500')], rules: [], effectiveFrom: '2025-01-01' });
  customerId = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'kim', type: 'individual', name: 'Kim', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
}, 180_000);
afterAll(async () => { await t?.close(); });

describe('a phone in 24 installments with a setup fee, and a service plan, over 26 months', () => {
  it('bills installments 1..24 once each, the setup and activation fees once, whatever happens in between', async () => {
    const phoneSub = await subscribe('galaxy-24', '2026-01-01');
    const serviceSub = await subscribe('lte-33', '2026-01-01');
    const all: Awaited<ReturnType<typeof billMonth>>[] = [];
    for (let m = 0; m < 26; m++) {
      const start = addInterval('2026-01-01', 'month', m);
      if (m === 2) {
        // Cycle 3: the phone moves to another plan with the same components on Mar 16 (two segments).
        setDay('2026-03-10');
        await changePlan({ ctx, id: phoneSub, input: { planCode: 'galaxy-24-care', effectiveDate: '2026-03-16' } });
      }
      if (m === 5) {
        setDay('2026-06-05');
        await pauseSubscription({ ctx, id: serviceSub, input: { effectiveDate: '2026-06-11' } });
        await resumeSubscription({ ctx, id: serviceSub, input: { effectiveDate: '2026-06-21' } });
      }
      const lines = await billMonth(start);
      all.push(lines);
      if (m === 0) {
        // A re-run of January creates nothing and charges nothing again.
        await billMonth(start);
        const again = await listInvoices({ ctx, query: { periodStart: start, limit: 10, offset: 0 } });
        expect(again.total).toBe(1);
      }
    }
    const amounts = (m: number, component: string) => all[m].filter((l) => l.component === component).map((l) => l.amount);
    // January: setup 30,000 + installment 1 (41,667) + activation 5,000 + service 33,000.
    expect(all[0].map((l) => `${l.component} ${l.amount}`).sort()).toEqual(['activation 5000', 'device 41667', 'service 33000', 'setup 30000']);
    // March: the installment is charged once over the two segments.
    expect(amounts(2, 'device')).toEqual(['41667']);
    // June: the service paused Jun 11..21 is prorated (20/30 × 33,000 = 22,000) and no fee comes back.
    expect(amounts(5, 'service')).toEqual(['11000', '11000']);
    expect(amounts(5, 'activation')).toEqual([]);
    const device = all.flatMap((lines) => lines.filter((l) => l.component === 'device'));
    expect(device.map((l) => l.detail?.installment)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(device.every((l) => l.detail?.of === 24)).toBe(true);
    expect(device.slice(0, 23).every((l) => l.amount === '41667')).toBe(true);
    expect(device[23].amount).toBe('41659');
    expect(device.reduce((s, l) => s + Number(l.amount), 0)).toBe(1_000_000); // KRW has no minor unit: integers
    expect(amounts(23, 'device')).toEqual(['41659']); // month 24 carries the remainder
    expect(amounts(24, 'device')).toEqual([]);
    expect(amounts(25, 'device')).toEqual([]);
    expect(all.flatMap((lines) => lines.filter((l) => l.component === 'setup'))).toHaveLength(1);
    expect(all.flatMap((lines) => lines.filter((l) => l.component === 'activation'))).toHaveLength(1);
    expect(all[25].map((l) => [l.component, l.amount])).toEqual([['service', '33000']]);
  });
});

describe('a phone in 24 installments cancelled in its 4th month', () => {
  it('bills installment 4 and then installments 5-24 at once on the final invoice, so the device is paid exactly once in full', async () => {
    setDay('2026-01-01');
    const jung = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'jung', type: 'individual', name: 'Jung', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
    const sub = await subscribe('galaxy-24', '2026-01-01', jung);
    const byMonth = async (periodStart: string) => {
      setDay(addInterval(periodStart, 'month', 1));
      await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
      const list = await listInvoices({ ctx, query: { periodStart, billTo: jung, limit: 10, offset: 0 } });
      const lines = [];
      for (const i of list.data) lines.push(...((await getInvoice({ ctx, id: i.id })).lines as { kind: string; component?: string; amount: string; description?: string; detail?: Record<string, unknown> }[]));
      return lines.filter((l) => l.kind === 'charge' && l.component === 'device');
    };
    const device = [];
    for (const m of ['2026-01-01', '2026-02-01', '2026-03-01']) device.push(...await byMonth(m));
    setDay('2026-04-10');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false, effectiveDate: '2026-04-15' } });
    const april = await byMonth('2026-04-01');
    // Installment 4 (41,667), then 1,000,000 − 4 × 41,667 = 833,332 for installments 5-24.
    expect(april.map((l) => [l.amount, l.detail])).toEqual([
      ['41667', { code: 'installment', installment: 4, of: 24 }],
      ['833332', { code: 'installment', installment: 5, through: 24, of: 24, accelerated: true }],
    ]);
    expect(april[1].description).toContain('installments 5-24 of 24 (accelerated)');
    // A re-run of April and the months after charge nothing more.
    expect(await byMonth('2026-04-01')).toHaveLength(2);
    expect(await byMonth('2026-05-01')).toEqual([]);
    device.push(...april);
    expect(device.reduce((s, l) => s + Number(l.amount), 0)).toBe(1_000_000); // KRW: integers
  });

  it('in advance, cancelled before the run that charges its last month: that run accelerates, the next one does not again', async () => {
    setDay('2026-01-01');
    const ahn = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'ahn', type: 'individual', name: 'Ahn', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
    const sub = await subscribe('galaxy-adv', '2026-01-01', ahn);
    const byMonth = async (periodStart: string) => {
      setDay(addInterval(periodStart, 'month', 1));
      await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
      const list = await listInvoices({ ctx, query: { periodStart, billTo: ahn, limit: 10, offset: 0 } });
      const lines = [];
      for (const i of list.data) {
        if (i.status === 'draft') await finalizeInvoice({ ctx, id: i.id });
        lines.push(...((await getInvoice({ ctx, id: i.id })).lines as { kind: string; component?: string; amount: string; detail?: { installment?: number; through?: number } }[]));
      }
      return lines.filter((l) => l.kind === 'charge' && l.component === 'device').map((l) => [l.amount, l.detail?.installment, l.detail?.through ?? null]);
    };
    // January: its own month (installment 1) and February in advance (2).
    expect(await byMonth('2026-01-01')).toEqual([['41667', 1, null], ['41667', 2, null]]);
    setDay('2026-02-10');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false, effectiveDate: '2026-03-15' } });
    // The February run charges March in advance (3) and then 4-24 at once: 1,000,000 − 3 × 41,667 = 874,999.
    expect(await byMonth('2026-02-01')).toEqual([['41667', 3, null], ['874999', 4, 24]]);
    // The March run (the subscription ends in its period) charges no installment again.
    expect(await byMonth('2026-03-01')).toEqual([]);
  });
});

describe('an in-advance yearly plan cancelled after 5 months', () => {
  it('is invoiced for the whole year up front and gets a prorated credit note for the unused days', async () => {
    setDay('2026-01-01');
    const lee = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'lee', type: 'individual', name: 'Lee', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
    const sub = await subscribe('cloud-year', '2026-01-01', lee);
    setDay('2026-02-01');
    await runBillRunNow({ ctx, input: { periodStart: '2026-01-01', allowOpenPeriod: true } });
    const list = await listInvoices({ ctx, query: { periodStart: '2026-01-01', billTo: lee, limit: 10, offset: 0 } });
    expect(list.data.map((i) => i.total)).toEqual(['1200000']); // the year 2026, once (not also 2027)
    await finalizeInvoice({ ctx, id: list.data[0].id });
    // A later run bills nothing more for the year.
    setDay('2026-03-01');
    await runBillRunNow({ ctx, input: { periodStart: '2026-02-01', allowOpenPeriod: true } });
    expect((await listInvoices({ ctx, query: { periodStart: '2026-02-01', billTo: lee, limit: 10, offset: 0 } })).total).toBe(0);

    setDay('2026-05-20');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false, effectiveDate: '2026-06-01' } });
    const inv = await getInvoice({ ctx, id: list.data[0].id });
    // Unused: Jun 1 2026 – Jan 1 2027 = 214 of 365 days: 1,200,000 × 214 / 365 = 703,561.64 → 703,562.
    expect(inv.creditNotes.map((c: { amount: string; lines: unknown[] }) => [c.amount, c.lines])).toEqual([
      ['703562', [{ description: 'base: unused 2026-06-01 – 2027-01-01', amount: '703562' }]],
    ]);
  });
});

describe('a 12-cycle term that renews into another plan', () => {
  /** The daily schedule as the worker runs it: a tick in the morning of `day` in the tenant's zone, then the term jobs drained. */
  async function dailyTermsJob(day: string) {
    clock = new Date(`${day}T15:00:00Z`);
    await tickSchedules(t.handle.db, clock);
    await drainJobs(t.handle.db, { filter: { kinds: [TERMS_JOB] }, now: () => clock });
  }

  it('moves to the standard plan on the day the term ends, visible in the history, and bills it from then', async () => {
    setDay('2026-01-01');
    const park = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'park', type: 'individual', name: 'Park', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
    const sub = await subscribe('intro-12', '2026-01-01', park);
    await dailyTermsJob('2026-12-31');
    expect((await getSubscription({ ctx, id: sub })).planCode).toBe('intro-12');
    await dailyTermsJob('2027-01-01');
    await dailyTermsJob('2027-01-01'); // a second tick the same day changes nothing
    const s = await getSubscription({ ctx, id: sub });
    expect(s.planCode).toBe('std-m');
    expect(s.phases.map((p: { planCode: string; startDate: string; endDate: string | null; reason: string }) => [p.planCode, p.startDate, p.endDate, p.reason])).toEqual([
      ['intro-12', '2026-01-01', '2027-01-01', 'signup'],
      ['std-m', '2027-01-01', null, 'term_move'],
    ]);
    const totals = async (periodStart: string) => {
      setDay(addInterval(periodStart, 'month', 1));
      await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
      return (await listInvoices({ ctx, query: { periodStart, billTo: park, limit: 10, offset: 0 } })).data.map((i) => i.total);
    };
    expect(await totals('2026-12-01')).toEqual(['9900']); // cycle 12, the term's last
    expect(await totals('2027-01-01')).toEqual(['19900']); // the standard plan from the term end
  });
});

describe('a monthly plan billed in advance', () => {
  it('charges its first (prorated) month and the next on the first invoice, the next plan after a downgrade, and credits a cancellation', async () => {
    setDay('2026-01-10');
    const choi = (await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'choi', type: 'individual', name: 'Choi', country: 'KR', timezone: 'UTC', currency: 'KRW' }) })).id;
    const sub = await subscribe('adv-big', '2026-01-10', choi);
    const invoiceOf = async (periodStart: string) => {
      setDay(addInterval(periodStart, 'month', 1));
      await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
      const list = await listInvoices({ ctx, query: { periodStart, billTo: choi, limit: 10, offset: 0 } });
      return list.data.length ? getInvoice({ ctx, id: list.data[0].id }) : null;
    };
    const jan = await invoiceOf('2026-01-01');
    // January 10..31 = 22/31 × 31,000 = 22,000, and February in advance 31,000.
    expect((jan!.lines as { amount: string; detail?: unknown }[]).map((l) => [l.amount, l.detail ?? null])).toEqual([
      ['22000', null],
      ['31000', { code: 'in_advance', servicePeriod: { start: '2026-02-01', end: '2026-03-01' } }],
    ]);
    // A downgrade in February waits for the period end; March is then charged at the small plan.
    setDay('2026-02-15');
    await changePlan({ ctx, id: sub, input: { planCode: 'adv-small' } });
    const feb = await invoiceOf('2026-02-01');
    expect((feb!.lines as { amount: string; planCode?: string }[]).map((l) => [l.planCode, l.amount])).toEqual([['adv-small', '15500']]);
    await finalizeInvoice({ ctx, id: feb!.id });
    // Cancelled on March 16: March 16..31 was paid in advance, 16/31 × 15,500 = 8,000 back.
    setDay('2026-03-10');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false, effectiveDate: '2026-03-16' } });
    const after = await getInvoice({ ctx, id: feb!.id });
    expect(after.creditNotes.map((c: { amount: string }) => c.amount)).toEqual(['8000']);
  });
});
