/**
 * Issue 9: an event refused for a NUL in a property was stored only as a storable copy whose NUL
 * had become the visible text "\u0000" (six characters), and a reprocess judged that copy, so it
 * would accept text the client never sent. The error now keeps the event as received (JSON text)
 * and a reprocess judges that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
let customerId: string;
const key = DEMO_KEY;

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  customerId = (await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'NUL-1', type: 'individual', name: '널 고객' } })).body.id;
  expect((await t.call('POST', '/api/v1/meters', { key, body: { code: 'nul_calls', name: 'Calls', aggregation: 'count' } })).status).toBe(201);
});
afterAll(async () => { await t?.close(); });

const ev = (id: string, properties: Record<string, unknown>) => ({ id, customer: 'NUL-1', meter: 'nul_calls', timestamp: '2025-05-02T09:00:00Z', properties });
const calls = async () => (await t.call('GET', `/api/v1/customers/${customerId}/usage?from=2025-05-01&to=2025-06-01`, { key }))
  .body.meters.find((m: any) => m.meter === 'nul_calls').value;

describe('an event refused for a NUL character', () => {
  let errorId = '';
  it('is kept as received: the raw payload parses back to the NUL', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: [ev('nul-1', { note: 'a\u0000b', 'k\u0000': 1 })] } });
    expect(r.body.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid_event' });
    errorId = r.body.results[0].errorId;
    const e = (await t.call('GET', '/api/v1/metering-errors?status=open', { key })).body.data.find((x: any) => x.id === errorId);
    expect(e.rawPayload).toContain('"a\\u0000b"');
    const parsed = JSON.parse(e.rawPayload);
    expect(parsed.properties.note).toBe('a\u0000b');
    expect(Object.keys(parsed.properties)).toContain('k\u0000');
    // The storable copy still shows it as text (for a jsonb column), but it is not what is judged.
    expect(e.payload.properties.note).toBe('a\\u0000b');
  });

  it('is refused again by a reprocess, and counts nothing', async () => {
    const r = await t.call('POST', `/api/v1/metering-errors/${errorId}/reprocess`, { key });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe('rejected');
    expect(r.body.error).toMatchObject({ status: 'open', reason: 'invalid_event' });
    expect(await calls()).toBe('0');
  });

  it('while the literal text "\\u0000" (a backslash, not a NUL) is ordinary data', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: [ev('lit-1', { note: 'a\\u0000b' })] } });
    expect(r.body.accepted).toBe(1);
    expect(await calls()).toBe('1');
  });
});
