/**
 * amountDue is what the payer still owes: total − prepaid − points − credited on an issued,
 * unpaid invoice (finalized / payment_failed; a draft has no credits), 0 once paid or void.
 * invoicedAmountDue keeps the figure as issued (total − prepaid − points), the one on the PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let ids: string[];
const clock = () => new Date('2025-04-02T12:00:00Z');
const get = async (id: string) => (await t.call('GET', `/api/v1/invoices/${id}`, { key: one.key })).body;
const post = (path: string, body?: unknown) => t.call('POST', `/api/v1${path}`, { key: one.key, body });
const minus = (a: string, b: string) => new Decimal(a).minus(b).toFixed(2);

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('invbal');
  await billingWorld(t.handle.db, one.tenantId, 4, { now: clock });
  expect((await post('/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  ids = (await t.call('GET', '/api/v1/invoices?limit=10', { key: one.key })).body.data.map((i: { id: string }) => i.id);
  expect(ids).toHaveLength(4);
}, 60_000);
afterAll(async () => { await t?.close(); });

describe('invoice amount due', () => {
  it('a draft owes its total less prepaid and points', async () => {
    const d = await get(ids[3]);
    expect(d.status).toBe('draft');
    expect(d.amountDue).toBe(d.total);
    expect(d.invoicedAmountDue).toBe(d.total);
  });

  it('subtracts credit notes while unpaid, in list and detail, and is 0 once paid', async () => {
    const id = ids[0];
    expect((await post(`/invoices/${id}/finalize`)).status).toBe(200);
    const cn = await post(`/invoices/${id}/credit-notes`, { reason: 'goodwill', lines: [{ description: 'credit', amount: '10' }] });
    expect(cn.status).toBe(201);
    const inv = await get(id);
    expect(inv.creditedTotal).toBe('10.00');
    expect(inv.invoicedAmountDue).toBe(inv.total);
    expect(inv.amountDue).toBe(minus(inv.total, '10'));
    const listed = (await t.call('GET', '/api/v1/invoices?status=finalized', { key: one.key })).body.data.find((i: { id: string }) => i.id === id);
    expect(listed).toMatchObject({ amountDue: inv.amountDue, creditedTotal: '10.00', invoicedAmountDue: inv.total });

    const failed = await post(`/invoices/${id}/mark-payment-failed`);
    expect(failed.body).toMatchObject({ status: 'payment_failed', amountDue: minus(inv.total, '10') });
    const paid = await post(`/invoices/${id}/mark-paid`);
    expect(paid.body).toMatchObject({ status: 'paid', amountDue: '0.00', invoicedAmountDue: inv.total, creditedTotal: '10.00' });
  });

  it('a void invoice owes nothing', async () => {
    const id = ids[1];
    await post(`/invoices/${id}/finalize`);
    const v = await post(`/invoices/${id}/void`);
    expect(v.body).toMatchObject({ status: 'void', amountDue: '0.00' });
    expect(v.body.invoicedAmountDue).toBe(v.body.total);
  });

  it('never owes less than nothing when credits cover it', async () => {
    const id = ids[2];
    const inv = (await post(`/invoices/${id}/finalize`)).body;
    expect((await post(`/invoices/${id}/credit-notes`, { reason: 'full', lines: [{ description: 'all', amount: inv.total }] })).status).toBe(201);
    expect((await get(id)).amountDue).toBe('0.00');
  });

  it('formats the amounts of the over-total error with the currency minor units', async () => {
    const id = ids[0];
    const inv = await get(id);
    const r = await post(`/invoices/${id}/credit-notes`, { reason: 'too much', lines: [{ description: 'x', amount: '544555' }] });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].message).toBe(`credits would total 544565.00, more than the invoice total ${inv.total}`);
  });
});
