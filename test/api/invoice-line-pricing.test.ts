/**
 * Issue 9: an invoice line says how its amount was made: the unit price, the tiers of a graduated
 * (Tier 요율) or volume (Step 요율) line (range, units, unit price, amount), and the coupon code of
 * a discount line (the generated code when one from a batch was presented). Stored at rating
 * time on the line, shown by the API, the console and the PDF. A draft's PDF shows no issue date:
 * it has none until it is finalized. Amounts worked out by hand below.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';
import { createMeter } from '../../server/metering/meters';
import { MeterCreateIn } from '../../server/metering/schemas';

const HAS_PDFTOTEXT = spawnSync('pdftotext', ['-v']).error === undefined;
if (!HAS_PDFTOTEXT) console.warn('invoice-line-pricing.test: pdftotext not found, PDF text checks skipped (apt-get install poppler-utils)');

let t: TestApp;
let one: { tenantId: string; key: string };
let ctx: Ctx;
let dir: string;
let runId: string;
const ids: Record<string, string> = {};
const clock = () => new Date('2025-04-02T12:00:00Z');

const PLAN = {
  code: 'lp-tiered', name: 'Tiered', currency: 'USD', interval: 'month', intervalCount: 1, components: [
    { code: 'base', type: 'flat', amount: '10.00' },
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'volume', tiers: [{ upTo: '5', unitAmount: '4.00' }, { upTo: null, unitAmount: '3.00' }] } },
    { code: 'calls', type: 'usage', meter: 'lp_calls', pricing: { model: 'graduated', tiers: [
      { upTo: '100', unitAmount: '0' }, { upTo: '1000', unitAmount: '0.01' }, { upTo: null, unitAmount: '0.005', flatAmount: '1.00' }] } },
  ],
};
const COUPON = { id: 'lp-welcome', name: 'Welcome 10%', kind: 'coupon', priority: 5, conditions: { all: [] }, event: { type: 'coupon', params: { code: 'WELCOME10', percent: '10' } } };
const VAT = { id: 'lp-vat', name: 'VAT 10%', kind: 'tax', priority: 1, conditions: { all: [] }, event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };

async function subscribe(ext: string, coupons: string[]) {
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: ext, type: 'corporate', name: ext, country: 'US', timezone: 'UTC', currency: 'USD' }) });
  ids[ext] = c.id;
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: 'lp-tiered', quantities: { seats: '6' }, coupons }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: '2025-03-01' } });
  const r = await t.call('POST', '/api/v1/events', { key: one.key, body: { events: [{ id: `${ext}-1`, customer: ext, meter: 'lp_calls', timestamp: '2025-03-10T10:00:00Z', properties: { n: '1200' } }] } });
  expect(r.status).toBe(200);
}

async function invoiceOf(ext: string) {
  const list = (await t.call('GET', '/api/v1/invoices?periodStart=2025-03-01&limit=50', { key: one.key })).body.data;
  const inv = list.find((i: { billTo: string }) => i.billTo === ids[ext]);
  return (await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: one.key })).body;
}

async function pdfText(id: string): Promise<string> {
  const res = await t.app.request(`/api/v1/invoices/${id}/pdf`, { headers: { authorization: `Bearer ${one.key}` } });
  expect(res.status).toBe(200);
  const file = join(dir, `${id}.pdf`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-lp-'));
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('linepricing');
  ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await createMeter({ ctx, input: MeterCreateIn.parse({ code: 'lp_calls', name: 'Calls', aggregation: 'sum', field: 'n' }) });
  await importDocuments({ ctx, plans: [PLAN], rules: [COUPON, VAT], effectiveFrom: '2025-01-01' });
  const gen = await t.call('POST', '/api/v1/rules/lp-welcome/coupon-codes', { key: one.key, body: { codes: ['WELCOME-GEN-7'] } });
  expect(gen.status).toBe(201);
  await subscribe('CAMPAIGN', ['WELCOME10']);
  await subscribe('BATCH', ['WELCOME-GEN-7']);
  const old = await t.call('POST', '/api/v1/rules/lp-welcome/coupon-codes', { key: one.key, body: { codes: ['WELCOME-OLD-1'], expiresOn: '2025-02-01' } });
  expect(old.status, JSON.stringify(old.body)).toBe(201);
  await subscribe('EXPIRED', ['WELCOME-OLD-1']);
  const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-03-01' } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  runId = r.body.id;
  await drainJobs(t.handle.db, { now: clock });
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('invoice lines carry their price', () => {
  it('stores the unit price and the tiers used on each charge line', async () => {
    const inv = await invoiceOf('CAMPAIGN');
    const charge = (c: string) => inv.lines.find((l: { kind: string; component?: string }) => l.kind === 'charge' && l.component === c);
    expect(charge('base')).toMatchObject({ amount: '10.00', pricing: { model: 'flat', unitAmount: '10' } });
    // volume: all 6 seats at the second tier's 3.00.
    expect(charge('seats')).toMatchObject({ amount: '18.00', quantity: '6', pricing: { model: 'volume', unitAmount: '3', tiers: [{ from: '5', upTo: null, units: '6', unitAmount: '3', amount: '18' }] } });
    // graduated: 100 × 0 + 900 × 0.01 + (200 × 0.005 + 1.00) = 11.00
    expect(charge('calls')).toMatchObject({ amount: '11.00', quantity: '1200', pricing: { model: 'graduated', tiers: [
      { from: '0', upTo: '100', units: '100', unitAmount: '0', amount: '0' },
      { from: '100', upTo: '1000', units: '900', unitAmount: '0.01', amount: '9' },
      { from: '1000', upTo: null, units: '200', unitAmount: '0.005', flatAmount: '1', amount: '2' },
    ] } });
    // 10% off each charge line, then VAT 10% of 35.10.
    expect({ subtotal: inv.subtotal, discountTotal: inv.discountTotal, taxTotal: inv.taxTotal, total: inv.total }).toEqual({ subtotal: '39.00', discountTotal: '3.90', taxTotal: '3.51', total: '38.61' });
  });

  it('names the coupon code on its discount lines: the campaign code, or the generated code presented', async () => {
    const codes = (inv: { lines: { kind: string; rule?: string; coupon?: string }[] }) => inv.lines.filter((l) => l.kind === 'discount').map((l) => [l.rule, l.coupon]);
    expect(codes(await invoiceOf('CAMPAIGN'))).toEqual([['lp-welcome', 'WELCOME10'], ['lp-welcome', 'WELCOME10'], ['lp-welcome', 'WELCOME10']]);
    expect(codes(await invoiceOf('BATCH'))).toEqual([['lp-welcome', 'WELCOME-GEN-7'], ['lp-welcome', 'WELCOME-GEN-7'], ['lp-welcome', 'WELCOME-GEN-7']]);
  });

  it.skipIf(!HAS_PDFTOTEXT)('prints the unit prices, the tier rows and the coupon code in the PDF', async () => {
    expect((await t.call('PATCH', '/api/v1/tenant', { key: one.key, body: { locale: 'ko' } })).status).toBe(200);
    const inv = await invoiceOf('BATCH');
    const text = await pdfText(inv.id);
    expect(text).toContain('구간 1 ~ 100: 100 × US$0.00 = US$0.00');
    expect(text).toContain('구간 101 ~ 1,000: 900 × US$0.01 = US$9.00');
    expect(text).toContain('구간 1,001 ~: 200 × US$0.005 + US$1.00 = US$2.00');
    expect(text).toContain('구간 6 ~: 6 × US$3.00 = US$18.00');
    expect(text).toContain('쿠폰: WELCOME-GEN-7');
    // A discount line is worded by its rule's name, never by the component it discounts.
    expect(text).toContain('Welcome 10%');
    expect(text).not.toMatch(/^\s*base\s+-/m);
    // Unit price column: the flat fee and the volume tier's price.
    expect(text).toMatch(/6\s+US\$3\.00\s+US\$18\.00/);
  });
});

describe('bill-run notes per payer', () => {
  it('carry a code and parameters for the console to word (an expired generated coupon code)', async () => {
    const run = (await t.call('GET', `/api/v1/bill-runs/${runId}`, { key: one.key })).body;
    const payer = run.payers.find((p: { billTo: string }) => p.billTo === ids.EXPIRED);
    expect(payer.notes).toEqual([{ code: 'couponNotApplied', params: expect.objectContaining({ code: 'WELCOME-OLD-1', reasonCode: 'expired', date: '2025-02-01' }) }]);
    expect(run.payers.find((p: { billTo: string }) => p.billTo === ids.CAMPAIGN).notes).toEqual([]);
  });
});

describe('a draft PDF has no issue date yet', () => {
  it.skipIf(!HAS_PDFTOTEXT)('says it is issued on finalize instead of a date, and shows the date once finalized', async () => {
    expect((await t.call('PATCH', '/api/v1/tenant', { key: one.key, body: { locale: 'ko' } })).status).toBe(200);
    const inv = await invoiceOf('CAMPAIGN');
    expect(inv.status).toBe('draft');
    const draft = await pdfText(inv.id);
    expect(draft).toContain('초안 — 확정 시 발행');
    expect(draft).toContain('확정 시 정해짐');
    expect(draft).not.toContain(inv.issueDate.replaceAll('-', '.'));
    const fin = await t.call('POST', `/api/v1/invoices/${inv.id}/finalize`, { key: one.key });
    expect(fin.status).toBe(200);
    const issued = await pdfText(inv.id);
    expect(issued).not.toContain('초안 — 확정 시 발행');
    expect(issued).toContain(fin.body.issueDate.replaceAll('-', '.'));
  });

  it.skipIf(!HAS_PDFTOTEXT)('in English too', async () => {
    const patch = await t.call('PATCH', '/api/v1/tenant', { key: one.key, body: { locale: 'en' } });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const inv = await invoiceOf('BATCH');
    const text = await pdfText(inv.id);
    expect(text).toContain('Draft — issued on finalize');
    expect(text).toContain('tier 1,001 ~: 200 × $0.005 + $1.00 = $2.00');
    expect(text).toContain('coupon: WELCOME-GEN-7');
  });
});
