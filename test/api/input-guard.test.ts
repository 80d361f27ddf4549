/**
 * Text PostgreSQL cannot store (NUL, unpaired surrogates) and absurdly deep JSON are a 422 naming
 * each field (server/lib/input-guard.ts), never a 500 from the database, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { unstorableIssues, MAX_BODY_DEPTH } from '../../server/lib/input-guard';

let t: TestApp;
const key = DEMO_KEY;

beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const NUL = 'must not contain the NUL character (\\u0000)';
const paths = (r: { body: any }) => r.body.issues.map((i: any) => i.path);
const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const customerCount = async () => (await t.call('GET', '/api/v1/customers?limit=1', { key })).body.total;

describe('NUL characters in JSON bodies', () => {
  it('names every field holding one, top-level, nested in arrays and in records', async () => {
    const before = await customerCount();
    const r = await t.call('POST', '/api/v1/customers', {
      key,
      body: {
        externalId: 'NUL-1', type: 'individual', name: 'Kim\u0000',
        contacts: [{ name: 'ok' }, { name: 'a\u0000b' }],
        attributes: { a: '\u0000', fine: 'x' }, tags: ['x', '\u0000y'],
      },
    });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(paths(r)).toEqual(['name', 'contacts[1].name', 'attributes.a', 'tags[1]']);
    expect(r.body.issues[0].message).toBe(NUL);
    expect(await customerCount()).toBe(before); // nothing half-written
  });

  it('names an object key holding one', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key, body: { externalId: 'NUL-2', type: 'individual', name: 'x', attributes: { 'k\u0000': 'v' } },
    });
    expect(r.status).toBe(422);
    expect(paths(r)).toEqual(['attributes.k\\u0000']);
  });

  it('covers every write: PATCH, tenant settings, groups, plan documents, bill runs', async () => {
    const c = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'NUL-3', type: 'individual', name: 'Lee' } });
    expect(c.status).toBe(201);
    const cases: Array<[string, string, unknown, string[]]> = [
      ['PATCH', `/api/v1/customers/${c.body.id}`, { name: '\u0000' }, ['name']],
      ['POST', '/api/v1/payers', { name: 'p', billingAddress: { city: 'Seoul\u0000' } }, ['billingAddress.city']],
      ['POST', '/api/v1/groups', { code: 'g\u0000', name: 'G', permissions: [] }, ['code']],
      ['POST', '/api/v1/meters', { code: 'm_1', name: 'M\u0000', aggregation: 'count' }, ['name']],
      ['POST', '/api/v1/bill-runs', { groupCode: '\u0000' }, ['groupCode']],
      ['POST', '/api/v1/catalog/import', { plans: [{ id: 'p', name: { ko: '\u0000' } }], rules: [] }, ['plans[0].name.ko']],
    ];
    for (const [m, p, body, want] of cases) {
      const r = await t.call(m, p, { key, body });
      expect(r.status, `${m} ${p}`).toBe(422);
      expect(paths(r), `${m} ${p}`).toEqual(want);
    }
    expect((await t.call('GET', `/api/v1/customers/${c.body.id}`, { key })).body.name).toBe('Lee');
  });

  it('refuses unpaired surrogates (jsonb cannot hold them) the same way', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key, body: '{"externalId":"SUR-1","type":"individual","name":"ok","attributes":{"k":"\\ud800"}}',
    });
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([{ path: 'attributes.k', message: 'must be valid Unicode text (it holds an unpaired surrogate)' }]);
    // A proper pair (an emoji) is fine.
    const ok = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'SUR-2', type: 'individual', name: 'smile 😀', attributes: { k: '😀' } } });
    expect(ok.status).toBe(201);
    expect(ok.body.attributes.k).toBe('😀');
  });

  it('answers in Korean when asked', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key, headers: { 'accept-language': 'ko' }, body: { externalId: 'NUL-4', type: 'individual', name: '\u0000' },
    });
    expect(r.status).toBe(422);
    expect(r.body.issues[0]).toMatchObject({ path: 'name', message: 'NUL 문자(\\u0000)를 포함할 수 없습니다' });
  });
});

describe('NUL characters in the query and the path', () => {
  it('names the query parameter', async () => {
    for (const [p, want] of [
      ['/api/v1/customers?q=%00', ['query.q']],
      ['/api/v1/audit-log?action=%00', ['query.action']],
      ['/api/v1/analytics/dashboard?planCode=a%00', ['query.planCode']],
      ['/api/v1/customers?q=ok&status=%00&q%00=1', ['query.status', 'query.q\\u0000']],
    ] as const) {
      const r = await t.call('GET', p, { key });
      expect(r.status, p).toBe(422);
      expect(paths(r), p).toEqual(want);
    }
  });

  it('refuses a path parameter holding one', async () => {
    const r = await t.call('GET', '/api/v1/plans/basic%00', { key });
    expect(r.status).toBe(422);
    expect(paths(r)).toEqual(['params']);
  });

  it('refuses a NUL in a text body (CSV import)', async () => {
    const res = await t.app.request('/api/v1/customers/import', {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: 'externalId,type,name\nCSV-1,individual,Pa\u0000rk\n',
    });
    expect(res.status).toBe(422);
    expect((await res.json()).issues).toEqual([{ path: '$', message: NUL }]);
  });

  it('still asks for authentication first', async () => {
    expect((await t.call('GET', '/api/v1/customers?q=%00')).status).toBe(401);
  });
});

describe('deeply nested bodies', () => {
  it(`refuses a body nested deeper than ${MAX_BODY_DEPTH} levels at $`, async () => {
    for (const levels of [MAX_BODY_DEPTH + 1, 20_000]) {
      const r = await t.call('POST', '/api/v1/customers', { key, body: `{"externalId":"DEEP","type":"individual","name":"x","attributes":${deep(levels)}}` });
      expect(r.status).toBe(422);
      expect(r.body.issues[0]).toEqual({ path: '$', message: 'is nested too deeply (at most 64 levels)' });
    }
    // Arrays count as levels too.
    const arrays = await t.call('PATCH', '/api/v1/tenant', { key, body: '['.repeat(30_000) + ']'.repeat(30_000) });
    expect(arrays.status).toBe(422);
    expect(paths(arrays)).toEqual(['$']);
  });

  it('walks without recursion', () => {
    const deepValue = JSON.parse(deep(200_000));
    expect(unstorableIssues(deepValue)).toEqual([{ path: '$', message: 'is nested too deeply (at most 64 levels)' }]);
    expect(unstorableIssues(JSON.parse(deep(MAX_BODY_DEPTH)))).toEqual([]);
  });
});

describe('ordinary requests', () => {
  it('reach the route with their body intact', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key, body: { externalId: 'OK-1', type: 'individual', name: '  홍길동 ', contacts: [{ name: 'Hong', isPrimary: true }], attributes: { tier: 'gold', seats: 3 } },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ externalId: 'OK-1', name: '홍길동', attributes: { tier: 'gold', seats: 3 } });
    expect(r.body.contacts[0]).toMatchObject({ name: 'Hong', isPrimary: true });
    const patched = await t.call('PATCH', `/api/v1/customers/${r.body.id}`, { key, body: { name: 'Gildong Hong' } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Gildong Hong');
    const found = await t.call('GET', '/api/v1/customers?q=Gildong', { key });
    expect(found.body.data.map((c: any) => c.externalId)).toEqual(['OK-1']);
  });

  it('keep malformed JSON a 400, as before', async () => {
    const r = await t.call('POST', '/api/v1/customers', { key, body: '{"name":' });
    expect(r.status).toBe(400);
  });

  it('do not claim an Idempotency-Key with a refused body', async () => {
    const headers = { 'idempotency-key': 'nul-retry-1' };
    const bad = await t.call('POST', '/api/v1/customers', { key, headers, body: { externalId: 'IDEM-1', type: 'individual', name: '\u0000' } });
    expect(bad.status).toBe(422);
    const good = await t.call('POST', '/api/v1/customers', { key, headers, body: { externalId: 'IDEM-1', type: 'individual', name: 'Retry' } });
    expect(good.status).toBe(201);
  });
});
