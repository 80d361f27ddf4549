/**
 * Billed vs collected and A/R aging on a frozen clock (2025-07-10), over invoices stored as a bill
 * run would leave them and payments made through the API. Every figure worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices } from '../../../server/db/schema';

let t: TestApp;
let one: { tenantId: string; key: string };
let billTo = '';
const ids: Record<string, string> = {};
const clock = () => new Date('2025-07-10T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('recv');
  const db = t.handle.db;
  const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R1', type: 'corporate', name: 'R1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [s] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R2', type: 'individual', name: 'R2', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const inv = async (key: string, status: string, issue: string, due: string, total: string, cust = c, lines: unknown[] = []) => {
    const [i] = await db.insert(invoices).values({
      tenantId: one.tenantId, billTo: cust.id, customerId: cust.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: 'USD',
      sequence: Object.keys(ids).length + 1, status, number: status === 'draft' ? null : `INV-${key}`, issueDate: issue, dueDate: due,
      lines: [{ kind: 'charge', component: 'base', amount: total }, ...lines],
      subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
    }).returning();
    ids[key] = i.id;
  };
  await inv('I1', 'finalized', '2025-05-05', '2025-05-19', '100.00');
  await inv('I2', 'finalized', '2025-05-10', '2025-05-24', '200.00');
  await inv('I3', 'finalized', '2025-06-20', '2025-07-04', '300.00', c, [{ kind: 'discount', rule: 'welcome', amount: '-30.00' }]);
  await inv('I4', 'finalized', '2025-07-01', '2025-07-15', '400.00', c, [{ kind: 'discount', rule: 'welcome', amount: '-40.00' }]);
  await inv('I5', 'finalized', '2025-03-01', '2025-03-15', '500.00');
  await inv('I6', 'draft', '2025-07-01', '2025-07-15', '1000.00');
  await inv('I7', 'void', '2025-06-01', '2025-06-15', '700.00');
  await inv('I8', 'finalized', '2025-04-10', '2025-04-24', '80.00', s);
  billTo = c.id;
  const pay = async (amount: string, receivedOn: string, invoiceId: string) => {
    const r = await t.call('POST', '/api/v1/payments', { key: one.key, body: { billTo: c.id, method: 'bank_transfer', amount, currency: 'USD', receivedOn, allocations: [{ invoiceId, amount }] } });
    expect(r.status).toBe(201);
  };
  await pay('100.00', '2025-05-20', ids.I1);
  await pay('50.00', '2025-06-01', ids.I2);
}, 60_000);
afterAll(async () => { await t?.close(); });

const get = (qs: string) => t.call('GET', `/api/v1/analytics/receivables?${qs}`, { key: one.key });

describe('A/R aging on 2025-07-10', () => {
  it('puts each open invoice in its bucket by days past due; drafts, void and paid ones are not receivables', async () => {
    const r = await get('from=2025-03&to=2025-07');
    expect(r.status).toBe(200);
    expect(r.body.aging.buckets.map((b: any) => [b.bucket, b.amount, b.count])).toEqual([
      ['current', '400.00', 1], // I4 due 07-15
      ['1-30', '300.00', 1], // I3: 6 days
      ['31-60', '150.00', 1], // I2: 200 − 50, 47 days
      ['61-90', '80.00', 1], // I8: 77 days
      ['90+', '500.00', 1], // I5: 117 days
    ]);
    expect(r.body.aging.overdue).toEqual([{ currency: 'USD', amount: '1030.00' }]);
    expect(r.body.aging.invoices.find((i: any) => i.id === ids.I2)).toMatchObject({ daysPastDue: 47, bucket: '31-60', open: '150.00' });
  });

  it('an earlier asOf moves them back; a customer-type filter keeps only its invoices', async () => {
    const r = await get('from=2025-07&to=2025-07&asOf=2025-06-10');
    // on 06-10: I2 (150 open, 17 days), I8 (47 days), I5 (87 days); I3 and I4 not issued yet
    expect(r.body.aging.buckets.filter((b: any) => b.count).map((b: any) => [b.bucket, b.amount])).toEqual([['1-30', '150.00'], ['31-60', '80.00'], ['61-90', '500.00']]);
    const ind = await get('from=2025-07&to=2025-07&customerType=individual');
    expect(ind.body.aging.overdue).toEqual([{ currency: 'USD', amount: '80.00' }]);
  });

  it('bad filters are a 422 at the field', async () => {
    const r = await get('asOf=2025-02-30&currency=usd');
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(['query.asOf', 'query.currency']);
  });
});

describe('billed vs collected per month', () => {
  it('billed by issue date, collected by received date, outstanding at month end, collection rate and DSO', async () => {
    const r = await get('from=2025-03&to=2025-07');
    const row = (m: string) => r.body.billedVsCollected.find((x: any) => x.month === m);
    expect(row('2025-03')).toMatchObject({ billed: '500.00', collected: '0.00', outstanding: '500.00', collectionRate: '0.0000', dso: '31.0' });
    expect(row('2025-04')).toMatchObject({ billed: '80.00', outstanding: '580.00', dso: '217.5' }); // 580 ÷ 80 × 30
    // May: I1 100 + I2 200 billed; I1 paid on 05-20 → 100 collected; owed at the end: 500 + 80 + 200
    expect(row('2025-05')).toMatchObject({ billed: '300.00', collected: '100.00', outstanding: '780.00', collectionRate: '0.3333' });
    // June: I3 billed (I7 void is not); 50 collected on I2
    expect(row('2025-06')).toMatchObject({ billed: '300.00', collected: '50.00', outstanding: '1030.00', collectionRate: '0.1667', dso: '103.0' });
    // July so far: I4 (the draft I6 is not billed)
    expect(row('2025-07')).toMatchObject({ billed: '400.00', collected: '0.00', outstanding: '1430.00' });
  });
});

describe('promotion ROI', () => {
  it('what a discount gave away per month, and its users against the rest', async () => {
    const r = await t.call('GET', '/api/v1/analytics/promotions?from=2025-03&to=2025-07', { key: one.key });
    expect(r.status).toBe(200);
    expect(r.body.givenAway.map((g: any) => [g.rule, g.month, g.amount, g.invoices, g.customers])).toEqual([
      ['welcome', '2025-06', '30.00', 1, 1], ['welcome', '2025-07', '40.00', 1, 1],
    ]);
    // R1 used it: the lines of its issued invoices over the range, charges 100 + 200 + 300 + 400 + 500 less the
    // discounts 30 + 40 (not the draft, not the void one); R2 did not: 80. Neither has MRR.
    expect(r.body.comparison).toEqual([{ rule: 'welcome', name: 'welcome', kind: 'discount', currency: 'USD',
      users: { customers: 1, revenuePerCustomer: '1430.00', retention: '0.0000' }, nonUsers: { customers: 1, revenuePerCustomer: '80.00', retention: '0.0000' } }]);
  });
});

describe('payment patterns', () => {
  beforeAll(async () => {
    const p = (body: Record<string, unknown>) => t.call('POST', '/api/v1/payments', { key: one.key, body: { billTo, currency: 'USD', ...body } });
    expect((await p({ method: 'card', amount: '300.00', receivedOn: '2025-07-02', status: 'failed', declineCode: 'insufficient_funds' })).status).toBe(201);
    expect((await p({ method: 'card', amount: '20.00', receivedOn: '2025-07-03', allocations: [{ invoiceId: ids.I3, amount: '20.00' }] })).status).toBe(201);
  });

  it('method mix, outcomes by method and decline code, days to pay, on-time share, late payers, heatmap', async () => {
    const r = await t.call('GET', '/api/v1/analytics/payment-patterns?from=2025-05&to=2025-07', { key: one.key });
    expect(r.status).toBe(200);
    expect(r.body.methodMix.map((m: any) => [m.month, m.method, m.count, m.amount])).toEqual([
      ['2025-05', 'bank_transfer', 1, '100.00'], ['2025-06', 'bank_transfer', 1, '50.00'], ['2025-07', 'card', 1, '20.00']]);
    expect(r.body.outcomes).toEqual([
      { method: 'bank_transfer', succeeded: 2, failed: 0, successRate: '1.0000' }, { method: 'card', succeeded: 1, failed: 1, successRate: '0.5000' }]);
    expect(r.body.declines).toEqual([{ method: 'card', declineCode: 'insufficient_funds', count: 1 }]);
    // I1 paid 15 days after issue (a day late), I2 22 days (8 late), I3's 20 after 13 days (on time)
    expect(r.body.daysToPay).toEqual([
      { method: 'bank_transfer', customerType: 'corporate', bucket: '15-30', count: 2 }, { method: 'card', customerType: 'corporate', bucket: '8-14', count: 1 }]);
    expect(r.body.timeliness).toEqual({ onTime: 1, late: 2, onTimeShare: '0.3333' });
    expect(r.body.latePayers).toEqual([{ billTo, name: 'R1', late: 2, avgDaysLate: '4.5' }]);
    expect(r.body.heatmap.map((h: any) => [h.day, h.count])).toEqual([[1, 1], [3, 1], [20, 1]]);
  });

  it('is empty, not an error, for a tenant without payments', async () => {
    const r = await t.call('GET', '/api/v1/analytics/payment-patterns', { key: (await t.otherTenant('nopay')).key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ methodMix: [], outcomes: [], heatmap: [], latePayers: [], timeliness: { onTime: 0, late: 0, onTimeShare: null } });
  });
});
