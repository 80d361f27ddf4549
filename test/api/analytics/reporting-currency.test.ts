/**
 * Reporting currency: FX rates entered through the API and imported as CSV, and the monthly
 * totals converted at the month-end rate (the last rate on or before the month's last day, today
 * for the current month), on a frozen clock (2025-07-10, tenant currency USD). A currency with an
 * amount but no rate is never added in: the total is marked incomplete and names it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { importDocuments } from '../../../server/catalog/versions';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-07-10T12:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('fx');
  const db = t.handle.db;
  const ctx = systemCtx(db, one.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, effectiveFrom: '2025-01-01', plans: [
    { code: 'k-basic', name: 'k-basic', currency: 'KRW', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '14000' }] }] });
  const cust = async (externalId: string, currency: string) => (await db.insert(customers).values({ tenantId: one.tenantId, externalId, type: 'corporate', name: externalId, country: 'KR', timezone: 'UTC', currency }).returning())[0];
  const [u, k, e] = [await cust('U', 'USD'), await cust('K', 'KRW'), await cust('E', 'EUR')];
  const o = await call('POST', '/orders', { customerId: k.id, items: [{ planCode: 'k-basic' }] });
  expect((await call('POST', `/orders/${o.body.id}/status`, { status: 'completed', billingStartDate: '2025-05-01' })).status).toBe(200);
  let seq = 0;
  const inv = async (c: typeof u, issue: string, total: string) => db.insert(invoices).values({
    tenantId: one.tenantId, billTo: c.id, customerId: c.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: c.currency,
    sequence: ++seq, status: 'finalized', number: `X-${seq}`, issueDate: issue, dueDate: issue, lines: [], subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total });
  await inv(u, '2025-05-15', '100.00');
  await inv(k, '2025-05-10', '28000');
  await inv(e, '2025-06-03', '50.00');
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('FX rates', () => {
  it('are set through the API and imported from CSV; bad rows are a 422 naming the field or line', async () => {
    const put = await call('PUT', '/analytics/fx-rates', { rates: [{ date: '2025-05-31', base: 'USD', quote: 'KRW', rate: '1400' }] });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject([{ date: '2025-05-31', base: 'USD', quote: 'KRW', rate: '1400', source: 'api' }]);
    const imp = await call('POST', '/analytics/fx-rates/import', { csv: 'date,base,quote,rate\r\n2025-06-30,USD,KRW,1300\r\n' });
    expect(imp.body).toEqual({ imported: 1 });
    const bad = await call('PUT', '/analytics/fx-rates', { rates: [{ date: '2025-05-31', base: 'USD', quote: 'USD', rate: '1' }, { date: '2025-05-31', base: 'USD', quote: 'EUR', rate: '-2' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(['rates[0].quote', 'rates[1].rate']);
    const badCsv = await call('POST', '/analytics/fx-rates/import', { csv: 'date,base,quote,rate\n2025-06-30,USD,EUR,0.9\n2025-02-30,USD,EUR,0.9\n2025-06-30,USD,XYZ,1' });
    expect(badCsv.status).toBe(422);
    expect(badCsv.body.issues.map((i: any) => i.path)).toEqual(['csv.line3.date', 'csv.line4.quote']);
    const list = await call('GET', '/analytics/fx-rates');
    expect(list.body.data.map((r: any) => [r.date, r.rate, r.source])).toEqual([['2025-06-30', '1300', 'csv'], ['2025-05-31', '1400', 'api']]);
  });

  it('are written by administrators only', async () => {
    const exec = await t.login('exec@demo.billwise.dev');
    const r = await t.call('PUT', '/api/v1/analytics/fx-rates', { cookie: exec, body: { rates: [{ date: '2025-05-31', base: 'USD', quote: 'KRW', rate: '1' }] } });
    expect(r.status).toBe(403);
  });
});

describe('totals in the reporting currency', () => {
  it('converts MRR, billed and outstanding at each month-end rate, and marks a currency without a rate', async () => {
    const r = await call('GET', '/analytics/reporting?from=2025-05&to=2025-07');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ reportingCurrency: 'USD', rateRule: 'month_end' });
    const [may, june, july] = r.body.months;
    // May at 1 USD = 1400 KRW (05-31): MRR 14000 KRW = 10 USD; billed 100 USD + 28000 KRW = 120 USD
    expect(may.rateDate).toBe('2025-05-31');
    expect(may.totals.mrr).toEqual({ amount: '10.00', complete: true, missing: [] });
    expect(may.totals.billed).toEqual({ amount: '120.00', complete: true, missing: [] });
    expect(may.perCurrency.find((p: any) => p.currency === 'KRW')).toMatchObject({ rate: '0.000714285714286', rateDate: '2025-05-31', mrr: '14000', billed: '28000' });
    // June at 1300 (06-30): MRR 14000 ÷ 1300 = 10.769…; EUR billed 50 has no rate: left out and named
    expect(june.totals.mrr).toEqual({ amount: '10.77', complete: true, missing: [] });
    expect(june.totals.billed).toEqual({ amount: '0.00', complete: false, missing: ['EUR'] });
    expect(june.totals.outstanding).toEqual({ amount: '121.54', complete: false, missing: ['EUR'] }); // 100 + 28000 ÷ 1300
    expect(june.perCurrency.find((p: any) => p.currency === 'EUR')).toMatchObject({ rate: null, billed: '50.00' });
    // July so far: today's rate is still the one of 06-30
    expect(july).toMatchObject({ rateDate: '2025-07-10' });
    expect(july.perCurrency.find((p: any) => p.currency === 'KRW')).toMatchObject({ rateDate: '2025-06-30' });
  });
});
