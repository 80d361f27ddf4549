/**
 * problem+json in the request's language: `Accept-Language: ko` gets Korean title, detail and
 * issue messages with the same status, code, paths and issue codes; no header (or English
 * preferred) keeps the English text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const KO = { 'accept-language': 'ko' };
const HANGUL = /[\uac00-\ud7a3]/;
const badUser = { email: 'bad', name: '', password: 'x' };
const messages = (body: any) => Object.fromEntries(body.issues.map((i: any) => [i.path, i.message]));

describe('problem+json language', () => {
  it('answers a 422 in Korean with the same paths and codes as in English', async () => {
    const en = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: badUser });
    const ko = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: badUser, headers: KO });
    expect(en.status).toBe(422);
    expect(ko.status).toBe(422);
    expect(ko.headers.get('content-type')).toContain('application/problem+json');
    expect(ko.headers.get('content-language')).toBe('ko');
    expect(ko.headers.get('vary')).toContain('Accept-Language');
    for (const k of ['type', 'status', 'code', 'errorNumber'] as const) expect(ko.body[k]).toEqual(en.body[k]);
    expect(ko.body.issues.map((i: any) => [i.path, i.code])).toEqual(en.body.issues.map((i: any) => [i.path, i.code]));

    expect(messages(en.body)).toEqual({
      email: 'must be an e-mail address',
      name: 'Too small: expected string to have >=1 characters',
      password: 'must be at least 8 characters',
    });
    expect(messages(ko.body)).toEqual({
      email: '이메일 주소여야 합니다',
      name: '비워 둘 수 없습니다',
      password: '8자 이상이어야 합니다',
    });
    expect(ko.body.title).toBe('요청에 올바르지 않은 항목이 있습니다');
    expect(ko.body.detail).toBe('email: 이메일 주소여야 합니다; name: 비워 둘 수 없습니다; password: 8자 이상이어야 합니다');
    expect(en.body.title).toBe('The request has invalid fields');
    expect(en.body.detail).toBe('email: must be an e-mail address; name: Too small: expected string to have >=1 characters; password: must be at least 8 characters');
  });

  it('words zod-level errors (a missing required field, a wrong type, an unknown enum value) in Korean', async () => {
    const r = await t.call('POST', '/api/v1/users', {
      key: DEMO_KEY, headers: { 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.8' },
      body: { email: 'new@demo.billwise.dev', password: 'long-enough-1', locale: 'fr', groupIds: 'x' },
    });
    expect(r.status).toBe(422);
    expect(messages(r.body)).toEqual({
      name: '필수 항목입니다',
      locale: '"ko", "en" 중 하나여야 합니다',
      groupIds: '배열이어야 합니다',
    });
    expect(r.body.issues.find((i: any) => i.path === 'name').code).toBe('invalid_type');
  });

  it('translates service-level details and issues (409 conflict, 404, 422 from a validator)', async () => {
    const dup = { email: 'admin@demo.billwise.dev', name: 'Dup', password: 'long-enough-1' };
    const en = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: dup });
    const ko = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: dup, headers: KO });
    expect(ko.status).toBe(409);
    expect(en.body.detail).toBe('A user with this e-mail already exists');
    expect(ko.body).toMatchObject({
      code: 'CONFLICT', title: '현재 상태와 충돌합니다', detail: '같은 이메일의 사용자가 이미 있습니다',
      issues: [{ path: 'email', message: '이미 사용 중입니다' }],
    });

    const missing = await t.call('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000', { key: DEMO_KEY, headers: KO });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', title: '찾을 수 없습니다', detail: '사용자를 찾을 수 없습니다' });

    const plan = {
      code: 'ko-bad', name: 'Bad', currency: 'USD', interval: 'month',
      components: [{ code: 'base', type: 'flat', amount: 20 }, { code: 'base', type: 'flat', amount: '1.00' }],
    };
    const bad = await t.call('POST', '/api/v1/plans', { key: DEMO_KEY, body: { document: plan }, headers: KO });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('PLAN_INVALID');
    expect(bad.body.title).toBe('상품 문서가 올바르지 않습니다');
    const m = messages(bad.body);
    expect(m['document.components[0].amount']).toMatch(/^"12\.34" 같은 0 이상의 10진수 문자열이어야 합니다/);
    expect(m['document.components[1].code']).toBe('중복된 요금 항목 코드 "base"입니다 (components[0]에도 있음)');
  });

  it('keeps English without the header, for other languages and when English is preferred', async () => {
    for (const h of [undefined, 'en', 'en-US,en;q=0.9,ko;q=0.8', 'fr-FR', 'ko;q=0, en']) {
      const r = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: badUser, headers: h ? { 'accept-language': h } : {} });
      expect(r.status, String(h)).toBe(422);
      expect(r.body.title, String(h)).toBe('The request has invalid fields');
      expect(JSON.stringify(r.body), String(h)).not.toMatch(HANGUL);
    }
  });

  it('answers 401 and unknown routes in Korean too', async () => {
    const anon = await t.call('GET', '/api/v1/users', { headers: KO });
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ code: 'UNAUTHENTICATED', title: '로그인이 필요합니다' });
    expect(anon.body.detail).toBe('로그인하거나 API 키를 보내세요 (Authorization: Bearer ...)');
    const none = await t.call('GET', '/api/v1/no-such-thing', { key: DEMO_KEY, headers: KO });
    expect(none.status).toBe(404);
    expect(none.body.detail).toBe('GET /api/v1/no-such-thing에 해당하는 API가 없습니다');
  });
});
