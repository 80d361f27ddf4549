/**
 * Integer path and query parameters are range-checked by one schema each
 * (server/lib/schemas.ts: `positiveIntParam`, `paging`): 2147483648 overflowed PostgreSQL's
 * integer as a 500. Plan relations take plan codes by the plans' own rules (a 10 KB code was a
 * 500 "index row too large") and only plans that exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
const key = DEMO_KEY;

beforeAll(async () => { t = await makeTestApp({ demoData: true }); }, 120_000);
afterAll(async () => { await t?.close(); });

const paths = (r: { body: any }) => r.body.issues.map((i: any) => i.path);

describe('integer path and query parameters', () => {
  it('a plan version beyond the integer range (or not a positive integer) is a 422 at params.version', async () => {
    for (const v of ['2147483648', '99999999999999999999', '1e308', '-1', '0', 'NaN', '1.5']) {
      const r = await t.call('GET', `/api/v1/plans/basic/versions/${v}`, { key });
      expect(r.status, v).toBe(422);
      expect(paths(r), v).toEqual(['params.version']);
    }
    expect((await t.call('GET', '/api/v1/plans/basic/versions/2147483647', { key })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/plans/basic/versions/1', { key })).status).toBe(200);
  });

  it('the version diff range', async () => {
    const r = await t.call('GET', '/api/v1/plans/basic/diff?from=1&to=2147483648', { key });
    expect(r.status).toBe(422);
    expect(paths(r)).toEqual(['query.to']);
  });

  it('limit and offset of list endpoints', async () => {
    for (const path of ['/api/v1/customers', '/api/v1/invoices', '/api/v1/audit-log', '/api/v1/bill-runs', '/api/v1/subscriptions', '/api/v1/metering-errors']) {
      const r = await t.call('GET', `${path}?offset=2147483648`, { key });
      expect(r.status, path).toBe(422);
      expect(paths(r), path).toEqual(['query.offset']);
      const l = await t.call('GET', `${path}?limit=1e308`, { key });
      expect(l.status, path).toBe(422);
      expect((await t.call('GET', `${path}?offset=2147483647&limit=1`, { key })).status, path).toBe(200);
    }
  });
});

describe('integers in bodies that land in integer columns', () => {
  it('coupon maxRedemptions beyond 2147483647 is a 422 at the field, and no code is created', async () => {
    const before = (await t.call('GET', '/api/v1/rules/welcome10/coupon-codes', { key })).body;
    const r = await t.call('POST', '/api/v1/rules/welcome10/coupon-codes', { key, body: { count: 1, maxRedemptions: 2147483648 } });
    expect(r.status).toBe(422);
    expect(paths(r)).toEqual(['maxRedemptions']);
    expect((await t.call('GET', '/api/v1/rules/welcome10/coupon-codes', { key })).body).toEqual(before);
    expect((await t.call('POST', '/api/v1/rules/welcome10/coupon-codes', { key, body: { count: 1, maxRedemptions: 2147483647 } })).status).toBe(201);
  });
});

describe('plan relations', () => {
  const relate = (planCode: string, relatedPlanCode: string, kind = 'excludes') =>
    t.call('POST', '/api/v1/plan-relations', { key, body: { planCode, kind, relatedPlanCode } });

  it('a 10 KB plan code is a 422 at the field, as for plans', async () => {
    const r = await relate('x'.repeat(10_000), 'basic');
    expect(r.status).toBe(422);
    expect(paths(r)).toEqual(['planCode']);
  });

  it('refuses plans that do not exist, naming each field', async () => {
    const r = await relate('no-such-plan', 'nor-this-one');
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([
      expect.objectContaining({ path: 'planCode', message: 'no plan with code "no-such-plan"' }),
      expect.objectContaining({ path: 'relatedPlanCode', message: 'no plan with code "nor-this-one"' }),
    ]);
    const one = await relate('basic', 'nor-this-one');
    expect(paths(one)).toEqual(['relatedPlanCode']);
    const list = await t.call('GET', '/api/v1/plan-relations', { key });
    expect(list.body.data.some((x: any) => x.relatedPlanCode === 'nor-this-one')).toBe(false);
  });

  it('relates two plans that exist', async () => {
    const plans = (await t.call('GET', '/api/v1/plans', { key })).body.data.map((p: any) => p.code);
    expect(plans).toEqual(expect.arrayContaining(['basic', 'standard']));
    const r = await relate('basic', 'standard', 'upgrades_to');
    expect([201, 409]).toContain(r.status);
  });
});
