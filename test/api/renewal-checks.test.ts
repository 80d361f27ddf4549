/**
 * A fixed term that moves to another plan (`renewal: {planCode}`) must name a plan the
 * subscription can move to (rules/README.md "Terms that move to another plan"): 422 at
 * `document.renewal.planCode` when a draft is saved and at publish, and at
 * `plans[i].renewal.planCode` in an import; the plans of one import may name each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
const key = DEMO_KEY;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const plan = (code: string, extra: Record<string, unknown> = {}) => ({
  code, name: `Plan ${code}`, currency: 'KRW', interval: 'month', intervalCount: 1,
  components: [{ code: 'base', name: 'Base', type: 'flat', amount: '9900' }], ...extra,
});
const moving = (code: string, to: string, extra: Record<string, unknown> = {}) => plan(code, { termCycles: 12, renewal: { planCode: to }, ...extra });
const create = (document: unknown, headers: Record<string, string> = {}) => t.call('POST', '/api/v1/plans', { key, body: { document }, headers });
const saveDraft = (code: string, document: unknown) => t.call('PUT', `/api/v1/plans/${code}/draft`, { key, body: { document } });
const publish = (code: string) => t.call('POST', `/api/v1/plans/${code}/publish`, { key, body: { effectiveFrom: '2026-01-01' } });
const issues = (r: { body: { issues?: { path: string; message: string }[] } }) => (r.body.issues ?? []).map((i) => `${i.path}: ${i.message}`);

describe('renewal.planCode when a draft is saved', () => {
  it('refuses a plan that does not exist, the plan itself, another currency and another cadence family', async () => {
    let r = await create(moving('rn-intro', 'rn-nowhere'));
    expect(r.status).toBe(422);
    expect(issues(r)).toEqual(['document.renewal.planCode: no plan "rn-nowhere": create and publish it first']);
    r = await create(moving('rn-self', 'rn-self'));
    expect(issues(r)).toEqual(['document.renewal.planCode: names this plan itself; use "auto" to renew on the same plan']);

    expect((await create(plan('rn-usd', { currency: 'USD', components: [{ code: 'base', type: 'flat', amount: '9.90' }] }))).status).toBe(201);
    expect((await create(plan('rn-weekly', { interval: 'week' }))).status).toBe(201);
    expect(issues(await create(moving('rn-intro', 'rn-usd')))).toEqual(['document.renewal.planCode: plan "rn-usd" bills in USD, this plan in KRW; a subscription keeps its currency']);
    expect(issues(await create(moving('rn-intro', 'rn-weekly')))).toEqual([
      'document.renewal.planCode: plan "rn-weekly" is billed every week, this plan every month; a term moves between plans billed by months or years, or between plans billed by weeks or days',
    ]);
    // Nothing was written for the refused documents.
    expect((await t.call('GET', '/api/v1/plans/rn-intro', { key })).status).toBe(404);
  });

  it('accepts a draft-only target (checked again at publish), a yearly target, and refuses a bad one on a later draft too', async () => {
    expect((await create(plan('rn-std'))).status).toBe(201); // a draft, not published yet
    expect((await create(plan('rn-year', { interval: 'year' }))).status).toBe(201);
    expect((await create(moving('rn-intro', 'rn-std'))).status).toBe(201);
    expect(issues(await saveDraft('rn-intro', moving('rn-intro', 'rn-usd')))).toEqual(['document.renewal.planCode: plan "rn-usd" bills in USD, this plan in KRW; a subscription keeps its currency']);
    expect((await saveDraft('rn-intro', moving('rn-intro', 'rn-year'))).status).toBe(200);
    expect((await saveDraft('rn-intro', moving('rn-intro', 'rn-std'))).status).toBe(200);
  });
});

describe('renewal.planCode at publish', () => {
  it('needs the target published and not retired', async () => {
    let r = await publish('rn-intro');
    expect(r.status).toBe(422);
    expect(issues(r)).toEqual(['document.renewal.planCode: plan "rn-std" has no published version yet: publish it first']);
    expect((await t.call('GET', '/api/v1/plans/rn-intro', { key })).body.latestPublished).toBeNull();
    expect((await publish('rn-std')).status).toBe(200);
    expect((await publish('rn-intro')).status).toBe(200);

    // A new version naming a retired plan is refused at publish.
    expect((await publish('rn-year')).status).toBe(200);
    expect((await t.call('POST', '/api/v1/plans/rn-year/retire', { key, body: { from: '2027-01-01' } })).status).toBe(200);
    expect((await saveDraft('rn-intro', moving('rn-intro', 'rn-year'))).status).toBe(200);
    r = await publish('rn-intro');
    expect(r.status).toBe(422);
    expect(issues(r)).toEqual(['document.renewal.planCode: plan "rn-year" is retired from 2027-01-01']);
  });

  it('answers in Korean too', async () => {
    const r = await create(moving('rn-ko', 'rn-nowhere'), { 'accept-language': 'ko' });
    expect(r.body.issues[0].message).toBe('"rn-nowhere" 상품이 없습니다. 먼저 만들고 게시하세요');
  });
});

describe('renewal.planCode in an import', () => {
  it('may name a plan of the same import; otherwise a published plan of the tenant, at plans[i]', async () => {
    const r = await t.call('POST', '/api/v1/catalog/import', { key, body: { plans: [moving('rn-a', 'rn-b'), plan('rn-b')], rules: [], effectiveFrom: '2026-01-01' } });
    expect(r.status).toBe(200);
    const bad = await t.call('POST', '/api/v1/catalog/import', { key, body: { plans: [plan('rn-c'), moving('rn-d', 'rn-nowhere')], rules: [], effectiveFrom: '2026-01-01' } });
    expect(bad.status).toBe(422);
    expect(issues(bad)).toEqual(['plans[1].renewal.planCode: no plan "rn-nowhere": create and publish it first']);
    expect((await t.call('GET', '/api/v1/plans/rn-c', { key })).status).toBe(404); // nothing of it was written
  });
});
