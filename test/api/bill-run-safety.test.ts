/**
 * Billing safety (issue 9): a real run of a period that has not ended needs an explicit choice;
 * a void invoice's payer and period can be billed again into a new draft (audited), and a re-run
 * no longer reports the void invoice as "existing"; voiding gives back single-use coupon codes
 * and promotion budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { couponCodes, ruleRedemptions } from '../../server/db/schema';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { createCouponCodes } from '../../server/promotions/coupons';
import type { Ctx } from '../../server/lib/context';
import { invoiceDocument } from '../../server/invoices/document';

let t: TestApp;
let one: { tenantId: string; key: string };
let ctx: Ctx;
let code: string;
let couponCustomer: string;
// 2025-04-02 in the tenant's zone (America/New_York): March has ended, April has not.
const clock = () => new Date('2025-04-02T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('one');
  ({ ctx } = await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-03-01' }));
  await importDocuments({ ctx, plans: [], effectiveFrom: '2025-01-01', rules: [
    { id: 'sf-coupon', name: 'Welcome 50%', kind: 'coupon', priority: 30, conditions: { all: [] }, event: { type: 'coupon', params: { code: 'WELCOME', percent: '50' } } },
    { id: 'sf-budget', name: '2.00 off, 3.00 in all', kind: 'promotion', priority: 20, conditions: { all: [{ fact: 'customer.id', operator: 'equal', value: 'sf-c' }] }, event: { type: 'promotion', params: { amount: '2.00', budget: '3.00' } } },
  ] });
  [{ code }] = await createCouponCodes({ ctx, ruleCode: 'sf-coupon', input: { count: 1, prefix: 'SF-', maxRedemptions: 1 } });
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'sf-c', type: 'corporate', name: 'Coupon user', country: 'US', timezone: 'UTC', currency: 'USD' }) });
  couponCustomer = c.id;
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: 'fx-basic', coupons: [code] }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: '2025-03-01' } });
}, 120_000);
afterAll(async () => { await t?.close(); });

async function run(body: Record<string, unknown>) {
  const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return (await t.call('GET', `/api/v1/bill-runs/${r.body.id}`, { key: one.key })).body;
}
const payerRow = (r: { payers: { billTo: string }[] }, billTo: string) => r.payers.find((p) => p.billTo === billTo) as Record<string, any>;
const redemptions = () => t.handle.db.select().from(ruleRedemptions).where(eq(ruleRedemptions.tenantId, one.tenantId));
const codeRow = async () => (await t.handle.db.select().from(couponCodes).where(and(eq(couponCodes.tenantId, one.tenantId), eq(couponCodes.code, code))))[0];

describe('a real run of a period that has not ended', () => {
  it('is refused without allowOpenPeriod (422 naming the field), allowed as a dry run', async () => {
    const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-04-01' } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(['allowOpenPeriod']);
    expect(r.body.issues[0].message).toContain('2025-04-30');
    const ko = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-04-01' }, headers: { 'accept-language': 'ko' } });
    expect(ko.body.issues[0].message).toMatch(/[\uac00-\ud7a3]/);
    const dry = await run({ periodStart: '2025-04-01', dryRun: true });
    expect(dry.status).toBe('completed');
    expect(dry.newTotals.USD.invoices).toBe(4); // the estimate the console confirms a real run with
    expect((await t.call('GET', '/api/v1/bill-runs', { key: one.key })).body.total).toBe(1);
  });

  it('runs with allowOpenPeriod: true; an ended period needs no flag', async () => {
    const march = await run({ periodStart: '2025-03-01' });
    expect(march).toMatchObject({ status: 'completed', invoicesCreated: 4 });
    const april = await run({ periodStart: '2025-04-01', allowOpenPeriod: true });
    expect(april).toMatchObject({ dryRun: false, status: 'completed', invoicesCreated: 4 });
  });
});

describe('void and re-bill', () => {
  it('voiding gives back the single-use code and the promotion budget, in the same transaction', async () => {
    // March used the code (and 2.00 of the 3.00 budget); April found both used up.
    const march = (await t.call('GET', `/api/v1/invoices?periodStart=2025-03-01&limit=50`, { key: one.key })).body.data.find((i: { billTo: string }) => i.billTo === couponCustomer);
    expect((await codeRow()).redeemed).toBe(1);
    expect((await redemptions()).filter((r) => r.invoiceId === march.id).map((r) => r.ruleCode).sort()).toEqual(['sf-budget', 'sf-coupon']);
    const v = await t.call('POST', `/api/v1/invoices/${march.id}/void`, { key: one.key });
    expect(v.body.status).toBe('void');
    expect((await codeRow()).redeemed).toBe(0);
    expect((await redemptions()).filter((r) => r.invoiceId === march.id)).toEqual([]);
    const audit = await t.call('GET', `/api/v1/audit-log?entityType=invoice&limit=50`, { key: one.key });
    expect(audit.body.data.map((a: { action: string }) => a.action)).toContain('invoice.void_redemptions_reversed');
  });

  it('a re-run does not report the void invoice as existing', async () => {
    const again = await run({ periodStart: '2025-03-01' });
    expect(again.invoicesCreated).toBe(0);
    const row = payerRow(again, couponCustomer);
    expect(row.outcome).toBe('skipped');
    expect(row.error).toContain('void');
    expect(again.outcomes).toEqual({ existing: 3, skipped: 1 });
    expect(again.newTotals).toEqual({}); // nothing new: the confirmation's estimate would be empty
    expect(again.totals.USD.invoices).toBe(3);
  });

  it('re-bill makes a new draft for the payer and period (next sequence), audited; the code applies again', async () => {
    const list = (await t.call('GET', `/api/v1/invoices?periodStart=2025-03-01&limit=50`, { key: one.key })).body.data;
    const voided = list.find((i: { billTo: string; status: string }) => i.billTo === couponCustomer && i.status === 'void');
    const notVoid = list.find((i: { status: string }) => i.status !== 'void');
    expect((await t.call('POST', `/api/v1/invoices/${notVoid.id}/rebill`, { key: one.key })).status).toBe(409);
    const r = await t.call('POST', `/api/v1/invoices/${voided.id}/rebill`, { key: one.key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.invoiceId).toBeTruthy();
    const fresh = (await t.call('GET', `/api/v1/invoices/${r.body.invoiceId}`, { key: one.key })).body;
    expect(fresh).toMatchObject({ status: 'draft', billTo: couponCustomer, periodStart: '2025-03-01', periodEnd: '2025-04-01', sequence: 2, total: voided.total, number: null });
    expect(fresh.bills).toHaveLength(1);
    // The PDF's lines carry their period (shown inclusive by formatPeriod, like the header).
    const { doc } = await invoiceDocument(ctx, r.body.invoiceId);
    expect(doc.lines.find((l) => l.kind === 'charge')?.period).toEqual({ start: '2025-03-01', end: '2025-04-01' });
    expect((await codeRow()).redeemed).toBe(1);
    // Twice is refused: the void invoice's bills are already released.
    expect((await t.call('POST', `/api/v1/invoices/${voided.id}/rebill`, { key: one.key })).status).toBe(409);
    const audit = await t.call('GET', `/api/v1/audit-log?entityType=invoice&limit=50`, { key: one.key });
    expect(audit.body.data.filter((a: { action: string }) => a.action === 'invoice.rebill')).toHaveLength(1);
    // A re-run now reports the new draft as the payer's existing invoice.
    const again = await run({ periodStart: '2025-03-01' });
    expect(payerRow(again, couponCustomer)).toMatchObject({ outcome: 'existing', invoiceId: r.body.invoiceId });
    // It finalizes with the next invoice number, like any draft.
    const fin = await t.call('POST', `/api/v1/invoices/${r.body.invoiceId}/finalize`, { key: one.key });
    expect(fin.body.number).toMatch(/^INV-202504-\d{6}$/);
  });

  it('a role without billing:write cannot re-bill', async () => {
    const exec = await t.login('exec@demo.billwise.dev');
    const list = (await t.call('GET', `/api/v1/invoices?status=void&limit=1`, { cookie: exec })).body;
    expect(list.total).toBe(0); // another tenant's invoices are not visible either
    const any = (await t.call('GET', `/api/v1/invoices?status=void&limit=1`, { key: one.key })).body.data[0];
    expect((await t.call('POST', `/api/v1/invoices/${any.id}/rebill`, { cookie: exec })).status).toBe(403);
  });
});
