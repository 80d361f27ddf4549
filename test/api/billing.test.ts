import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { bills, invoices } from '../../server/db/schema';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let two: { tenantId: string; key: string };
let execCookie: string;
const clock = () => new Date('2025-04-02T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('one');
  two = await t.otherTenant('two');
  await billingWorld(t.handle.db, one.tenantId, 12, { now: clock });
  execCookie = await t.login('exec@demo.billwise.dev');
}, 60_000);
afterAll(async () => { await t?.close(); });

async function runMarch(key: string) {
  const r = await t.call('POST', '/api/v1/bill-runs', { key, body: { periodStart: '2025-03-01', chunkSize: 5 } });
  expect(r.status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key })).body;
}

describe('bill runs', () => {
  it('runs a period through the queue and reports progress and totals', async () => {
    const run = await runMarch(one.key);
    expect(run).toMatchObject({ status: 'completed', progress: { totalPayers: 12, processedPayers: 12, failedPayers: 0, percent: 100 }, billsCreated: 12, invoicesCreated: 12 });
    expect(run.totals.USD.invoices).toBe(12);
    const events = await t.call('GET', `/api/v1/bill-runs/${run.id}/events`, { key: one.key });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    expect(events.body).toContain('event: done');
  });

  it('is idempotent: the same period again creates nothing and reports the same totals', async () => {
    const first = (await t.call('GET', '/api/v1/bill-runs', { key: one.key })).body.data[0];
    const again = await runMarch(one.key);
    expect(again).toMatchObject({ status: 'completed', billsCreated: 0, invoicesCreated: 0, progress: { processedPayers: 12 } });
    expect(again.totals).toEqual(first.totals);
    expect(again.outcomes).toEqual({ existing: 12 });
    const inv = await t.handle.db.select().from(invoices).where(eq(invoices.tenantId, one.tenantId));
    const bs = await t.handle.db.select().from(bills).where(eq(bills.tenantId, one.tenantId));
    expect([inv.length, bs.length]).toEqual([12, 12]);
  });

  it('a dry run stores nothing and lists per-payer totals', async () => {
    const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-04-01', dryRun: true } });
    await drainJobs(t.handle.db, { now: clock });
    const run = (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key: one.key })).body;
    expect(run.outcomes).toEqual({ dry_run: 12 });
    expect(run.payers[0].total).toMatch(/^\d+(\.\d+)?$/);
    const april = await t.call('GET', '/api/v1/invoices?periodStart=2025-04-01', { key: one.key });
    expect(april.body.total).toBe(0);
  });

  it('refuses a period start off the group cycle day (422 with the field)', async () => {
    const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-03-05' } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('periodStart');
  });
});

describe('invoices', () => {
  it('lists with filters and pagination', async () => {
    const page = await t.call('GET', '/api/v1/invoices?status=draft&limit=5&offset=5', { key: one.key });
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(12);
    expect(page.body.data).toHaveLength(5);
    // each row names its bill-to party (a payer, or a customer paying for itself), as its detail does
    for (const row of page.body.data as { billTo: string; billToName: string | null }[]) {
      const payer = await t.call('GET', `/api/v1/payers/${row.billTo}`, { key: one.key });
      const name = payer.status === 200 ? payer.body.name : (await t.call('GET', `/api/v1/customers/${row.billTo}`, { key: one.key })).body.name;
      expect(row.billToName).toBe(name);
      expect(name).toBeTruthy();
    }
  });

  it('numbers finalized invoices gaplessly, even when a finalize fails in between', async () => {
    const list = (await t.call('GET', '/api/v1/invoices?limit=4', { key: one.key })).body.data;
    const n1 = (await t.call('POST', `/api/v1/invoices/${list[0].id}/finalize`, { key: one.key })).body.number;
    const again = await t.call('POST', `/api/v1/invoices/${list[0].id}/finalize`, { key: one.key });
    expect(again.status).toBe(409);
    const n2 = (await t.call('POST', `/api/v1/invoices/${list[1].id}/finalize`, { key: one.key })).body.number;
    expect([n1, n2]).toEqual(['INV-202504-000001', 'INV-202504-000002']);
  });

  it('a finalized invoice cannot change; a credit note corrects it instead', async () => {
    const fin = (await t.call('GET', '/api/v1/invoices?status=finalized&limit=1', { key: one.key })).body.data[0];
    const edit = await t.call('PATCH', `/api/v1/invoices/${fin.id}`, { key: one.key, body: { notes: 'changed' } });
    expect(edit.status).toBe(409);
    const cn = await t.call('POST', `/api/v1/invoices/${fin.id}/credit-notes`, { key: one.key, body: { reason: 'goodwill', lines: [{ description: 'Service outage', amount: '1.00' }] } });
    expect(cn.status).toBe(201);
    expect(cn.body).toMatchObject({ number: 'CN-202504-000001', amount: '1.00' });
    const too = await t.call('POST', `/api/v1/invoices/${fin.id}/credit-notes`, { key: one.key, body: { reason: 'x', lines: [{ description: 'too much', amount: '100000' }] } });
    expect(too.status).toBe(422);
    const after = (await t.call('GET', `/api/v1/invoices/${fin.id}`, { key: one.key })).body;
    expect(after).toMatchObject({ total: fin.total, status: 'finalized', creditedTotal: '1.00' });
    expect(after.lines.some((l: any) => l.rule === 'fx-vat' && l.kind === 'tax')).toBe(true);
    const draft = (await t.call('GET', '/api/v1/invoices?status=draft&limit=1', { key: one.key })).body.data[0];
    expect((await t.call('POST', `/api/v1/invoices/${draft.id}/credit-notes`, { key: one.key, body: { reason: 'x', lines: [{ description: 'x', amount: '1' }] } })).status).toBe(409);
  });

  it('moves through paid / payment_failed / void', async () => {
    const fin = (await t.call('GET', '/api/v1/invoices?status=finalized&limit=2', { key: one.key })).body.data;
    expect((await t.call('POST', `/api/v1/invoices/${fin[0].id}/mark-payment-failed`, { key: one.key })).body.status).toBe('payment_failed');
    expect((await t.call('POST', `/api/v1/invoices/${fin[0].id}/mark-paid`, { key: one.key })).body.status).toBe('paid');
    expect((await t.call('POST', `/api/v1/invoices/${fin[0].id}/void`, { key: one.key })).status).toBe(409);
    expect((await t.call('POST', `/api/v1/invoices/${fin[1].id}/void`, { key: one.key })).body.status).toBe('void');
  });

  it('renders the PDF', async () => {
    const inv = (await t.call('GET', '/api/v1/invoices?status=paid&limit=1', { key: one.key })).body.data[0];
    const res = await t.app.request(`/api/v1/invoices/${inv.id}/pdf`, { headers: { authorization: `Bearer ${one.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');
  }, 30_000);
});

describe('isolation and permissions', () => {
  it("answers 404 for another tenant's invoices, subscriptions, orders and bill runs", async () => {
    const inv = (await t.call('GET', '/api/v1/invoices?limit=1', { key: one.key })).body.data[0];
    const sub = (await t.call('GET', '/api/v1/subscriptions?limit=1', { key: one.key })).body.data[0];
    const run = (await t.call('GET', '/api/v1/bill-runs?limit=1', { key: one.key })).body.data[0];
    for (const path of [`/api/v1/invoices/${inv.id}`, `/api/v1/subscriptions/${sub.id}`, `/api/v1/orders/${sub.orderId}`, `/api/v1/bill-runs/${run.id}`, `/api/v1/bill-runs/${run.id}/events`]) {
      expect((await t.call('GET', path, { key: two.key })).status, path).toBe(404);
    }
    expect((await t.call('POST', `/api/v1/invoices/${inv.id}/finalize`, { key: two.key })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/subscriptions/${sub.id}/pause`, { key: two.key, body: {} })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/invoices', { key: two.key })).body.total).toBe(0);
  });

  it('an executive can read but not write (403)', async () => {
    expect((await t.call('GET', '/api/v1/invoices', { cookie: execCookie })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/bill-runs', { cookie: execCookie, body: { periodStart: '2025-03-01' } })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/orders', { cookie: execCookie, body: { customerId: '00000000-0000-4000-8000-000000000000', items: [{ planCode: 'x' }] } })).status).toBe(403);
    const anyInvoice = (await t.call('GET', '/api/v1/invoices?limit=1', { key: DEMO_KEY })).body.data[0];
    if (anyInvoice) expect((await t.call('POST', `/api/v1/invoices/${anyInvoice.id}/finalize`, { cookie: execCookie })).status).toBe(403);
  });
});
