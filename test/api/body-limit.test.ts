/**
 * Request bodies are limited before anything reads them, authentication included
 * (server/lib/body-limit.ts): 1 MB for JSON writes, 5 MB for usage-event batches and imports;
 * larger is a 413 PAYLOAD_TOO_LARGE problem. A chunked body without Content-Length is counted as
 * it streams and reading stops at the limit (it is never buffered whole).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { MAX_BODY_BYTES, MAX_BULK_BODY_BYTES } from '../../server/lib/body-limit';

let t: TestApp;
const key = DEMO_KEY;

beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

/** A JSON object of about `bytes` bytes (one long string field). */
const jsonOf = (bytes: number, extra: Record<string, unknown> = {}) => JSON.stringify({ ...extra, pad: 'x'.repeat(bytes) });

/** An endless chunked body: counts what the server pulled from it. */
function endless(chunkBytes = 64 * 1024) {
  const chunk = new TextEncoder().encode('x'.repeat(chunkBytes));
  const state = { pulled: 0, stream: null as unknown as ReadableStream<Uint8Array> };
  state.stream = new ReadableStream<Uint8Array>({
    pull(ctrl) { state.pulled += chunk.length; ctrl.enqueue(chunk); },
  });
  return state;
}

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
  const text = await res.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: json, headers: res.headers };
}

describe('before authentication (login)', () => {
  it('refuses a body over 1 MB with 413 problem+json', async () => {
    const r = await post('/api/v1/auth/login', jsonOf(MAX_BODY_BYTES + 10, { email: 'a@b.c', password: 'x' }));
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.body.detail).toBe('The body is larger than the limit of 1 MB for this endpoint');
  });

  it('refuses by the declared Content-Length without reading the body', async () => {
    const s = endless();
    const r = await post('/api/v1/auth/login', s.stream, { 'content-length': String(200 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(s.pulled).toBeLessThanOrEqual(64 * 1024); // at most what the stream buffered up front
  });

  it('stops reading a chunked body (no Content-Length) at the limit', async () => {
    const s = endless();
    const r = await post('/api/v1/auth/login', s.stream);
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    // The stream never ends: the answer came from counting, and little past the limit was pulled.
    expect(s.pulled).toBeGreaterThan(MAX_BODY_BYTES);
    expect(s.pulled).toBeLessThan(MAX_BODY_BYTES + 4 * 64 * 1024);
  });

  it('still logs in with a normal body', async () => {
    expect(await t.login('admin@demo.billwise.dev')).toMatch(/^bw_session=/);
  });

  it('answers in Korean when asked', async () => {
    const r = await post('/api/v1/auth/login', jsonOf(MAX_BODY_BYTES + 10), { 'accept-language': 'ko' });
    expect(r.status).toBe(413);
    expect(r.body.title).toBe('요청 본문이 너무 큽니다');
    expect(r.body.detail).toBe('요청 본문이 이 API의 한도 1MB보다 큽니다');
  });
});

describe('after authentication', () => {
  it('refuses a 1 MB+ JSON write, chunked or not, and accepts one just under', async () => {
    const auth = { authorization: `Bearer ${key}` };
    expect((await post('/api/v1/customers', jsonOf(MAX_BODY_BYTES + 1), auth)).status).toBe(413);
    const s = endless();
    const chunked = await post('/api/v1/customers', s.stream, auth);
    expect(chunked.status).toBe(413);
    expect(s.pulled).toBeLessThan(MAX_BODY_BYTES + 4 * 64 * 1024);
    // Under the limit the route judges the body (here: an unknown field / missing ones), no 413.
    expect((await post('/api/v1/customers', jsonOf(MAX_BODY_BYTES - 1000), auth)).status).toBe(422);
  });

  it('allows usage-event batches up to 5 MB', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const events = (bytes: number) => JSON.stringify({ events: [{ id: 'big', customer: 'x', meter: 'm', timestamp: '2025-01-01T00:00:00Z', properties: { pad: 'x'.repeat(bytes) } }] });
    // 3 MB: over the JSON limit, under the bulk one: the event itself is judged (and rejected: unknown customer).
    const ok = await post('/api/v1/events', events(3 * 1024 * 1024), auth);
    expect(ok.status).toBe(200);
    expect(ok.body.rejected).toBe(1);
    const big = await post('/api/v1/events', events(MAX_BULK_BODY_BYTES + 1), auth);
    expect(big.status).toBe(413);
    expect(big.body.detail).toBe('The body is larger than the limit of 5 MB for this endpoint');
  });
});
