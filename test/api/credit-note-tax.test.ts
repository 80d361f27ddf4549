/**
 * Issue 9: a credit note carries its VAT split — net, tax per tax name and rule of the invoice it
 * credits, total — stored with it, in the invoice's proportions and rounded as rating splits tax
 * (largest remainder), so crediting the whole invoice gives back exactly its net and its taxes.
 * It has its own PDF (GET /credit-notes/{id}/pdf) showing that split. Amounts worked out by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { importDocuments } from '../../server/catalog/versions';
import { createCustomer } from '../../server/customers/customers';
import { CustomerCreateIn } from '../../server/customers/schemas';
import { createOrder, transitionOrder } from '../../server/subscriptions/orders';

const HAS_PDFTOTEXT = spawnSync('pdftotext', ['-v']).error === undefined;
if (!HAS_PDFTOTEXT) console.warn('credit-note-tax.test: pdftotext not found, PDF text checks skipped (apt-get install poppler-utils)');

let t: TestApp;
let one: { tenantId: string; key: string };
let dir: string;
let invoiceId: string;
let invoiceNumber: string;
const clock = () => new Date('2025-04-02T12:00:00Z');

const PLAN = { code: 'cn-flat', name: 'Flat', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '100.00' }] };
const VAT = { id: 'cn-vat', name: 'VAT 10%', kind: 'tax', priority: 2, conditions: { all: [] }, event: { type: 'tax', params: { rate: '10', name: 'VAT' } } };
const LOCAL = { id: 'cn-local', name: 'Local tax 2%', kind: 'tax', priority: 1, conditions: { all: [] }, event: { type: 'tax', params: { rate: '2', name: 'Local tax' } } };

const credit = (amount: string) => t.call('POST', `/api/v1/invoices/${invoiceId}/credit-notes`, { key: one.key, body: { reason: '서비스 장애 보상', lines: [{ description: 'Outage credit', amount }] } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-cn-'));
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('cntax');
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, plans: [PLAN], rules: [VAT, LOCAL], effectiveFrom: '2025-01-01' });
  const c = await createCustomer({ ctx, input: CustomerCreateIn.parse({ externalId: 'CN-1', type: 'corporate', name: 'CN One', country: 'US', timezone: 'UTC', currency: 'USD' }) });
  const o = await createOrder({ ctx, input: { customerId: c.id, items: [{ planCode: 'cn-flat' }] } });
  await transitionOrder({ ctx, id: o.id, input: { status: 'completed', billingStartDate: '2025-03-01' } });
  const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-03-01' } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  const inv = (await t.call('GET', '/api/v1/invoices?limit=1', { key: one.key })).body.data[0];
  const fin = await t.call('POST', `/api/v1/invoices/${inv.id}/finalize`, { key: one.key });
  expect(fin.body).toMatchObject({ status: 'finalized', subtotal: '100.00', taxTotal: '12.00', total: '112.00' });
  invoiceId = inv.id;
  invoiceNumber = fin.body.number;
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('credit notes carry their VAT split', () => {
  it('splits a credit over the invoice net and each of its taxes, and stores the split', async () => {
    // 56.00 of 112.00 is half: 50.00 net, VAT 5.00, local tax 1.00.
    const half = await credit('56.00');
    expect(half.status).toBe(201);
    expect(half.body).toMatchObject({ amount: '56.00', netAmount: '50.00', taxAmount: '6.00' });
    expect(half.body.taxes).toHaveLength(2);
    expect(half.body.taxes).toEqual(expect.arrayContaining([{ name: 'VAT', rule: 'cn-vat', amount: '5.00' }, { name: 'Local tax', rule: 'cn-local', amount: '1.00' }]));
    const stored = (await t.call('GET', `/api/v1/invoices/${invoiceId}`, { key: one.key })).body.creditNotes[0];
    expect(stored).toMatchObject({ netAmount: '50.00', taxAmount: '6.00' });
  });

  it('adds up exactly when the shares do not divide evenly', async () => {
    // 10.00 × 100/112 = 8.928…, × 10/112 = 0.892…, × 2/112 = 0.178…: largest remainders take the last cents.
    const r = await credit('10.00');
    expect(r.status).toBe(201);
    const taxes = r.body.taxes as { name: string; amount: string }[];
    const cents = (s: string) => BigInt(s.replace('.', ''));
    expect(cents(r.body.netAmount) + taxes.reduce((s, x) => s + cents(x.amount), 0n)).toBe(1000n);
    expect(cents(r.body.taxAmount)).toBe(taxes.reduce((s, x) => s + cents(x.amount), 0n));
    expect(taxes.find((x) => x.name === 'VAT')?.amount).toBe('0.89');
    expect(['8.93', '8.92']).toContain(r.body.netAmount);
  });

  it('answers 404 for another tenant\'s credit note PDF', async () => {
    const id = (await t.call('GET', `/api/v1/invoices/${invoiceId}`, { key: one.key })).body.creditNotes[0].id;
    const other = await t.otherTenant('cnother');
    const res = await t.app.request(`/api/v1/credit-notes/${id}/pdf`, { headers: { authorization: `Bearer ${other.key}` } });
    expect(res.status).toBe(404);
  });

  it.skipIf(!HAS_PDFTOTEXT)('has its own PDF with the split and the invoice it credits', async () => {
    expect((await t.call('PATCH', '/api/v1/tenant', { key: one.key, body: { locale: 'ko' } })).status).toBe(200);
    const cn = (await t.call('GET', `/api/v1/invoices/${invoiceId}`, { key: one.key })).body.creditNotes[0];
    const res = await t.app.request(`/api/v1/credit-notes/${cn.id}/pdf`, { headers: { authorization: `Bearer ${one.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(dir, 'cn.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('요금 조정');
    expect(text).toContain(cn.number);
    expect(text).toContain(invoiceNumber);
    expect(text).toMatch(/공급가액\s+US\$50\.00/);
    expect(text).toMatch(/VAT\s+US\$5\.00/);
    expect(text).toMatch(/Local tax\s+US\$1\.00/);
    expect(text).toMatch(/조정 금액\s+US\$56\.00/);
    expect(text).toContain('서비스 장애 보상');
  });
});
