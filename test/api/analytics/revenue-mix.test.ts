/**
 * Usage revenue: billed revenue split into recurring, usage and one-time from the lines of the
 * bills behind issued invoices (before tax), worked out by hand. A draft's bill is not revenue;
 * a component discount counts against its component's kind, an invoice-wide one on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { bills, customers, invoices } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { importDocuments } from '../../../server/catalog/versions';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-07-10T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('mix');
  const db = t.handle.db;
  await importDocuments({ ctx: systemCtx(db, one.tenantId, PERMISSION_CODES, clock), effectiveFrom: '2025-01-01', plans: [{
    code: 'u-plan', name: 'u-plan', currency: 'USD', interval: 'month', intervalCount: 1, components: [
      { code: 'base', type: 'flat', amount: '50.00' },
      { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'standard', unitAmount: '0.01' } }] }] });
  const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'M1', type: 'corporate', name: 'M1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const o = await t.call('POST', '/api/v1/orders', { key: one.key, body: { customerId: c.id, items: [{ planCode: 'u-plan' }] } });
  const done = await t.call('POST', `/api/v1/orders/${o.body.id}/status`, { key: one.key, body: { status: 'completed', billingStartDate: '2025-05-01' } });
  const subscriptionId = done.body.subscriptionIds[0] as string;
  const lines = [
    { kind: 'charge', component: 'base', amount: '50.00' },
    { kind: 'charge', component: 'calls', quantity: '1250', amount: '12.50' },
    { kind: 'charge', component: 'setup', amount: '100.00', detail: { code: 'one_time' } },
    { kind: 'discount', component: 'base', rule: 'ten-off', amount: '-5.00' },
    { kind: 'discount', rule: 'wide', amount: '-2.50' },
    { kind: 'tax', name: 'VAT', amount: '15.50' },
  ];
  let seq = 0;
  for (const [status, issue] of [['paid', '2025-06-01'], ['draft', '2025-07-01']]) {
    const [i] = await db.insert(invoices).values({
      tenantId: one.tenantId, billTo: c.id, customerId: c.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: 'USD',
      sequence: ++seq, status, number: status === 'draft' ? null : `MIX-${seq}`, issueDate: issue, dueDate: issue, lines,
      subtotal: '162.50', discountTotal: '7.50', taxTotal: '15.50', total: '170.50', amountDue: '170.50',
    }).returning();
    await db.insert(bills).values({ tenantId: one.tenantId, subscriptionId, customerId: c.id, billTo: c.id, invoiceId: i.id, periodStart: `${issue.slice(0, 7)}-01`,
      periodEnd: `${issue.slice(0, 7)}-28`, cycleIndex: seq, currency: 'USD', segments: [{ planCode: 'u-plan', startDate: `${issue.slice(0, 7)}-01` }],
      lines: lines.filter((l) => l.kind !== 'tax'), subtotal: '162.50', discountTotal: '7.50' });
  }
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('revenue mix', () => {
  it('splits issued revenue into recurring, usage and one-time; drafts and tax are not in it', async () => {
    const r = await t.call('GET', '/api/v1/analytics/revenue-mix?from=2025-06&to=2025-07', { key: one.key });
    expect(r.status).toBe(200);
    expect(r.body.revenue).toEqual([
      // 50 − 5 recurring; 12.50 usage; 100 one-time; −2.50 invoice-wide; 155 in all; usage 12.50 ÷ 155
      { month: '2025-06', currency: 'USD', recurring: '45.00', usage: '12.50', oneTime: '100.00', discounts: '-2.50', total: '155.00', usageShare: '0.0806' },
      { month: '2025-07', currency: 'USD', recurring: '0.00', usage: '0.00', oneTime: '0.00', discounts: '0.00', total: '0.00', usageShare: null },
    ]);
  });

  it('takes the same filters as every analytics endpoint', async () => {
    const other = await t.call('GET', '/api/v1/analytics/revenue-mix?from=2025-06&to=2025-06&planCode=nope', { key: one.key });
    expect(other.body.revenue).toEqual([]);
    const bad = await t.call('GET', '/api/v1/analytics/revenue-mix?customerType=robot', { key: one.key });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(['query.customerType']);
  });
});

describe('drill-down: the invoice list by issue date', () => {
  it('lists the invoices issued in a month, and names a bad date or an inverted range', async () => {
    const list = async (qs: string) => t.call('GET', `/api/v1/invoices?${qs}`, { key: one.key });
    const june = await list('issuedFrom=2025-06-01&issuedTo=2025-06-30');
    expect(june.status).toBe(200);
    expect(june.body.data.map((i: any) => [i.number, i.issueDate])).toEqual([['MIX-1', '2025-06-01']]);
    expect((await list('issuedFrom=2025-06-02')).body.data.map((i: any) => i.issueDate)).toEqual(['2025-07-01']);
    expect((await list('issuedTo=2025-06-01')).body.data.map((i: any) => i.issueDate)).toEqual(['2025-06-01']);
    const bad = await list('issuedFrom=2025-02-30&issuedTo=june');
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['query.issuedFrom', 'query.issuedTo']);
    const inverted = await list('issuedFrom=2025-07-01&issuedTo=2025-06-30');
    expect(inverted.status).toBe(422);
    expect(inverted.body.issues).toMatchObject([{ path: 'query.issuedTo', message: 'must not be before issuedFrom' }]);
  });
});
