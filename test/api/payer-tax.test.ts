import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { customers, payers } from '../../server/db/schema';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { invoiceTax } from '../../server/billing/rate-payer';

/**
 * A payer paying for several customers gets ONE invoice whose tax is rounded once per tax name
 * over the whole invoice (spec rating.md §4 step 4), not once per customer and then added up.
 * Three branches at 10.05 each with VAT 10%: per branch 1.005 → 1.01 (×3 = 3.03); over the
 * invoice 3.015 → 3.02.
 */
let t: TestApp;
let tenant: { tenantId: string; key: string };
const clock = () => new Date('2025-05-03T09:00:00Z');

const PLAN = { code: 'pt-branch', name: 'Branch', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '10.05' }] };
const VAT = { id: 'pt-vat', name: 'VAT 10%', kind: 'tax', priority: 1, conditions: { all: [{ fact: 'plan.currency', operator: 'equal', value: 'USD' }] }, event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };
// A second rule of the same tax name for one branch's type: both share the one rounded VAT.
const VAT_PUBLIC = { id: 'pt-vat-public', name: 'VAT 10% (public)', kind: 'tax', priority: 2, conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'public' }] }, event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenant = await t.otherTenant('payer-tax');
  const ctx = systemCtx(t.handle.db, tenant.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, plans: [PLAN], rules: [VAT, VAT_PUBLIC], effectiveFrom: '2025-01-01' });
  const [payer] = await t.handle.db.insert(payers).values({ tenantId: tenant.tenantId, externalId: 'HQ', name: 'Head office' }).returning();
  for (const [i, type] of (['corporate', 'corporate', 'public'] as const).entries()) {
    const [c] = await t.handle.db.insert(customers).values({ tenantId: tenant.tenantId, externalId: `BR-${i}`, type, name: `Branch ${i}`, country: 'US', timezone: 'UTC', currency: 'USD', payerId: payer.id }).returning();
    const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: 'pt-branch' }] } });
    await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: '2025-04-01' } });
  }
});
afterAll(async () => t?.close());

describe('tax on a payer invoice covering several customers', () => {
  it('is rounded once per tax name over the invoice', async () => {
    const r = await t.call('POST', '/api/v1/bill-runs', { key: tenant.key, body: { periodStart: '2025-04-01' } });
    expect(r.status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    const list = await t.call('GET', '/api/v1/invoices?limit=10', { key: tenant.key });
    expect(list.body.total).toBe(1);
    const inv = (await t.call('GET', `/api/v1/invoices/${list.body.data[0].id}`, { key: tenant.key })).body;
    expect(inv).toMatchObject({ subtotal: '30.15', discountTotal: '0.00', taxTotal: '3.02', total: '33.17', amountDue: '33.17' });
    const tax = inv.lines.filter((l: { kind: string }) => l.kind === 'tax');
    // 3.02 split over the two VAT rules in proportion to their exact tax (2.01 : 1.005).
    expect(tax).toEqual([
      expect.objectContaining({ rule: 'pt-vat', name: 'VAT', amount: '2.01' }),
      expect.objectContaining({ rule: 'pt-vat-public', name: 'VAT', amount: '1.01' }),
    ]);
    expect(tax.every((l: { customerId?: string }) => l.customerId === undefined)).toBe(true);
    const charges = inv.lines.filter((l: { kind: string }) => l.kind === 'charge').map((l: { amount: string }) => l.amount);
    expect(charges).toEqual(['10.05', '10.05', '10.05']);
  });

  it('invoiceTax rounds per name with the tenant mode and splits by largest remainder', () => {
    const exact = [
      { rule: 'a', name: 'VAT', amount: '1.00500000' }, { rule: 'a', name: 'VAT', amount: '1.00500000' },
      { rule: 'b', name: 'VAT', amount: '1.00500000' }, { rule: 'c', name: 'Local', amount: '0.12500000' },
    ];
    const up = invoiceTax(exact, 'USD', 'half_up');
    expect(up.total.toString()).toBe('3.15');
    expect(up.lines.map((l) => [l.rule, l.name, l.amount])).toEqual([['a', 'VAT', '2.01'], ['b', 'VAT', '1.01'], ['c', 'Local', '0.13']]);
    const even = invoiceTax(exact, 'USD', 'half_even');
    expect(even.lines.map((l) => l.amount)).toEqual(['2.01', '1.01', '0.12']);
    expect(invoiceTax(exact, 'USD', 'down').total.toString()).toBe('3.13');
    expect(invoiceTax([{ rule: 'k', name: 'VAT', amount: '999.50000000' }, { rule: 'k', name: 'VAT', amount: '999.50000000' }], 'KRW', 'half_up').lines)
      .toEqual([{ kind: 'tax', rule: 'k', name: 'VAT', amount: '1999' }]);
  });
});
