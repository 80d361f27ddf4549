/**
 * Retry recovery, worked out by hand over stored collection attempts: invoice A failed then was
 * collected by the next automatic attempt (retry), B failed and was paid by transfer after a
 * dunning reminder (dunning), C failed and was paid in part by hand (manual); D never failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { collectionAttempts, customers, dunningActions, invoices, paymentAllocations, paymentMethods, payments } from '../../../server/db/schema';

let t: TestApp;
let one: { tenantId: string; key: string };
const clock = () => new Date('2025-07-10T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('retry');
  const db = t.handle.db;
  const tenantId = one.tenantId;
  const [c] = await db.insert(customers).values({ tenantId, externalId: 'RR', type: 'corporate', name: 'RR', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [pm] = await db.insert(paymentMethods).values({ tenantId, billTo: c.id, customerId: c.id, type: 'card', provider: 'sandbox', token: 'tok_1' }).returning();
  let seq = 0;
  const inv = async (issue: string, total: string, paid: string) => (await db.insert(invoices).values({
    tenantId, billTo: c.id, customerId: c.id, periodStart: `${issue.slice(0, 7)}-01`, periodEnd: `${issue.slice(0, 7)}-28`, currency: 'USD', sequence: ++seq,
    status: paid === total ? 'paid' : 'payment_failed', number: `RR-${seq}`, issueDate: issue, dueDate: issue, lines: [],
    subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total, amountPaid: paid }).returning())[0];
  const pay = async (invoiceId: string, amount: string, receivedOn: string, status: 'failed' | 'succeeded', attempt?: number, method: 'card' | 'bank_transfer' = 'card') => {
    const [p] = await db.insert(payments).values({ tenantId, billTo: c.id, customerId: c.id, method, amount, currency: 'USD', receivedOn, status, declineCode: status === 'failed' ? 'card_declined' : null }).returning();
    if (attempt) await db.insert(collectionAttempts).values({ tenantId, invoiceId, attempt, idempotencyKey: `bw-${invoiceId}-${attempt}`, paymentMethodId: pm.id, paymentId: p.id });
    if (status === 'succeeded') await db.insert(paymentAllocations).values({ tenantId, paymentId: p.id, invoiceId, amount });
  };
  const a = await inv('2025-05-01', '100.00', '100.00');
  await pay(a.id, '100.00', '2025-05-02', 'failed', 1);
  await pay(a.id, '100.00', '2025-05-05', 'succeeded', 2);
  const b = await inv('2025-05-08', '200.00', '200.00');
  await pay(b.id, '200.00', '2025-05-10', 'failed', 1);
  await db.insert(dunningActions).values({ tenantId, invoiceId: b.id, billTo: c.id, ruleCode: 'remind', ruleVersion: 1, step: 0, action: 'email', status: 'done', runDate: '2025-05-20', lastAttemptOn: '2025-05-20' });
  await pay(b.id, '200.00', '2025-05-25', 'succeeded', undefined, 'bank_transfer');
  const cc = await inv('2025-06-01', '50.00', '20.00');
  await pay(cc.id, '50.00', '2025-06-03', 'failed', 1);
  await pay(cc.id, '20.00', '2025-06-10', 'succeeded', undefined, 'bank_transfer');
  const d = await inv('2025-06-01', '70.00', '70.00');
  await pay(d.id, '70.00', '2025-06-02', 'succeeded', 1);
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('retry recovery', () => {
  it('by month of the first failure: failed, recovered, by channel, rates and days to recover', async () => {
    const r = await t.call('GET', '/api/v1/analytics/retry-recovery?from=2025-05&to=2025-07', { key: one.key });
    expect(r.status).toBe(200);
    expect(r.body.recovery).toEqual([
      // A: retry 3 days after failing; B: after the reminder of 05-20, 15 days after failing
      { month: '2025-05', currency: 'USD', failedInvoices: 2, failedAmount: '300.00', recoveredInvoices: 2, recoveredAmount: '300.00',
        byChannel: { retry: '100.00', dunning: '200.00', manual: '0.00' }, recoveryRate: '1.0000', invoiceRecoveryRate: '1.0000', avgDaysToRecover: '9.0' },
      // C: 20 of 50 paid by hand, not recovered in full
      { month: '2025-06', currency: 'USD', failedInvoices: 1, failedAmount: '50.00', recoveredInvoices: 0, recoveredAmount: '20.00',
        byChannel: { retry: '0.00', dunning: '0.00', manual: '20.00' }, recoveryRate: '0.4000', invoiceRecoveryRate: '0.0000', avgDaysToRecover: null },
    ]);
  });

  it('is empty for a tenant without automatic collection', async () => {
    const other = await t.otherTenant('noretry');
    const r = await t.call('GET', '/api/v1/analytics/retry-recovery', { key: other.key });
    expect(r.status).toBe(200);
    expect(r.body.recovery).toEqual([]);
  });
});
