/**
 * receivable_facts, kept by triggers, give exactly what the raw tables give, after every kind of
 * write the product makes: invoices issued, paid through the API (allocations, a payment dated
 * back into an earlier month, a refund, a failed attempt), voided, and re-dated; in two
 * currencies. And the receivables endpoint reads the facts (no customer filter) yet answers the
 * same as the raw path would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, receivableFacts } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { monthRange } from '../../../server/analytics/filters';
import { monthlyFromFacts, monthlyFromRaw, type MonthlySums } from '../../../server/analytics/receivables';
import { compactReceivableFacts } from '../../../server/analytics/receivable-facts-compact';

let t: TestApp;
let one: { tenantId: string; key: string };
let cust = '';
let eurCust = '';
const ids: Record<string, string> = {};
const clock = () => new Date('2025-07-10T12:00:00Z');

const dump = (m: MonthlySums, months: string[]) => ({
  currencies: m.currencies,
  cells: months.flatMap((mo) => m.currencies.map((c) => { const x = m.cell(mo, c); return [mo, c, x.billed.toFixed(2), x.collected.toFixed(2), x.outstanding.toFixed(2)]; })),
});
async function both(from = '2025-02', to = '2025-07') {
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  const r = await monthRange(ctx, { from, to });
  return { facts: dump(await monthlyFromFacts(ctx, {}, r), r.months), raw: dump(await monthlyFromRaw(ctx, {}, r), r.months) };
}
const pay = async (body: Record<string, unknown>) => {
  const r = await t.call('POST', '/api/v1/payments', { key: one.key, body: { billTo: cust, method: 'bank_transfer', ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('facts');
  const db = t.handle.db;
  const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'F1', type: 'corporate', name: 'F1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [e] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'F2', type: 'individual', name: 'F2', country: 'DE', timezone: 'UTC', currency: 'EUR' }).returning();
  cust = c.id;
  eurCust = e.id;
  let seq = 0;
  const inv = async (key: string, status: string, issue: string, due: string, total: string, currency = 'USD') => {
    const [i] = await db.insert(invoices).values({
      tenantId: one.tenantId, billTo: currency === 'EUR' ? e.id : c.id, customerId: currency === 'EUR' ? e.id : c.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency,
      sequence: ++seq, status, number: status === 'draft' ? null : `F-${key}`, issueDate: issue, dueDate: due, lines: [],
      subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
    }).returning();
    ids[key] = i.id;
  };
  await inv('A', 'finalized', '2025-03-05', '2025-03-19', '100.00');
  await inv('B', 'finalized', '2025-04-10', '2025-04-24', '250.00');
  await inv('C', 'draft', '2025-05-01', '2025-05-15', '999.00');
  await inv('D', 'finalized', '2025-05-20', '2025-06-03', '80.00', 'EUR');
  await inv('E', 'finalized', '2025-06-02', '2025-06-16', '60.00');
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('receivable facts', () => {
  it('after issuing: billed and outstanding per month and currency, equal to the raw tables', async () => {
    const { facts, raw } = await both();
    expect(facts).toEqual(raw);
    expect(facts.currencies).toEqual(['EUR', 'USD']);
    expect(facts.cells.filter((x) => x[1] === 'USD').map((x) => [x[0], x[2], x[4]])).toEqual([
      ['2025-02', '0.00', '0.00'], ['2025-03', '100.00', '100.00'], ['2025-04', '250.00', '350.00'], ['2025-05', '0.00', '350.00'],
      ['2025-06', '60.00', '410.00'], ['2025-07', '0.00', '410.00'],
    ]);
  });

  it('payments (one dated back before its invoice was issued, a failed one, a refund) move collected and outstanding alike', async () => {
    await pay({ amount: '100.00', currency: 'USD', receivedOn: '2025-03-25', allocations: [{ invoiceId: ids.A, amount: '100.00' }] });
    // received in March, allocated to an invoice issued in April: it lowers what is owed from April on
    const early = await pay({ amount: '50.00', currency: 'USD', receivedOn: '2025-03-30', allocations: [{ invoiceId: ids.B, amount: '50.00' }] });
    await pay({ amount: '60.00', currency: 'USD', receivedOn: '2025-06-05', status: 'failed', declineCode: 'card_declined' });
    await pay({ billTo: eurCust, amount: '30.00', currency: 'EUR', receivedOn: '2025-06-01', allocations: [{ invoiceId: ids.D, amount: '30.00' }] });
    const refund = await t.call('POST', `/api/v1/payments/${early.id}/refunds`, { key: one.key, body: { amount: '20.00', reason: 'goodwill', destination: 'prepaid' } });
    expect(refund.status).toBe(201);
    const { facts, raw } = await both();
    expect(facts).toEqual(raw);
    expect(facts.cells.filter((x) => x[1] === 'USD').map((x) => [x[0], x[3], x[4]])).toEqual([
      ['2025-02', '0.00', '0.00'], ['2025-03', '130.00', '0.00'], ['2025-04', '0.00', '200.00'], ['2025-05', '0.00', '200.00'],
      ['2025-06', '0.00', '260.00'], ['2025-07', '0.00', '260.00'],
    ]);
  });

  it('voiding, re-dating and issuing a draft are followed; the endpoint answers from the facts', async () => {
    const db = t.handle.db;
    await db.update(invoices).set({ status: 'void' }).where(eq(invoices.id, ids.E));
    await db.update(invoices).set({ issueDate: '2025-02-27' }).where(eq(invoices.id, ids.A));
    await db.update(invoices).set({ status: 'finalized', number: 'F-C' }).where(eq(invoices.id, ids.C));
    const { facts, raw } = await both();
    expect(facts).toEqual(raw);
    expect(facts.cells.filter((x) => x[1] === 'USD').map((x) => [x[0], x[2], x[4]])).toEqual([
      ['2025-02', '100.00', '100.00'], ['2025-03', '0.00', '0.00'], ['2025-04', '250.00', '200.00'], ['2025-05', '999.00', '1199.00'],
      ['2025-06', '0.00', '1199.00'], ['2025-07', '0.00', '1199.00'],
    ]);
    // the facts are what the endpoint reads: delta rows, folded nightly into one per month and currency, not per invoice
    await compactReceivableFacts(db, one.tenantId);
    expect((await both()).facts).toEqual(raw);
    const rows = await db.select().from(receivableFacts).where(and(eq(receivableFacts.tenantId, one.tenantId), eq(receivableFacts.currency, 'USD'), sql`${receivableFacts.month} = '2025-05-01'`));
    expect(rows.map((r) => [r.billed, r.issuedCount])).toEqual([['999.000000000000000', 1]]);
    const api = await t.call('GET', '/api/v1/analytics/receivables?from=2025-02&to=2025-07', { key: one.key });
    const filtered = await t.call('GET', '/api/v1/analytics/receivables?from=2025-02&to=2025-07&customerType=corporate', { key: one.key });
    expect(api.status).toBe(200);
    // the raw path (taken with a customer filter) gives the same months for the USD customer
    const usd = (b: any) => b.billedVsCollected.filter((x: any) => x.currency === 'USD');
    expect(usd(api.body)).toEqual(usd(filtered.body));
    expect(api.body.billedVsCollected.find((x: any) => x.month === '2025-05' && x.currency === 'USD')).toMatchObject({ billed: '999.00', outstanding: '1199.00' });
  });
});
