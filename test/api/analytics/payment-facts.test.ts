/**
 * payment_facts, payment_allocation_facts and late_payer_facts, kept by triggers, give exactly what
 * the raw tables give (the payment-patterns endpoint's whole answer, both ways), after every kind
 * of write: payments through the API (on time, late, failed with a decline code, another currency,
 * a refund), an invoice's due date moved, a payment re-dated, a customer's type changed, the
 * tenant's time zone changed; a write that is rolled back leaves no fact; compaction keeps the
 * figures; and (PostgreSQL) two writers of the same day do not wait for each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, payments, tenants } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { paymentPatternsFrom } from '../../../server/analytics/payment-patterns';
import { compactPaymentFacts } from '../../../server/analytics/payment-facts-compact';

let t: TestApp;
let one: { tenantId: string; key: string };
let cust = '';
let eurCust = '';
let seq = 0;
const ids: Record<string, string> = {};
const clock = () => new Date('2025-07-10T12:00:00Z');
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

async function both(from = '2025-02', to = '2025-07', extra: Record<string, string> = {}) {
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  const facts = await paymentPatternsFrom(ctx, { from, to, ...extra }, 'facts');
  const raw = await paymentPatternsFrom(ctx, { from, to, ...extra }, 'raw');
  return { facts, raw };
}
async function expectEqual() {
  for (const [from, to, extra] of [['2025-02', '2025-07', {}], ['2025-05', '2025-06', {}], ['2025-02', '2025-07', { currency: 'USD' }]] as const) {
    const { facts, raw } = await both(from, to, extra);
    expect(facts).toEqual(raw);
  }
  return (await both()).facts;
}
const factRows = async () => Number(rowsOf(await t.handle.db.execute(sql`select
  (select count(*) from payment_facts where tenant_id = ${one.tenantId}) + (select count(*) from payment_allocation_facts where tenant_id = ${one.tenantId})
  + (select count(*) from late_payer_facts where tenant_id = ${one.tenantId}) as n`))[0].n);
const pay = async (body: Record<string, unknown>) => {
  const r = await t.call('POST', '/api/v1/payments', { key: one.key, body: { billTo: cust, method: 'bank_transfer', ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const invoice = (billTo: string, issue: string, due: string, total: string, currency = 'USD') => ({
  tenantId: one.tenantId, billTo, customerId: billTo, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency,
  sequence: ++seq, status: 'finalized', number: `PF-${seq}`, issueDate: issue, dueDate: due, lines: [],
  subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
});

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('payfacts');
  const db = t.handle.db;
  const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'P1', type: 'corporate', name: 'P1 Corp', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [e] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'P2', type: 'individual', name: 'P2', country: 'DE', timezone: 'UTC', currency: 'EUR' }).returning();
  cust = c.id;
  eurCust = e.id;
  for (const [k, v] of Object.entries({ A: invoice(c.id, '2025-03-05', '2025-03-19', '100.00'), B: invoice(c.id, '2025-04-10', '2025-04-24', '250.00'), D: invoice(e.id, '2025-05-20', '2025-06-03', '80.00', 'EUR') })) {
    ids[k] = (await db.insert(invoices).values(v).returning())[0].id;
  }
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('payment facts', () => {
  it('payments through the API (on time, late, failed, another currency, refunded): facts == raw, and the figures by hand', async () => {
    await pay({ amount: '100.00', currency: 'USD', receivedOn: '2025-03-15', allocations: [{ invoiceId: ids.A, amount: '100.00' }] });
    const late = await pay({ amount: '50.00', currency: 'USD', receivedOn: '2025-05-01', method: 'card', allocations: [{ invoiceId: ids.B, amount: '50.00' }] });
    await pay({ amount: '60.00', currency: 'USD', receivedOn: '2025-06-05', method: 'card', status: 'failed', declineCode: 'card_declined' });
    await pay({ billTo: eurCust, amount: '30.00', currency: 'EUR', receivedOn: '2025-06-01', allocations: [{ invoiceId: ids.D, amount: '30.00' }] });
    const refund = await t.call('POST', `/api/v1/payments/${late.id}/refunds`, { key: one.key, body: { amount: '20.00', reason: 'goodwill', destination: 'prepaid' } });
    expect(refund.status).toBe(201);
    const f = await expectEqual();
    expect(f.methodMix.map((m) => [m.month, m.method, m.currency, m.count, m.amount])).toEqual([
      ['2025-03', 'bank_transfer', 'USD', 1, '100.00'], ['2025-05', 'card', 'USD', 1, '50.00'], ['2025-06', 'bank_transfer', 'EUR', 1, '30.00']]);
    expect(f.outcomes).toEqual([{ method: 'bank_transfer', succeeded: 2, failed: 0, successRate: '1.0000' }, { method: 'card', succeeded: 1, failed: 1, successRate: '0.5000' }]);
    expect(f.declines).toEqual([{ method: 'card', declineCode: 'card_declined', count: 1 }]);
    expect(f.timeliness).toEqual({ onTime: 2, late: 1, onTimeShare: '0.6667' });
    expect(f.latePayers).toEqual([{ billTo: cust, name: 'P1 Corp', late: 1, avgDaysLate: '7.0' }]);
    expect(f.daysToPay).toEqual([
      { method: 'bank_transfer', customerType: 'corporate', bucket: '8-14', count: 1 }, { method: 'bank_transfer', customerType: 'individual', bucket: '8-14', count: 1 },
      { method: 'card', customerType: 'corporate', bucket: '15-30', count: 1 }]);
  });

  it('a moved due date, a re-dated payment, a customer type and the tenant time zone are followed', async () => {
    const db = t.handle.db;
    await db.update(invoices).set({ dueDate: '2025-05-10' }).where(eq(invoices.id, ids.B)); // the late payment is now on time
    expect((await expectEqual()).timeliness).toMatchObject({ onTime: 3, late: 0 });
    await db.update(payments).set({ receivedOn: '2025-04-02' }).where(eq(payments.currency, 'EUR')); // 2025-06-01 → April: before D was issued
    await db.update(customers).set({ type: 'individual' }).where(eq(customers.id, cust));
    const before = (await both()).facts.heatmap;
    await db.update(tenants).set({ timezone: 'Asia/Kathmandu' }).where(eq(tenants.id, one.tenantId)); // UTC+5:45
    const f = await expectEqual();
    expect(f.daysToPay.every((d) => d.customerType === 'individual')).toBe(true);
    expect(f.methodMix.map((m) => [m.month, m.currency])).toContainEqual(['2025-04', 'EUR']);
    expect(f.heatmap).not.toEqual(before);
    expect(f.heatmap.reduce((s, h) => s + h.count, 0)).toBe(before.reduce((s, h) => s + h.count, 0));
  });

  it('a rolled-back payment leaves no fact', async () => {
    const rows = await factRows();
    const was = (await both()).facts;
    const err = await t.handle.db.transaction(async (tx) => {
      const [p] = await tx.insert(payments).values({ tenantId: one.tenantId, billTo: cust, customerId: cust, method: 'cash', amount: '250.00', currency: 'USD', receivedOn: '2025-06-30', status: 'succeeded' }).returning();
      await tx.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount) values (${one.tenantId}, ${p.id}, ${ids.B}, 200)`);
      expect(Number(rowsOf(await tx.execute(sql`select count(*)::int as n from payment_facts where tenant_id = ${one.tenantId} and method = 'cash'`))[0].n)).toBe(1);
      throw new Error('rolled back');
    }).catch((e: Error) => e.message);
    expect(err).toBe('rolled back');
    expect(await factRows()).toBe(rows);
    expect((await expectEqual())).toEqual(was);
  });

  it('compaction folds the delta rows, and the figures stay the raw ones', async () => {
    const was = await expectEqual();
    const { before, after } = await compactPaymentFacts(t.handle.db, one.tenantId);
    expect(after).toBeLessThan(before);
    expect(await factRows()).toBe(after);
    expect(await expectEqual()).toEqual(was);
    // the endpoint reads the facts; with a customer filter it reads the raw tables
    const api = await t.call('GET', '/api/v1/analytics/payment-patterns?from=2025-02&to=2025-07', { key: one.key });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(JSON.parse(JSON.stringify(was)));
    const filtered = await t.call('GET', '/api/v1/analytics/payment-patterns?from=2025-02&to=2025-07&customerType=individual', { key: one.key });
    expect(filtered.status).toBe(200);
    expect(filtered.body.timeliness).toEqual(was.timeliness);
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('a second writer of the same tenant and day does not wait for the first to commit', async () => {
    const db = t.handle.db;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let firstInserted!: () => void;
    const inserted = new Promise<void>((r) => { firstInserted = r; });
    const row = (amount: string) => ({ tenantId: one.tenantId, billTo: cust, customerId: cust, method: 'card' as const, amount, currency: 'USD', receivedOn: '2025-07-01', status: 'succeeded' as const });
    const first = db.transaction(async (tx) => {
      const [p] = await tx.insert(payments).values(row('10.00')).returning();
      await tx.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount) values (${one.tenantId}, ${p.id}, ${ids.B}, 10)`);
      firstInserted();
      await held;
    });
    await inserted;
    // another bill-to party: late allocations of one party take turns on its late_payer_months row (late-payers.test.ts)
    const second = await db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      const [p] = await tx.insert(payments).values({ ...row('20.00'), billTo: eurCust, customerId: eurCust }).returning();
      await tx.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount) values (${one.tenantId}, ${p.id}, ${ids.D}, 20)`);
      return 'committed';
    }).catch((e: Error) => e.message);
    release();
    await first;
    expect(second).toBe('committed');
    const f = await expectEqual();
    expect(f.methodMix).toContainEqual({ month: '2025-07', method: 'card', currency: 'USD', count: 2, amount: '30.00' });
  });
});
