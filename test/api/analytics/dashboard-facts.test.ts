/**
 * The bill-based dashboard from its facts (invoice_period_facts, subscription_span_facts, kept by
 * triggers) answers exactly what it answers from every invoice and subscription: invoices
 * inserted in several statuses, months and currencies, a draft issued, one voided, one moved to
 * another month, one deleted; subscriptions started, ended (in the range, after it, before their
 * start), moved to another plan, deleted; with and without a plan filter, over several ranges;
 * a rolled-back write leaves no fact; the nightly fold keeps the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, subscriptions } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { dashboardFrom } from '../../../server/analytics/dashboard';
import { compactDashboardFacts } from '../../../server/analytics/receivable-facts-compact';

let t: TestApp;
let one: { tenantId: string; key: string };
let cust = '';
let seq = 0;
const clock = () => new Date('2025-07-10T12:00:00Z');
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
const factRows = async () => Number(rowsOf(await t.handle.db.execute(sql`select
  (select count(*) from invoice_period_facts where tenant_id = ${one.tenantId}) + (select count(*) from subscription_span_facts where tenant_id = ${one.tenantId}) as n`))[0].n);

const invoice = (month: string, status: string, total: string, currency = 'USD') => ({
  tenantId: one.tenantId, billTo: cust, customerId: cust, periodStart: `${month}-01`, periodEnd: `${month}-28`, currency,
  sequence: ++seq, status, number: status === 'draft' ? null : `DF-${seq}`, issueDate: `${month}-01`, dueDate: `${month}-15`,
  lines: [] as never, subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
});
const sub = (plan: string, start: string, end: string | null) => ({ tenantId: one.tenantId, customerId: cust, planCode: plan, status: end ? 'cancelled' : 'active', startDate: start, endDate: end });

async function expectEqual() {
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  let last: unknown;
  for (const q of [{}, { from: '2025-01', to: '2025-07' }, { from: '2025-04', to: '2025-04' }, { from: '2024-11', to: '2025-09', planCode: 'pro' }, { planCode: 'basic' }]) {
    const facts = await dashboardFrom(ctx, q, 'facts');
    expect(facts, JSON.stringify(q)).toEqual(await dashboardFrom(ctx, q, 'raw'));
    last ??= facts;
  }
  return dashboardFrom(ctx, { from: '2025-01', to: '2025-07' }, 'facts');
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dashfacts');
  const [c] = await t.handle.db.insert(customers).values({ tenantId: one.tenantId, externalId: 'D1', type: 'corporate', name: 'D1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  cust = c.id;
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('dashboard facts', () => {
  const ids: Record<string, string> = {};
  it('follow invoices and subscriptions as they are written, changed and deleted', async () => {
    const db = t.handle.db;
    for (const [k, v] of Object.entries({
      A: invoice('2025-02', 'paid', '100.00'), B: invoice('2025-04', 'finalized', '50.25'), C: invoice('2025-04', 'draft', '70.00'),
      D: invoice('2025-05', 'partially_paid', '30.00', 'EUR'), E: invoice('2025-06', 'payment_failed', '12.34'), F: invoice('2024-12', 'paid', '9.99'),
    })) ids[k] = (await db.insert(invoices).values(v).returning())[0].id;
    for (const [k, v] of Object.entries({
      S1: sub('pro', '2025-01-15', null), S2: sub('pro', '2025-03-01', '2025-05-20'), S3: sub('basic', '2025-04-30', '2025-09-01'),
      S4: sub('basic', '2024-10-01', null), S5: sub('pro', '2025-06-10', '2025-06-01'),
    })) ids[k] = (await db.insert(subscriptions).values(v).returning())[0].id;
    const f = await expectEqual();
    expect(f.revenue).toEqual([{ month: '2025-02', currency: 'USD', amount: '100.00' }, { month: '2025-04', currency: 'USD', amount: '50.25' },
      { month: '2025-05', currency: 'EUR', amount: '30.00' }, { month: '2025-06', currency: 'USD', amount: '12.34' }]);
    expect(f.subscribers.find((s) => s.month === '2025-04')).toEqual({ month: '2025-04', active: 4, new: 1, churned: 0 });
    expect(f.subscribers.find((s) => s.month === '2025-06')).toEqual({ month: '2025-06', active: 3, new: 1, churned: 1 });

    await db.update(invoices).set({ status: 'finalized', number: 'DF-C' }).where(eq(invoices.id, ids.C));
    await db.update(invoices).set({ status: 'void' }).where(eq(invoices.id, ids.B));
    await db.update(invoices).set({ periodStart: '2025-07-01', total: '13.00' }).where(eq(invoices.id, ids.E));
    await db.update(invoices).set({ amountPaid: '5.00' }).where(eq(invoices.id, ids.D)); // no key or sum of the facts: nothing added
    await db.delete(invoices).where(eq(invoices.id, ids.F));
    await db.update(subscriptions).set({ endDate: '2025-07-05', status: 'cancelled' }).where(eq(subscriptions.id, ids.S1));
    await db.update(subscriptions).set({ planCode: 'basic' }).where(eq(subscriptions.id, ids.S2));
    await db.delete(subscriptions).where(eq(subscriptions.id, ids.S5));
    const g = await expectEqual();
    expect(g.revenue.map((r) => [r.month, r.amount])).toEqual([['2025-02', '100.00'], ['2025-04', '70.00'], ['2025-05', '30.00'], ['2025-07', '13.00']]);
    expect(g.invoicesByStatus.find((r) => r.status === 'void')).toMatchObject({ count: 1, amount: '50.25' });
    expect(g.subscribers.find((s) => s.month === '2025-07')).toEqual({ month: '2025-07', active: 2, new: 0, churned: 1 });
  });

  it('a rolled-back write leaves no fact; the nightly fold keeps the answer', async () => {
    const rows = await factRows();
    const err = await t.handle.db.transaction(async (tx) => {
      await tx.insert(invoices).values(invoice('2025-03', 'paid', '999.00'));
      await tx.insert(subscriptions).values(sub('pro', '2025-03-03', null));
      throw new Error('rolled back');
    }).catch((e: Error) => e.message);
    expect(err).toBe('rolled back');
    expect(await factRows()).toBe(rows);
    const was = await expectEqual();
    await compactDashboardFacts(t.handle.db, one.tenantId);
    expect(await factRows()).toBeLessThan(rows);
    expect(await expectEqual()).toEqual(was);
    const api = await t.call('GET', '/api/v1/analytics/dashboard?from=2025-01&to=2025-07', { key: one.key });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(JSON.parse(JSON.stringify(was)));
  });
});
