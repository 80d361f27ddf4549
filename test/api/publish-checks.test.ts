/**
 * Issue 9: publishing checks a document against the tenant. Two coupon rules with one code both
 * applied (422 at the code naming both rules, generated codes included); a usage component with
 * a meter that does not exist billed nothing (422 at the component's meter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
const key = DEMO_KEY;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const coupon = (id: string, code: string) => ({
  id, name: `Coupon ${id}`, kind: 'coupon', priority: 20, conditions: { all: [] },
  event: { type: 'coupon', params: { code, percent: '10' } },
});
const create = (kind: 'rules' | 'plans', document: unknown) => t.call('POST', `/api/v1/${kind}`, { key, body: { document } });
const publish = (kind: 'rules' | 'plans', code: string) => t.call('POST', `/api/v1/${kind}/${code}/publish`, { key, body: { effectiveFrom: '2026-01-01' } });

describe('coupon codes are unique across coupon rules at publish', () => {
  it('refuses a second rule with the same code (any case), naming both rules', async () => {
    await create('rules', coupon('first-coupon', 'WELCOME10'));
    expect((await publish('rules', 'first-coupon')).status).toBe(200);
    await create('rules', coupon('second-coupon', 'welcome10'));
    const r = await publish('rules', 'second-coupon');
    expect(r.status).toBe(422);
    expect(r.body.issues).toHaveLength(1);
    expect(r.body.issues[0].path).toBe('document.event.params.code');
    expect(r.body.issues[0].message).toContain('"first-coupon"');
    expect(r.body.issues[0].message).toContain('"second-coupon"');
    expect((await t.call('GET', '/api/v1/rules/second-coupon', { key })).body.latestPublished).toBeNull();
  });

  it('refuses a code that is a generated code of another rule, and a generated code that is another rule\'s code', async () => {
    await t.call('POST', '/api/v1/rules/first-coupon/coupon-codes', { key, body: { codes: ['SPRING-A1'] } });
    await create('rules', coupon('third-coupon', 'SPRING-A1'));
    const r = await publish('rules', 'third-coupon');
    expect(r.status).toBe(422);
    expect(r.body.issues[0].message).toMatch(/"third-coupon".*"first-coupon"|"first-coupon".*"third-coupon"/);

    await create('rules', coupon('fourth-coupon', 'AUTUMN5'));
    const g = await t.call('POST', '/api/v1/rules/fourth-coupon/coupon-codes', { key, body: { codes: ['AUTUMN-1', 'WELCOME10'] } });
    expect(g.status).toBe(409);
    expect(g.body.issues).toEqual([expect.objectContaining({ path: 'codes[1]', message: expect.stringContaining('"first-coupon"') })]);
  });

  it('publishes a new version of the same rule with its own code, and a distinct code', async () => {
    await t.call('PUT', '/api/v1/rules/first-coupon/draft', { key, body: { document: { ...coupon('first-coupon', 'WELCOME10'), name: 'v2' } } });
    expect((await t.call('POST', '/api/v1/rules/first-coupon/publish', { key, body: { effectiveFrom: '2026-02-01' } })).status).toBe(200);
    await create('rules', coupon('fifth-coupon', 'SUMMER20'));
    expect((await publish('rules', 'fifth-coupon')).status).toBe(200);
  });

  it('answers in Korean too', async () => {
    const r = await t.call('POST', '/api/v1/rules/second-coupon/publish', { key, body: { effectiveFrom: '2026-01-01' }, headers: { 'accept-language': 'ko' } });
    expect(r.body.issues[0].message).toContain('같은 코드를 쓸 수 없습니다');
  });
});

describe('a plan names meters that exist', () => {
  const plan = (meter: string) => ({ code: 'metered', name: 'Metered', currency: 'KRW', interval: 'month', components: [
    { code: 'base', type: 'flat', amount: '1000' },
    { code: 'calls', type: 'usage', meter, pricing: { model: 'standard', unitAmount: '1' } },
  ] });

  it('refuses an unknown meter at the component\'s meter field, and publishes once it exists', async () => {
    await create('plans', plan('pc_calls'));
    const r = await publish('plans', 'metered');
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'document.components[1].meter', code: 'unknown_meter' })]);
    expect((await t.call('POST', '/api/v1/meters', { key, body: { code: 'pc_calls', name: 'Calls', aggregation: 'count' } })).status).toBe(201);
    expect((await publish('plans', 'metered')).status).toBe(200);
  });
});
