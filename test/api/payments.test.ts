/**
 * Payments through the API: recording, explicit and automatic allocation (oldest due date
 * first), partially_paid → paid, overpayment into the prepaid wallet, refunds to the provider and
 * to the wallet, wallet adjustments, due dates from payment terms, the 422s naming each field,
 * Idempotency-Key, and another tenant seeing and touching nothing of ours.
 * Hand-worked amounts (USD, VAT 10%): fx-basic 31.00 + 3.10 = 34.10 a month; fx-seats with
 * 2 seats 10.00 + 6.00 + 1.60 = 17.60.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let payerId: string;
const inv: Record<string, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => t.call(method, `/api/v1${path}`, { key: one.key, body, headers });
const invoice = async (id: string) => (await call('GET', `/invoices/${id}`)).body;
const wallets = async (billTo: string) => (await call('GET', `/payers/${billTo}/wallets`)).body.data;

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('pay');
  const world = await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-03-01' });
  c = world.customerIds;
  const p = await call('POST', '/payers', { name: 'Head office', paymentTermsDays: 30 });
  expect(p.status).toBe(201);
  payerId = p.body.id;
  expect((await call('PATCH', `/customers/${c[2]}`, { payerId })).status).toBe(200);
  for (const periodStart of ['2025-03-01', '2025-04-01']) expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  const all = (await call('GET', '/invoices?limit=50')).body.data as any[];
  for (const i of all) inv[`${i.customerId === c[0] ? 'c0' : i.customerId === c[1] ? 'c1' : 'c2'}-${i.periodStart.slice(5, 7)}`] = i;
  expect(Object.keys(inv).sort()).toEqual(['c0-03', 'c0-04', 'c1-03', 'c1-04', 'c2-03', 'c2-04']);
  expect(inv['c0-03'].total).toBe('34.10');
  expect(inv['c1-03'].total).toBe('17.60');
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('due dates from payment terms', () => {
  it("finalize sets the due date from the tenant's terms, changed per tenant and overridden per payer", async () => {
    const april = await call('POST', `/invoices/${inv['c0-04'].id}/finalize`);
    expect(april.body).toMatchObject({ issueDate: '2025-05-02', dueDate: '2025-05-16' }); // the default 14 days
    expect((await call('PATCH', '/tenant', { paymentTermsDays: 7 })).body.paymentTermsDays).toBe(7);
    expect((await call('POST', `/invoices/${inv['c0-03'].id}/finalize`)).body.dueDate).toBe('2025-05-09');
    expect((await call('POST', `/invoices/${inv['c1-03'].id}/finalize`)).body.dueDate).toBe('2025-05-09');
    const payerOwn = await call('POST', `/invoices/${inv['c2-03'].id}/finalize`);
    expect(payerOwn.body).toMatchObject({ payerId, dueDate: '2025-06-01' });
  });
});

describe('recording and allocating payments', () => {
  it('a partial explicit payment leaves the invoice partially_paid with the rest due', async () => {
    const r = await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount: '10.00', currency: 'USD', allocations: [{ invoiceId: inv['c0-03'].id, amount: '10' }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'succeeded', provider: 'manual', amount: '10.00', allocatedAmount: '10.00', walletCredited: '0.00', receivedOn: '2025-05-02', customerId: c[0], payerId: null });
    expect(r.body.allocations).toMatchObject([{ invoiceId: inv['c0-03'].id, amount: '10.00', invoiceNumber: expect.stringMatching(/^INV-/) }]);
    expect(await invoice(inv['c0-03'].id)).toMatchObject({ status: 'partially_paid', amountPaid: '10.00', amountDue: '24.10', invoicedAmountDue: '34.10' });
  });

  it('without allocations it pays the oldest due date first and credits the rest to the prepaid wallet', async () => {
    // March (due 05-09) is older than April (due 05-16) although April was numbered first.
    const first = await call('POST', '/payments', { billTo: c[0], method: 'card', amount: '30.00', currency: 'USD', receivedOn: '2025-05-01' });
    expect(first.status).toBe(201);
    expect(first.body.allocations.map((a: any) => [a.invoiceId, a.amount])).toEqual([[inv['c0-03'].id, '24.10'], [inv['c0-04'].id, '5.90']]);
    expect(await invoice(inv['c0-03'].id)).toMatchObject({ status: 'paid', amountDue: '0.00', amountPaid: '34.10' });
    expect(await invoice(inv['c0-04'].id)).toMatchObject({ status: 'partially_paid', amountDue: '28.20' });
    const r = await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount: '30.00', currency: 'USD' });
    expect(r.body.allocations.map((a: any) => [a.invoiceId, a.amount])).toEqual([[inv['c0-04'].id, '28.20']]);
    expect(r.body).toMatchObject({ allocatedAmount: '28.20', walletCredited: '1.80', refundableAmount: '28.20' });
    expect(await invoice(inv['c0-04'].id)).toMatchObject({ status: 'paid', amountDue: '0.00' });
    inv.firstPayment = first.body.id;
    const [w] = await wallets(c[0]);
    expect(w).toMatchObject({ kind: 'prepaid', currency: 'USD', balance: '1.80', customerId: c[0] });
    const entries = (await call('GET', `/wallets/${w.id}/entries`)).body;
    expect(entries.data).toMatchObject([{ type: 'overpayment', amount: '1.80', balanceAfter: '1.80', paymentId: r.body.id }]);
    inv.bigPayment = r.body.id;
    inv.wallet0 = w.id;
  });

  it('lists payments with filters and pages', async () => {
    expect((await call('GET', `/payments?billTo=${c[0]}`)).body.total).toBe(3);
    expect((await call('GET', '/payments?method=card')).body.data.map((p: any) => p.id)).toEqual([inv.firstPayment]);
    expect((await call('GET', '/payments?from=2025-05-02')).body.total).toBe(2);
    expect((await call('GET', '/payments?to=2025-05-02')).body.data.map((p: any) => p.id)).toEqual([inv.firstPayment]);
    expect((await call('GET', '/payments?status=succeeded&method=bank_transfer')).body.total).toBe(2);
    const page = (await call('GET', '/payments?limit=1&offset=2')).body;
    expect(page).toMatchObject({ total: 3, data: [{ id: inv.firstPayment }] });
  });

  it('a failed payment keeps its decline and is not allocated; it needs a decline code', async () => {
    const noCode = await call('POST', '/payments', { billTo: c[1], method: 'card', amount: '17.60', currency: 'USD', status: 'failed' });
    expect(noCode.status).toBe(422);
    expect(noCode.body.issues).toMatchObject([{ path: 'declineCode', message: 'is required for a failed payment' }]);
    const r = await call('POST', '/payments', { billTo: c[1], method: 'card', amount: '17.60', currency: 'USD', status: 'failed', declineCode: 'insufficient_funds', declineMessage: 'Insufficient funds' });
    expect(r.body).toMatchObject({ status: 'failed', declineCode: 'insufficient_funds', allocatedAmount: '0.00', allocations: [] });
    expect((await invoice(inv['c1-03'].id)).status).toBe('finalized');
  });

  it('mark-paid still settles a partially paid invoice by hand; void is refused once money is allocated', async () => {
    const r = await call('POST', '/payments', { billTo: c[1], method: 'cash', amount: '5', currency: 'USD' });
    expect(r.body.allocations).toMatchObject([{ invoiceId: inv['c1-03'].id, amount: '5.00' }]);
    const v = await call('POST', `/invoices/${inv['c1-03'].id}/void`);
    expect(v.status).toBe(409);
    expect(v.body.detail).toBe('Invoice is partially_paid; void needs draft or finalized or payment_failed');
    expect((await call('POST', `/invoices/${inv['c1-03'].id}/mark-paid`)).body).toMatchObject({ status: 'paid', amountPaid: '5.00', amountDue: '0.00' });
  });

  it('a payer pays from prepaid balance, never more than the wallet holds', async () => {
    const empty = await call('POST', '/payments', { billTo: payerId, method: 'prepaid', amount: '10', currency: 'USD' });
    expect(empty.status).toBe(422);
    expect(empty.body.issues).toMatchObject([{ path: 'amount', message: 'would take the wallet balance below zero (balance 0.00)' }]);
    const cash = await call('POST', '/payments', { billTo: payerId, method: 'cash', amount: '40', currency: 'USD', allocations: [{ invoiceId: inv['c2-03'].id, amount: '30' }] });
    expect(cash.body).toMatchObject({ payerId, allocatedAmount: '30.00', walletCredited: '10.00' });
    const pre = await call('POST', '/payments', { billTo: payerId, method: 'prepaid', amount: '4.10', currency: 'USD' });
    expect(pre.status).toBe(201);
    expect(await invoice(inv['c2-03'].id)).toMatchObject({ status: 'paid', amountPaid: '34.10' });
    expect((await wallets(payerId))[0].balance).toBe('5.90');
    const over = await call('POST', '/payments', { billTo: payerId, method: 'prepaid', amount: '1', currency: 'USD' });
    expect(over.status).toBe(422); // nothing is owed: prepaid balance stays in the wallet
    expect(over.body.issues[0].path).toBe('amount');
  });
});

describe('refunds', () => {
  it('refunds partly to the provider, refuses more than is refundable, and the rest into prepaid balance', async () => {
    const tooMuch = await call('POST', `/payments/${inv.bigPayment}/refunds`, { amount: '28.21', reason: 'duplicate charge' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.issues).toMatchObject([{ path: 'amount', message: 'is more than the refundable amount 28.20' }]);
    const part = await call('POST', `/payments/${inv.bigPayment}/refunds`, { amount: '8.20', reason: 'goodwill', destination: 'original' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ status: 'partially_refunded', refundedAmount: '8.20', refundableAmount: '20.00' });
    expect(part.body.refunds).toMatchObject([{ amount: '8.20', destination: 'original', status: 'succeeded', reason: 'goodwill' }]);
    const rest = await call('POST', `/payments/${inv.bigPayment}/refunds`, { amount: '20', reason: 'keep as credit', destination: 'prepaid' });
    expect(rest.body).toMatchObject({ status: 'refunded', refundedAmount: '28.20', refundableAmount: '0.00' });
    // Refunds do not reopen invoices (README: refunds).
    expect((await invoice(inv['c0-03'].id)).status).toBe('paid');
    const [w] = await wallets(c[0]);
    expect(w.balance).toBe('21.80');
    const again = await call('POST', `/payments/${inv.bigPayment}/refunds`, { amount: '1', reason: 'x' });
    expect(again.status).toBe(409);
  });
});

describe('wallet adjustments', () => {
  it('need a reason, never take the balance below zero, and land in the ledger', async () => {
    const noReason = await call('POST', `/wallets/${inv.wallet0}/adjustments`, { amount: '-1' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.issues[0].path).toBe('reason');
    const below = await call('POST', `/wallets/${inv.wallet0}/adjustments`, { amount: '-21.81', reason: 'write-off' });
    expect(below.status).toBe(422);
    expect(below.body.issues).toMatchObject([{ path: 'amount', message: 'would take the wallet balance below zero (balance 21.80)' }]);
    const zero = await call('POST', `/wallets/${inv.wallet0}/adjustments`, { amount: '0', reason: 'nothing' });
    expect(zero.body.issues).toMatchObject([{ path: 'amount', message: 'must be a non-zero decimal string' }]);
    const ok = await call('POST', `/wallets/${inv.wallet0}/adjustments`, { amount: '-1.80', reason: 'rounding write-off' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ wallet: { balance: '20.00' }, entry: { type: 'adjustment', amount: '-1.80', balanceAfter: '20.00', reason: 'rounding write-off' } });
    const types = (await call('GET', `/wallets/${inv.wallet0}/entries`)).body.data.map((e: any) => e.type);
    expect(types).toEqual(['adjustment', 'refund', 'overpayment']);
  });
});

describe('bad input is a 422 naming the field', () => {
  const base = () => ({ billTo: c[1], method: 'card', currency: 'USD' });
  it.each([
    ['-5', 'must be a positive decimal string'],
    ['0', 'must be a positive decimal string'],
    ['1.001', 'has more decimals than USD allows (2)'],
    ['1e3', 'must be a positive decimal string'],
  ])('amount %s', async (amount, message) => {
    const r = await call('POST', '/payments', { ...base(), amount });
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'amount', message })]);
  });

  it("a currency that is not the payer's, an allocation beyond what is owed, to a draft or to someone else's invoice", async () => {
    expect((await call('POST', '/payments', { ...base(), amount: '1', currency: 'KRW' })).body.issues).toMatchObject([{ path: 'currency', message: "does not match the payer's currency (USD)" }]);
    expect((await call('POST', '/payments', { ...base(), amount: '1', receivedOn: '2025-05-03' })).body.issues).toMatchObject([{ path: 'receivedOn', message: 'must not be after today (2025-05-02)' }]);
    await call('POST', `/invoices/${inv['c1-04'].id}/finalize`);
    const beyond = await call('POST', '/payments', { ...base(), amount: '100', allocations: [{ invoiceId: inv['c1-04'].id, amount: '17.61' }] });
    expect(beyond.body.issues).toMatchObject([{ path: 'allocations[0].amount', message: 'is more than the invoice still owes (17.60)' }]);
    const sum = await call('POST', '/payments', { ...base(), amount: '1', allocations: [{ invoiceId: inv['c1-04'].id, amount: '2' }] });
    expect(sum.body.issues).toMatchObject([{ path: 'allocations', message: 'total 2.00, more than the payment amount 1.00' }]);
    const draft = await call('POST', '/payments', { billTo: c[0], method: 'card', currency: 'USD', amount: '1', allocations: [{ invoiceId: inv['c2-04'].id, amount: '1' }] });
    expect(draft.body.issues).toMatchObject([{ path: 'allocations[0].invoiceId', message: 'no such invoice of this payer' }]);
    const ko = await t.call('POST', '/api/v1/payments', { key: one.key, headers: { 'accept-language': 'ko' }, body: { billTo: payerId, method: 'card', currency: 'USD', amount: '1', allocations: [{ invoiceId: inv['c2-04'].id, amount: '1' }] } });
    expect(ko.body.issues).toMatchObject([{ path: 'allocations[0].invoiceId', message: 'draft 상태입니다. 결제는 finalized, partially_paid, payment_failed 상태의 청구서에만 배분됩니다' }]);
    expect((await invoice(inv['c1-04'].id)).amountPaid).toBe('0.00'); // nothing of the refused requests stayed
  });
});

describe('references and permissions', () => {
  it('a bank reference is recorded once; a support agent reads payments but cannot record one', async () => {
    // The payer owes nothing now: the 1.00 goes to its wallet, touching no invoice of the tests below.
    const body = { billTo: payerId, method: 'bank_transfer', amount: '1', currency: 'USD', providerRef: 'BANK-20250502-0001' };
    const [a, b] = await Promise.all([call('POST', '/payments', body), call('POST', '/payments', body)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((a.status === 409 ? a : b).body.issues).toMatchObject([{ path: 'providerRef', message: 'already in use' }]);
    expect((await wallets(payerId))[0].balance).toBe('6.90');
    const support = await t.login('support@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/payments', { cookie: support })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/payments', { cookie: support, body: { billTo: c[1], method: 'cash', amount: '1', currency: 'USD' } })).status).toBe(403);
  });
});

describe('Idempotency-Key', () => {
  it('a retried payment is recorded and allocated once', async () => {
    const body = { billTo: c[1], method: 'bank_transfer', amount: '7.60', currency: 'USD' };
    const a = await call('POST', '/payments', body, { 'idempotency-key': 'pay-0001' });
    const b = await call('POST', '/payments', body, { 'idempotency-key': 'pay-0001' });
    expect(a.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body.id).toBe(a.body.id);
    expect(await invoice(inv['c1-04'].id)).toMatchObject({ status: 'partially_paid', amountPaid: '7.60', amountDue: '10.00' });
  });
});

describe('tenant isolation', () => {
  it("another tenant neither sees our payments and wallets nor pays or adjusts ours", async () => {
    const theirs = (m: string, path: string, body?: unknown) => t.call(m, `/api/v1${path}`, { key: DEMO_KEY, body });
    expect((await theirs('GET', `/payments/${inv.bigPayment}`)).status).toBe(404);
    expect((await theirs('GET', '/payments')).body.total).toBe(0);
    expect((await theirs('GET', `/payers/${c[0]}/wallets`)).status).toBe(404);
    expect((await theirs('GET', `/wallets/${inv.wallet0}/entries`)).status).toBe(404);
    expect((await theirs('POST', `/wallets/${inv.wallet0}/adjustments`, { amount: '-1', reason: 'steal' })).status).toBe(404);
    expect((await theirs('POST', `/payments/${inv.bigPayment}/refunds`, { amount: '1', reason: 'steal' })).status).toBe(404);
    expect((await theirs('POST', '/payments', { billTo: c[1], method: 'cash', amount: '1', currency: 'USD' })).body.issues[0].path).toBe('billTo');
    const mine = await theirs('POST', '/customers', { externalId: 'PAY-X', type: 'individual', name: 'Kim' });
    expect(mine.status).toBe(201);
    const r = await theirs('POST', '/payments', { billTo: mine.body.id, method: 'cash', amount: '1', currency: 'KRW', allocations: [{ invoiceId: inv['c1-04'].id, amount: '1' }] });
    expect(r.status).toBe(422);
    expect(r.body.issues).toMatchObject([{ path: 'allocations[0].invoiceId', message: 'no such invoice of this payer' }]);
    expect((await invoice(inv['c1-04'].id)).amountPaid).toBe('7.60');
  });
});
