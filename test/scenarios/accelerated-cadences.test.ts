/**
 * Installments on cancellation beyond monthly plans (README "Installments on cancellation"): a
 * quarterly and a yearly plan billed in advance on their anniversaries, and a weekly plan, with a
 * frozen, moving clock through the monthly bill runs. When the subscription ends, the installments
 * not charged yet are billed at once, as one line, by the run whose period holds the end; the
 * installments then add up to exactly the price, once (a re-run and the runs after add nothing).
 * Amounts worked by hand (KRW, half_up, no minor unit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { cancelSubscription } from '../../server/subscriptions/subscriptions';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice, getInvoice, listInvoices } from '../../server/invoices/invoices';
import { addInterval } from '../../server/lib/dates';

let t: TestApp;
let clock = new Date('2026-01-01T03:00:00Z');
let ctx: Ctx;
const setDay = (iso: string) => { clock = new Date(`${iso}T03:00:00Z`); };

const device = (count: number) => ({ code: 'device', name: 'Device', type: 'flat', amount: '1000000', installments: { count } });
const service = { code: 'service', name: 'Service', type: 'flat', amount: '30000' };
const PLANS = [
  { code: 'ac-quarter', name: 'Quarterly', currency: 'KRW', interval: 'month', intervalCount: 3, components: [device(6), service] },
  { code: 'ac-year', name: 'Yearly', currency: 'KRW', interval: 'year', intervalCount: 1, components: [device(3), service] },
  { code: 'ac-week', name: 'Weekly', currency: 'KRW', interval: 'week', intervalCount: 1, components: [device(10), { ...service, amount: '7000' }] },
];

async function subscribe(externalId: string, planCode: string, start: string) {
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId, type: 'individual', name: externalId, country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW' }) });
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode }] } });
  return { customer: c.id, sub: (await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } })).subscriptionIds[0] };
}
type Line = { kind: string; component?: string; amount: string; detail?: { code?: string; installment?: number; through?: number; of?: number; accelerated?: boolean } };
/** The bill run of the month starting on `periodStart`, run on the 2nd after it; the payer's invoices of that period (finalized). */
async function billMonth(periodStart: string, billTo: string) {
  setDay(addInterval(addInterval(periodStart, 'month', 1), 'day', 1));
  const run = await runBillRunNow({ ctx, input: { periodStart, allowOpenPeriod: true } });
  expect(run.status).toBe('completed');
  const out = [];
  for (const i of (await listInvoices({ ctx, query: { periodStart, billTo, limit: 10, offset: 0 } })).data) {
    if (i.status === 'draft') await finalizeInvoice({ ctx, id: i.id });
    out.push(await getInvoice({ ctx, id: i.id }));
  }
  return out;
}
/** The device lines of the invoices: "amount k" or "amount k-N accelerated". */
const deviceLines = (invs: { lines: unknown }[]) => invs.flatMap((i) => (i.lines as Line[]).filter((l) => l.kind === 'charge' && l.component === 'device')
  .map((l) => (l.detail?.accelerated ? `${l.amount} ${l.detail.installment}-${l.detail.through} of ${l.detail.of} accelerated` : `${l.amount} ${l.detail?.installment} of ${l.detail?.of}`)));
const sum = (lines: string[]) => lines.reduce((s, l) => s + Number(l.split(' ')[0]), 0); // whole KRW: exact as numbers

beforeAll(async () => {
  t = await makeTestApp({ now: () => clock });
  const other = await t.otherTenant('accelerated-cadences');
  ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES, () => clock);
  await importDocuments({ ctx, plans: PLANS, rules: [], effectiveFrom: '2025-01-01' });
}, 180_000);
afterAll(async () => { await t?.close(); });

describe('installments accelerated on cancellation, beyond monthly plans', () => {
  it('a quarterly plan cancelled in the 2nd month of its 2nd quarter: installments 3-6 at once, 1,000,000 in all', async () => {
    setDay('2026-01-01');
    const { customer, sub } = await subscribe('q1', 'ac-quarter', '2026-01-01');
    const seen: string[] = [];
    // 1,000,000 / 6 = 166,666.67 → 166,667 each for installments 1-5; one per quarter, on its anniversary run.
    for (const m of ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']) seen.push(...deviceLines(await billMonth(m, customer)));
    expect(seen).toEqual(['166667 1 of 6', '166667 2 of 6']);
    // Cancelled on May 15: the May run bills installments 3-6 at once, 1,000,000 − 2 × 166,667 = 666,666.
    setDay('2026-05-15');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false } });
    const may = await billMonth('2026-05-01', customer);
    expect(deviceLines(may)).toEqual(['666666 3-6 of 6 accelerated']);
    // Once: a re-run of May and the runs after add nothing.
    await runBillRunNow({ ctx, input: { periodStart: '2026-05-01', allowOpenPeriod: true } });
    expect(deviceLines(await billMonth('2026-05-01', customer))).toEqual(['666666 3-6 of 6 accelerated']);
    for (const m of ['2026-06-01', '2026-07-01']) expect(deviceLines(await billMonth(m, customer))).toEqual([]);
    expect(sum([...seen, ...deviceLines(may)])).toBe(1_000_000);
  });

  it('a yearly plan cancelled at the end of its first year: installments 2-3 at once, by the run whose period holds the end', async () => {
    setDay('2026-01-01');
    const { customer, sub } = await subscribe('y1', 'ac-year', '2026-01-01');
    // 1,000,000 / 3 = 333,333.33 → 333,333.
    expect(deviceLines(await billMonth('2026-01-01', customer))).toEqual(['333333 1 of 3']);
    // August 10: cancelled at the period end, January 1, 2027 (the anniversary).
    setDay('2026-08-10');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: true } });
    for (const m of ['2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']) expect(deviceLines(await billMonth(m, customer))).toEqual([]);
    // The December run (its period ends on January 1): 1,000,000 − 333,333 = 666,667; the January run nothing.
    expect(deviceLines(await billMonth('2026-12-01', customer))).toEqual(['666667 2-3 of 3 accelerated']);
    expect(deviceLines(await billMonth('2027-01-01', customer))).toEqual([]);
  });

  it('a weekly plan cancelled in its 3rd week: installments 4-10 on the run holding the end', async () => {
    // Started Monday, January 5, 2026: weeks end Jan 12, 19, 26, Feb 2 …
    setDay('2026-01-05');
    const { customer, sub } = await subscribe('w1', 'ac-week', '2026-01-05');
    setDay('2026-01-21');
    await cancelSubscription({ ctx, id: sub, input: { atPeriodEnd: false } });
    // January run: the weeks ending Jan 12 and 19 (installments 1, 2: 100,000 each) and the week from Jan 19
    // cut at the 21st (installment 3 and, at once, 4-10: 1,000,000 − 3 × 100,000 = 700,000).
    const jan = await billMonth('2026-01-01', customer);
    expect(deviceLines(jan)).toEqual(['100000 1 of 10', '100000 2 of 10', '100000 3 of 10', '700000 4-10 of 10 accelerated']);
    expect(deviceLines(await billMonth('2026-02-01', customer))).toEqual([]);
  });
});
