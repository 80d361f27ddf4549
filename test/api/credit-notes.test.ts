/**
 * Credit notes (요금 조정) on the demo tenant's KRW invoices: amounts in the currency's minor units
 * only (0 decimals for KRW), and an invoice with credit notes cannot be voided (that would cancel
 * the whole amount while the credits still stand).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
let krw: { id: string; total: string }[];
const post = (path: string, body?: unknown) => t.call('POST', `/api/v1${path}`, { key: DEMO_KEY, body });

beforeAll(async () => {
  t = await makeTestApp({ now: () => new Date('2026-11-24T03:00:00Z'), demoData: true });
  const list = await t.call('GET', '/api/v1/invoices?status=finalized&limit=200', { key: DEMO_KEY });
  krw = list.body.data.filter((i: { currency: string; total: string }) => i.currency === 'KRW' && /^\d{4,}$/.test(i.total));
  expect(krw.length).toBeGreaterThanOrEqual(2);
}, 120_000);
afterAll(async () => t?.close());

describe('credit notes', () => {
  it('refuses fractions of a won, naming the line', async () => {
    for (const amount of ['0.4', '0.5', '99.01', '1e3']) {
      const r = await post(`/invoices/${krw[0].id}/credit-notes`, { reason: 'x', lines: [{ description: 'ok', amount: '10' }, { description: 'frac', amount }] });
      expect(r.status, amount).toBe(422);
      expect(r.body.issues.map((i: { path: string }) => i.path), amount).toEqual(['lines[1].amount']);
    }
    const inv = (await t.call('GET', `/api/v1/invoices/${krw[0].id}`, { key: DEMO_KEY })).body;
    expect(inv.creditedTotal).toBe('0');
    // The whole amount due can be credited exactly.
    expect((await post(`/invoices/${krw[0].id}/credit-notes`, { reason: 'all', lines: [{ description: 'all', amount: inv.amountDue }] })).status).toBe(201);
    expect((await t.call('GET', `/api/v1/invoices/${krw[0].id}`, { key: DEMO_KEY })).body).toMatchObject({ amountDue: '0', creditedTotal: inv.total });
  });

  it('an invoice with credit notes cannot be voided; one without can', async () => {
    const r = await post(`/invoices/${krw[0].id}/void`);
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain('credit notes');
    expect((await t.call('GET', `/api/v1/invoices/${krw[0].id}`, { key: DEMO_KEY })).body.status).toBe('finalized');
    expect((await post(`/invoices/${krw[1].id}/void`)).body).toMatchObject({ status: 'void', amountDue: '0' });
  });
});
