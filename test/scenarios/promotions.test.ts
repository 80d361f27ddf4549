/**
 * Promotions, coupons, customer facts and non-monthly plans in stored billing (bill runs):
 * a promotion with a budget of 15.00 over several customers stops applying exactly when the
 * budget is used up (also inside one chunk), a re-run does not count its redemptions twice, a
 * generated single-use coupon code presented by two customers applies once, a rule on
 * `customer.id` matches the tenant's own customer code, a yearly plan is billed in advance on its
 * anniversary and a weekly plan is billed for every weekly cycle ending in the run's period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { bills, couponCodes, invoices, ruleRedemptions } from '../../server/db/schema';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { Decimal, sumDecimals } from '../../server/lib/money';
import { storedMoney } from '../support/money';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { createCouponCodes } from '../../server/promotions/coupons';
import { runBillRunNow } from '../../server/billing/bill-runs';

let t: TestApp;
let ctx: Ctx;
let tenantId: string;
let code: string;
const clock = () => new Date('2025-04-02T12:00:00Z');
const ids: Record<string, string> = {};

const plan = (c: string, amount: string, interval = 'month') => ({ code: c, name: c, currency: 'USD', interval, intervalCount: 1, components: [{ code: 'base', type: 'flat', amount }] });
const rules = [
  { id: 'pr-budget', name: '4.00 off Basic, 15.00 in all', kind: 'promotion', priority: 20,
    conditions: { all: [{ fact: 'plan.code', operator: 'equal', value: 'pr-basic' }] }, event: { type: 'promotion', params: { amount: '4.00', budget: '15.00' } } },
  { id: 'pr-welcome', name: 'Welcome 50%', kind: 'coupon', priority: 30, conditions: { all: [] }, event: { type: 'coupon', params: { code: 'WELCOME', percent: '50' } } },
  { id: 'pr-vip', name: 'VIP 1.00 off', kind: 'discount', priority: 10,
    conditions: { all: [{ fact: 'customer.id', operator: 'equal', value: 'VIP-1' }] }, event: { type: 'discount', params: { amount: '1.00' } } },
];

async function customer(ext: string, planCode: string, start: string, coupons: string[] = []) {
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: ext, type: 'corporate', name: ext, country: 'US', timezone: 'UTC', currency: 'USD' }) });
  ids[ext] = c.id;
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode, coupons }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: start } });
}

async function invoicesOf(periodStart: string) {
  const rows = await t.handle.db.select().from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.periodStart, periodStart)));
  const byExt: Record<string, typeof rows[number]> = {};
  const m = (v: string) => storedMoney(v, 'USD');
  for (const r of rows) byExt[Object.keys(ids).find((k) => ids[k] === r.billTo)!] = { ...r, subtotal: m(r.subtotal), discountTotal: m(r.discountTotal), total: m(r.total), taxTotal: m(r.taxTotal) };
  return byExt;
}

async function ledger(rule: string) {
  return t.handle.db.select().from(ruleRedemptions).where(and(eq(ruleRedemptions.tenantId, tenantId), eq(ruleRedemptions.ruleCode, rule)));
}

/** What ledger rows gave away in all, exactly. */
const spent = (rows: { amount: string }[]) => storedMoney(sumDecimals(rows.map((r) => new Decimal(r.amount))).toFixed(), 'USD');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenantId = (await t.otherTenant('promo')).tenantId;
  ctx = systemCtx(t.handle.db, tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, plans: [plan('pr-basic', '10.00'), plan('pr-other', '20.00'), plan('pr-year', '120.00', 'year'), plan('pr-week', '5.00', 'week')], rules, effectiveFrom: '2025-01-01' });
  [{ code }] = await createCouponCodes({ ctx, ruleCode: 'pr-welcome', input: { count: 1, prefix: 'W-' } });
  for (let i = 0; i < 5; i++) await customer(`B${i}`, 'pr-basic', '2025-03-01');
  await customer('C0', 'pr-other', '2025-03-01', [code]);
  await customer('C1', 'pr-other', '2025-03-01', [code]);
  await customer('VIP-1', 'pr-other', '2025-03-01');
  await customer('Y', 'pr-year', '2025-03-10');
  await customer('W', 'pr-week', '2025-03-01');
}, 180_000); // a loaded CI machine needs more than a minute to build the world through the services
afterAll(async () => { await t?.close(); });

describe('promotions and coupons in a bill run', () => {
  it('a budget of 15.00 over five customers in one chunk: 4 + 4 + 4 + 3 + 0', async () => {
    const run = await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', chunkSize: 100 } });
    expect(run.status).toBe('completed');
    const inv = await invoicesOf('2025-03-01');
    expect(['B0', 'B1', 'B2', 'B3', 'B4'].map((k) => inv[k].discountTotal).sort()).toEqual(['0.00', '3.00', '4.00', '4.00', '4.00']);
    const rows = await ledger('pr-budget');
    expect(rows).toHaveLength(4);
    expect(spent(rows)).toBe('15.00');
  });

  it('a generated single-use code presented by two customers applies once', async () => {
    const inv = await invoicesOf('2025-03-01');
    expect([inv.C0.discountTotal, inv.C1.discountTotal].sort()).toEqual(['0.00', '10.00']);
    const rows = await ledger('pr-welcome');
    expect(rows.map((r) => [r.couponCode, r.amount])).toEqual([[code, '10.000000000000000']]);
    const [cc] = await t.handle.db.select().from(couponCodes).where(and(eq(couponCodes.tenantId, tenantId), eq(couponCodes.code, code)));
    expect(cc.redeemed).toBe(1);
    const run = await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', chunkSize: 100 } }); // a re-run, see below
    expect(run.outcomes).toEqual({ existing: 10 }); // W (the weekly plan) too since issue 9
  });

  it('re-running the period creates nothing and does not count redemptions twice', async () => {
    const again = await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', chunkSize: 2 } });
    expect(again).toMatchObject({ billsCreated: 0, invoicesCreated: 0 });
    expect(await ledger('pr-budget')).toHaveLength(4);
    expect(await ledger('pr-welcome')).toHaveLength(1);
    const [cc] = await t.handle.db.select().from(couponCodes).where(and(eq(couponCodes.tenantId, tenantId), eq(couponCodes.code, code)));
    expect(cc.redeemed).toBe(1);
  });

  it('the next month, across chunks: the budget is used up and the code too', async () => {
    // The clock is on 2025-04-02: April has not ended, so this real run says so explicitly.
    const run = await runBillRunNow({ ctx, input: { periodStart: '2025-04-01', chunkSize: 2, allowOpenPeriod: true } });
    expect(run.status).toBe('completed');
    const inv = await invoicesOf('2025-04-01');
    for (const k of ['B0', 'B1', 'B2', 'B3', 'B4', 'C0', 'C1']) expect(inv[k].discountTotal, k).toBe('0.00');
    expect(spent(await ledger('pr-budget'))).toBe('15.00');
    const payer = run.payers!.find((p) => p.billTo === ids.C0)!;
    expect(payer.error).toContain('already used up');
  });
});

describe('customer facts and plan intervals', () => {
  it('customer.id is the tenant customer code: a rule on "VIP-1" matches that customer only', async () => {
    const inv = await invoicesOf('2025-03-01');
    expect(inv['VIP-1']).toMatchObject({ subtotal: '20.00', discountTotal: '1.00', total: '19.00' });
    const trace = (inv['VIP-1'].trace as { rule: string; facts?: Record<string, unknown> }[]).find((e) => e.rule === 'pr-vip');
    expect(trace?.facts?.['customer.id']).toBe('VIP-1');
  });

  it('a yearly plan is billed in advance for the anniversary year that starts in the period, and not the next month', async () => {
    const march = await invoicesOf('2025-03-01');
    expect(march.Y).toMatchObject({ subtotal: '120.00', total: '120.00' });
    const [b] = await t.handle.db.select().from(bills).where(eq(bills.invoiceId, march.Y.id));
    expect(b.segments).toMatchObject([{ planCode: 'pr-year', startDate: '2025-03-10', endDate: '2026-03-10', billedInAdvance: { start: '2025-03-10', end: '2026-03-10' } }]);
    const april = await invoicesOf('2025-04-01');
    expect(april.Y).toBeUndefined();
    const run = await runBillRunNow({ ctx, input: { periodStart: '2025-05-01', dryRun: true } });
    expect(run.payers!.find((p) => p.billTo === ids.Y)).toMatchObject({ outcome: 'empty', error: null });
  });

  it('a weekly plan is billed for every cycle ending in the period (issue 9: it used to be skipped)', async () => {
    // From Saturday 2025-03-01: the March run bills the cycles ending 03-08, 03-15, 03-22, 03-29.
    const march = await invoicesOf('2025-03-01');
    expect(march.W).toMatchObject({ subtotal: '20.00', total: '20.00' });
    // May: cycles ending 05-03, 05-10, 05-17, 05-24, 05-31.
    const run = await runBillRunNow({ ctx, input: { periodStart: '2025-05-01', dryRun: true } });
    const w = run.payers!.find((p) => p.billTo === ids.W)!;
    expect(w).toMatchObject({ outcome: 'dry_run', total: '25.00' });
    expect(run.outcomes.skipped).toBeUndefined();
  });
});
