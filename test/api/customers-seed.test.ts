import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { seedDemo } from '../../seeds/demo';
import { checkBusinessRegNo } from '../../server/customers/brn';

const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
beforeAll(async () => { t = await makeTestApp({ now: () => NOW, demoData: true }); });
afterAll(async () => { await t?.close(); });
const key = DEMO_KEY;

describe('demo customers and usage seed', () => {
  it('has ~40 customers of every type, valid 사업자등록번호 and payers paying for several customers', async () => {
    const all = (await t.call('GET', '/api/v1/customers?limit=500', { key })).body;
    expect(all.total).toBeGreaterThanOrEqual(40);
    expect(new Set(all.data.map((c: any) => c.type))).toEqual(new Set(['individual', 'corporate', 'public', 'foreigner']));
    for (const c of all.data.filter((x: any) => x.type === 'corporate' && x.country === 'KR')) expect(checkBusinessRegNo(c.businessRegNo).ok, c.name).toBe(true);
    const scn = all.data.find((c: any) => c.externalId === 'SCN');
    const grs = all.data.find((c: any) => c.externalId === 'GRS');
    expect(scn).toMatchObject({ currency: 'USD', name: expect.stringContaining('시큐어넷') });
    expect(grs).toMatchObject({ currency: 'USD', name: expect.stringContaining('그로잉살롱') });
    const payers = (await t.call('GET', '/api/v1/payers?limit=500', { key })).body.data;
    expect(payers.filter((p: any) => p.customerCount > 1).length).toBeGreaterThanOrEqual(2);
    expect((await t.call('GET', '/api/v1/contracts', { key })).body.total).toBeGreaterThan(5);
    expect((await t.call('GET', '/api/v1/meters', { key })).body.data.map((m: any) => `${m.code}:${m.aggregation}`).sort())
      .toEqual(['active_users:unique_count', 'api_calls:count', 'search_calls:count', 'storage_gb:max']);
  });

  it('has three months of usage whose monthly rollups agree with the raw events, and re-seeding adds nothing', async () => {
    const scn = (await t.call('GET', '/api/v1/customers?q=SCN', { key })).body.data[0];
    const monthly = (await t.call('GET', `/api/v1/customers/${scn.id}/usage/monthly?from=2025-03&to=2025-06`, { key })).body;
    const march = await t.call('GET', `/api/v1/customers/${scn.id}/usage?from=2025-03-01&to=2025-04-01`, { key });
    expect(Number(march.body.meters.find((m: any) => m.meter === 'api_calls').value)).toBeGreaterThan(0);
    expect(monthly.months[0].meters).toEqual(march.body.meters);
    const customersBefore = (await t.call('GET', '/api/v1/customers?limit=1', { key })).body.total;
    await seedDemo(t.handle.db, { apiKey: key, now: () => NOW });
    const again = await t.call('GET', `/api/v1/customers/${scn.id}/usage?from=2025-03-01&to=2025-04-01`, { key });
    expect(again.body.meters).toEqual(march.body.meters);
    expect((await t.call('GET', '/api/v1/customers?limit=1', { key })).body.total).toBe(customersBefore);
  });
});
