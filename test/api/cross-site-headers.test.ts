/**
 * The cross-site request check (server/app.ts) is skipped only for requests authenticated by an
 * API key: any other Authorization header (Basic ...) with the session cookie is checked like the
 * cookie alone. Refusals have their own code, CROSS_SITE_REQUEST. Every response carries the
 * security headers (server/lib/security-headers.ts), and session cookies are Secure when
 * PUBLIC_URL is https.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
let cookie: string;
let invoiceId: string;
const key = DEMO_KEY;
const EVIL = 'https://evil.example';

beforeAll(async () => {
  t = await makeTestApp({ demoData: true });
  cookie = await t.login('admin@demo.billwise.dev');
  const drafts = await t.call('GET', '/api/v1/invoices?status=draft&limit=1', { key });
  expect(drafts.body.data.length).toBe(1);
  invoiceId = drafts.body.data[0].id;
});
afterAll(async () => { await t?.close(); });

const status = async (id: string) => (await t.call('GET', `/api/v1/invoices/${id}`, { key })).body.status;

describe('cross-site requests', () => {
  it('refuses a cross-site text/plain finalize carried by the cookie plus a Basic header', async () => {
    const res = await t.app.request(`/api/v1/invoices/${invoiceId}/finalize`, {
      method: 'POST',
      headers: { cookie, authorization: 'Basic YWRtaW46eA==', 'content-type': 'text/plain', origin: EVIL, 'sec-fetch-site': 'cross-site' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.code).toBe('CROSS_SITE_REQUEST');
    expect(await status(invoiceId)).toBe('draft');
  });

  it('refuses it with an empty Bearer value too (no key: the cookie would be used)', async () => {
    const res = await t.app.request(`/api/v1/invoices/${invoiceId}/finalize`, {
      method: 'POST', headers: { cookie, authorization: 'Bearer   ', 'content-type': 'text/plain', origin: EVIL }, body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await status(invoiceId)).toBe('draft');
  });

  it('names the refusal in Korean when asked', async () => {
    const res = await t.app.request('/api/v1/auth/logout', {
      method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: EVIL, 'accept-language': 'ko' }, body: 'a=1',
    });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.code).toBe('CROSS_SITE_REQUEST');
    expect(body.title).toBe('다른 사이트에서 보낸 요청은 거부됩니다');
    expect(body.detail).toMatch(/^다른 사이트에서 보낸 요청은 로그인 세션 쿠키를 쓸 수 없습니다/);
  });

  it('lets a request authenticated by an API key through, whatever its origin', async () => {
    const res = await t.app.request(`/api/v1/invoices/${invoiceId}/finalize`, {
      method: 'POST', headers: { cookie, authorization: `Bearer ${key}`, 'content-type': 'text/plain', origin: EVIL }, body: '',
    });
    expect(res.status).toBe(200);
    expect(await status(invoiceId)).toBe('finalized');
  });

  it('lets the console\'s own same-origin form-typed request through with the cookie', async () => {
    const res = await t.app.request('http://localhost/api/v1/auth/me', { headers: { cookie, origin: 'http://localhost' } });
    expect(res.status).toBe(200);
    const same = await t.app.request('http://localhost/api/v1/auth/logout', {
      method: 'POST', headers: { cookie: await t.login('admin@demo.billwise.dev'), 'content-type': 'text/plain', origin: 'http://localhost' }, body: '',
    });
    expect(same.status).toBe(204);
  });
});

describe('security headers', () => {
  it('sends CSP, frame, sniffing and referrer headers on API, docs and errors', async () => {
    for (const path of ['/health', '/api/docs', '/api/v1/nope', '/api/openapi.json']) {
      const res = await t.app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security'), path).toBeNull(); // no https PUBLIC_URL here
    }
  });

  it('serves the docs without an inline script (the CSP forbids them)', async () => {
    const html = await (await t.app.request('/api/docs')).text();
    expect(html).not.toMatch(/<script>/);
    const init = await t.app.request('/api/docs/init.js');
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('SwaggerUIBundle');
    expect(html).toContain('data-spec="/api/openapi.json"');
  });
});

describe('Secure session cookies', () => {
  it('are not Secure on plain http without PUBLIC_URL', async () => {
    const res = await t.app.request('http://localhost/api/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.billwise.dev', password: 'demo1234' }),
    });
    expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });

  it('are Secure (and HSTS is sent) when PUBLIC_URL is https, even behind a plain-http proxy hop', async () => {
    const s = await makeTestApp({ publicUrl: 'https://billing.example.com' });
    try {
      const res = await s.app.request('http://localhost/api/v1/auth/login', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.billwise.dev', password: 'demo1234' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      const out = await s.app.request('http://localhost/api/v1/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' } });
      expect(out.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    } finally {
      await s.close();
    }
  });
});
