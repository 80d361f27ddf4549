/**
 * Issue 9: invoices and credit notes print the seller's 사업자등록번호 and address, from tenant
 * settings (they had only the name). The number is checksum-validated and stored formatted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { invoiceDocument } from '../../server/invoices/document';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';

let t: TestApp;
const key = DEMO_KEY;
beforeAll(async () => { t = await makeTestApp({ demoData: true }); });
afterAll(async () => { await t?.close(); });

describe('the seller on invoices', () => {
  it('refuses a bad 사업자등록번호 at its field and stores a good one formatted', async () => {
    const bad = await t.call('PATCH', '/api/v1/tenant', { key, body: { businessRegNo: '220-81-62510' } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('businessRegNo');
    const ok = await t.call('PATCH', '/api/v1/tenant', { key, body: { businessRegNo: '2208162517', address: '서울특별시 강남구 테헤란로 1' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ businessRegNo: '220-81-62517', address: '서울특별시 강남구 테헤란로 1' });
    expect((await t.call('GET', '/api/v1/tenant', { key })).body.businessRegNo).toBe('220-81-62517');
  });

  it('prints them as the seller of an invoice', async () => {
    const list = await t.call('GET', '/api/v1/invoices?limit=1', { key });
    expect(list.body.data.length).toBe(1);
    const { doc } = await invoiceDocument(systemCtx(t.handle.db, t.demoTenantId, PERMISSION_CODES), list.body.data[0].id);
    expect(doc.seller).toMatchObject({ businessNumber: '220-81-62517', address: '서울특별시 강남구 테헤란로 1' });
  });
});
