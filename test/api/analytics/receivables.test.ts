/**
 * Billed vs collected and A/R aging on a frozen clock (2025-07-10), over invoices stored as a bill
 * run would leave them and payments made through the API. Every figure worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices } from '../../../server/db/schema';

let t: TestApp;
let one: { tenantId: string; key: string };
const ids: Record<string, string> = {};
const clock = () => new Date('2025-07-10T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('recv');
  const db = t.handle.db;
  const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R1', type: 'corporate', name: 'R1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [s] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R2', type: 'individual', name: 'R2', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const inv = async (key: string, status: string, issue: string, due: string, total: string, cust = c) => {
    const [i] = await db.insert(invoices).values({
      tenantId: one.tenantId, billTo: cust.id, customerId: cust.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: 'USD',
      sequence: Object.keys(ids).length + 1, status, number: status === 'draft' ? null : `INV-${key}`, issueDate: issue, dueDate: due, lines: [],
      subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
    }).returning();
    ids[key] = i.id;
  };
  await inv('I1', 'finalized', '2025-05-05', '2025-05-19', '100.00');
  await inv('I2', 'finalized', '2025-05-10', '2025-05-24', '200.00');
  await inv('I3', 'finalized', '2025-06-20', '2025-07-04', '300.00');
  await inv('I4', 'finalized', '2025-07-01', '2025-07-15', '400.00');
  await inv('I5', 'finalized', '2025-03-01', '2025-03-15', '500.00');
  await inv('I6', 'draft', '2025-07-01', '2025-07-15', '1000.00');
  await inv('I7', 'void', '2025-06-01', '2025-06-15', '700.00');
  await inv('I8', 'finalized', '2025-04-10', '2025-04-24', '80.00', s);
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
