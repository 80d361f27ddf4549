import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

/**
 * Tenant isolation for customers, payers, contracts, meters, usage events and metering errors:
 * tenant A (demo) gets 404 on each of tenant B's resources, never sees them in lists or exports,
 * and cannot attach B's payer or customer to its own rows or send events for B's customers.
 */
let t: TestApp;
let b: { tenantId: string; key: string; adminEmail: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await makeTestApp();
  b = await t.otherTenant('acme');
  const call = (m: string, p: string, body?: unknown) => t.call(m, p, { key: b.key, body });
  const c = await call('POST', '/api/v1/customers', {
    externalId: 'ACME-CUST', type: 'corporate', name: 'Acme Secret Corp', country: 'US', payer: { externalId: 'ACME-PAYER', name: 'Acme Payer' },
  });
  expect(c.status).toBe(201);
  ids.customer = c.body.id;
  ids.payer = c.body.payerId;
  ids.contract = (await call('POST', '/api/v1/contracts', { customerId: ids.customer, termStart: '2025-01-01', commitmentAmount: '1000' })).body.id;
  ids.meter = (await call('POST', '/api/v1/meters', { code: 'acme_calls', name: 'Acme calls', aggregation: 'count' })).body.id;
  const ing = await call('POST', '/api/v1/events', { events: [
    { id: 'acme-evt-1', customer: 'ACME-CUST', meter: 'acme_calls', timestamp: new Date().toISOString() },
    { id: 'acme-bad-1', customer: 'ACME-NOBODY', meter: 'acme_calls', timestamp: new Date().toISOString() },
  ] });
  expect(ing.body).toMatchObject({ accepted: 1, rejected: 1 });
  ids.error = ing.body.results[1].errorId;
  // Tenant A's own customer and meter (tests do not load the demo data).
  expect((await t.call('POST', '/api/v1/customers', { key: DEMO_KEY, body: { externalId: 'A-CUST', type: 'individual', name: 'A' } })).status).toBe(201);
  expect((await t.call('POST', '/api/v1/meters', { key: DEMO_KEY, body: { code: 'api_calls', name: 'A calls', aggregation: 'count' } })).status).toBe(201);
});
afterAll(async () => { await t?.close(); });

describe('customer and metering isolation', () => {
  it('answers 404 on each of tenant B\'s resources for tenant A\'s key and session', async () => {
    const cookie = await t.login('admin@demo.billwise.dev');
    const requests: [string, string, unknown?][] = [
      ['GET', `/api/v1/customers/${ids.customer}`], ['PATCH', `/api/v1/customers/${ids.customer}`, { name: 'hijacked' }],
      ['GET', `/api/v1/customers/${ids.customer}/usage`], ['GET', `/api/v1/customers/${ids.customer}/usage/monthly`],
      ['GET', `/api/v1/payers/${ids.payer}`], ['PATCH', `/api/v1/payers/${ids.payer}`, { name: 'hijacked' }],
      ['GET', `/api/v1/contracts/${ids.contract}`], ['PATCH', `/api/v1/contracts/${ids.contract}`, { status: 'terminated' }],
      ['GET', `/api/v1/meters/${ids.meter}`], ['PATCH', `/api/v1/meters/${ids.meter}`, { name: 'hijacked' }],
      ['POST', `/api/v1/metering-errors/${ids.error}/reprocess`],
    ];
    for (const [m, path, body] of requests) {
      expect((await t.call(m, path, { key: DEMO_KEY, body })).status, `${m} ${path} (key)`).toBe(404);
      expect((await t.call(m, path, { cookie, body })).status, `${m} ${path} (session)`).toBe(404);
    }
    const mine = await t.call('GET', `/api/v1/customers/${ids.customer}`, { key: b.key });
    expect(mine.body.name).toBe('Acme Secret Corp');
    expect((await t.call('GET', `/api/v1/contracts/${ids.contract}`, { key: b.key })).body.status).toBe('active');
  });

  it('never lists or exports tenant B\'s rows to tenant A', async () => {
    for (const path of ['/api/v1/customers?limit=500', '/api/v1/customers?q=acme', '/api/v1/payers?limit=500', '/api/v1/contracts?limit=500',
      '/api/v1/meters', '/api/v1/metering-errors?limit=500', '/api/v1/customers/export']) {
      const r = await t.call('GET', path, { key: DEMO_KEY });
      expect(r.status, path).toBe(200);
      expect(JSON.stringify(r.body), path).not.toMatch(/acme/i);
    }
  });

  it('does not let tenant A use B\'s payer, customer, meter or event ids', async () => {
    const withPayer = await t.call('POST', '/api/v1/customers', { key: DEMO_KEY, body: { externalId: 'A-1', type: 'individual', name: 'A', payerId: ids.payer } });
    expect(withPayer.status).toBe(422);
    expect(withPayer.body.issues[0].path).toBe('payerId');
    const contract = await t.call('POST', '/api/v1/contracts', { key: DEMO_KEY, body: { customerId: ids.customer, termStart: '2025-01-01' } });
    expect(contract.body.issues[0].path).toBe('customerId');
    const csv = await t.call('POST', '/api/v1/customers/import?dryRun=true', { key: DEMO_KEY, body: { csv: 'externalId,type,name,payerExternalId\nA-2,individual,A,ACME-PAYER\n' } });
    expect(csv.body.errors[0]).toMatchObject({ line: 2, field: 'payerExternalId' });
    const events = await t.call('POST', '/api/v1/events', { key: DEMO_KEY, body: { events: [
      { id: 'x-1', customer: 'ACME-CUST', meter: 'api_calls', timestamp: new Date().toISOString() },
      { id: 'x-2', customer: ids.customer, meter: 'api_calls', timestamp: new Date().toISOString() },
      { id: 'x-3', customer: 'ACME-CUST', meter: 'acme_calls', timestamp: new Date().toISOString() },
    ] } });
    expect(events.body.results.map((r: any) => r.reason)).toEqual(['unknown_customer', 'unknown_customer', 'unknown_customer']);
    // Event ids are per tenant: A may use the id B already used, and B's event stays B's.
    const same = await t.call('POST', '/api/v1/events', { key: DEMO_KEY, body: { id: 'acme-evt-1', customer: 'A-CUST', meter: 'api_calls', timestamp: new Date().toISOString() } });
    expect(same.body.results[0], JSON.stringify(same.body)).toMatchObject({ status: 'accepted' });
    const bUsage = await t.call('GET', `/api/v1/customers/${ids.customer}/usage`, { key: b.key });
    expect(bUsage.body.meters).toEqual([expect.objectContaining({ meter: 'acme_calls', value: '1' })]);
  });
});
