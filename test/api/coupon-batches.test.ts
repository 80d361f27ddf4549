/**
 * Issue 9: coupon batches get an expiry date, a CSV export, and names and times in the tenant's
 * time zone (the default batch name was UTC: a batch made at 09:30 in Seoul was named 00:30).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

// 2026-03-02 09:30 KST = 00:30 UTC; the demo tenant is in Asia/Seoul.
const NOW = new Date('2026-03-02T00:30:00Z');
let t: TestApp;
const key = DEMO_KEY;
beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  await t.call('POST', '/api/v1/rules', { key, body: { document: {
    id: 'batch-coupon', name: 'Batch coupon', kind: 'coupon', priority: 20, conditions: { all: [] },
    event: { type: 'coupon', params: { code: 'BATCHY', percent: '5' } },
  } } });
});
afterAll(async () => { await t?.close(); });

describe('coupon batches', () => {
  it('names a batch by the tenant\'s local time and keeps its expiry date', async () => {
    const r = await t.call('POST', '/api/v1/rules/batch-coupon/coupon-codes', { key, body: { count: 3, prefix: 'B-', expiresOn: '2026-06-30' } });
    expect(r.status).toBe(201);
    for (const c of r.body.data) expect(c).toMatchObject({ batch: 'batch-2026-03-02 09:30', expiresOn: '2026-06-30' });
    const named = await t.call('POST', '/api/v1/rules/batch-coupon/coupon-codes', { key, body: { codes: ['SPRING-FAIR'], batch: '봄 박람회' } });
    expect(named.body.data[0]).toMatchObject({ batch: '봄 박람회', expiresOn: null });
  });

  it('refuses a bad expiry date at its field', async () => {
    const r = await t.call('POST', '/api/v1/rules/batch-coupon/coupon-codes', { key, body: { count: 1, expiresOn: '2026-02-30' } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('expiresOn');
  });

  it('exports the codes as CSV, all or one batch, with times in the tenant\'s zone', async () => {
    const all = await t.call('GET', '/api/v1/rules/batch-coupon/coupon-codes/export', { key });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toContain('text/csv');
    // (the BOM for Excel is dropped by the test client's text decoding)
    const text = String(all.body).replace(/^\uFEFF/, '');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('code,batch,max_redemptions,redeemed,expires_on,created_at (Asia/Seoul)');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('SPRING-FAIR'))).toBe('SPRING-FAIR,봄 박람회,1,0,,2026-03-02 09:30');
    const one = await t.call('GET', `/api/v1/rules/batch-coupon/coupon-codes/export?batch=${encodeURIComponent('batch-2026-03-02 09:30')}`, { key });
    const rows = String(one.body).replace(/^\uFEFF/, '').trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^B-[A-Z0-9]{8},batch-2026-03-02 09:30,1,0,2026-06-30,2026-03-02 09:30$/);
  });
});
