/**
 * Usage events that cannot be accepted are refused one by one and kept as metering errors, never
 * dropped and never failing the batch with a 500: null and non-object events, NUL characters in any
 * field, properties nested too deep, impossible days in the timestamp. A body that is no JSON
 * object at all is a 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { storablePayload } from '../../server/metering/validate';

// Frozen clock: 2025-05-20 12:00 KST (the demo tenant's zone is Asia/Seoul).
const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
let customerId: string;
const key = DEMO_KEY;

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  customerId = (await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'BE-1', type: 'individual', name: '이벤트 고객' } })).body.id;
  expect((await t.call('POST', '/api/v1/meters', { key, body: { code: 'be_calls', name: 'Calls', aggregation: 'count' } })).status).toBe(201);
});
afterAll(async () => { await t?.close(); });

const ev = (id: string, timestamp = '2025-03-02T09:00:00Z', properties: Record<string, unknown> = {}, customer = 'BE-1', meter = 'be_calls') =>
  ({ id, customer, meter, timestamp, properties });
const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};
const calls = async (from: string, to: string) => {
  const r = await t.call('GET', `/api/v1/customers/${customerId}/usage?from=${from}&to=${to}`, { key });
  expect(r.status).toBe(200);
  return r.body.meters.find((m: any) => m.meter === 'be_calls').value;
};
const errorsById = async () => {
  const list = await t.call('GET', '/api/v1/metering-errors?limit=500', { key });
  expect(list.status).toBe(200);
  return new Map<string, any>(list.body.data.map((e: any) => [e.id, e]));
};

describe('malformed bodies', () => {
  it('answers 422 at $ for a body that is no JSON object, storing nothing', async () => {
    const before = (await t.call('GET', '/api/v1/metering-errors', { key })).body.total;
    for (const body of ['null', '"an event"', '42', 'true']) {
      const r = await t.call('POST', '/api/v1/events', { key, body });
      expect(r.status, body).toBe(422);
      expect(r.body.issues, body).toEqual([{ path: '$', message: 'must be a JSON object' }]);
    }
    expect((await t.call('GET', '/api/v1/metering-errors', { key })).body.total).toBe(before);
  });
});

describe('bad events in a batch', () => {
  const deepText = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
  const events: Array<[unknown, string]> = [
    [null, 'invalid_event'],
    ['not an object', 'invalid_event'],
    [42, 'invalid_event'],
    [[ev('in-an-array')], 'invalid_event'],
    [ev('nul-customer', undefined, {}, 'BE-1\u0000'), 'invalid_event'],
    [ev('nul-meter', undefined, {}, 'BE-1', 'be_calls\u0000'), 'invalid_event'],
    [ev('nul\u0000-id'), 'invalid_event'],
    [ev('nul-prop', undefined, { note: 'a\u0000b' }), 'invalid_event'],
    [ev('nul-key', undefined, { 'k\u0000': 1 }), 'invalid_event'],
    [ev('nul-ts', '2025-03-02T09:00:00Z\u0000'), 'invalid_timestamp'],
    [ev('deep-33', undefined, nested(33) as Record<string, unknown>), 'invalid_event'],
    ['DEEP', 'invalid_event'], // placeholder: 20,000 levels, spliced in as text below
    [ev('feb-30', '2025-02-30T09:00:00Z'), 'invalid_timestamp'],
    [ev('feb-29', '2025-02-29T09:00:00+09:00'), 'invalid_timestamp'],
    [ev('apr-31', '2025-04-31T00:00:00Z'), 'invalid_timestamp'],
    [ev('ok-mar-2'), 'accepted'],
    [ev('ok-deep-32', '2025-03-02T10:00:00Z', nested(32) as Record<string, unknown>), 'accepted'],
    [ev('ok-leap', '2024-02-29T09:00:00Z'), 'accepted'],
  ];
  const body = () => {
    const parts = events.map(([e]) => (e === 'DEEP' ? `{"id":"deep-20000","customer":"BE-1","meter":"be_calls","timestamp":"2025-03-02T09:00:00Z","properties":${deepText}}` : JSON.stringify(e)));
    return `{"events":[${parts.join(',')}]}`;
  };
  let results: any[];

  it('rejects each one with its reason, stores the valid ones of the same batch', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: body() });
    expect(r.status).toBe(200);
    results = r.body.results;
    expect(results.map((x: any) => x.reason ?? x.status)).toEqual(events.map(([, want]) => want));
    expect(r.body).toMatchObject({ accepted: 3, rejected: events.length - 3, duplicates: 0 });
    expect(results.find((x: any) => x.id === 'feb-30').message).toBe('timestamp: 2025-02-30 is not a calendar date');
    expect(results.find((x: any) => x.id === 'nul-customer').message).toMatch(/^customer must not contain the NUL character/);
    expect(results.find((x: any) => x.id === 'deep-20000').message).toBe('properties are nested deeper than 32 levels');
  });

  it('keeps every rejected event as a metering error with a payload PostgreSQL could store', async () => {
    const errs = await errorsById();
    const rejected = results.filter((x: any) => x.status === 'rejected');
    for (const x of rejected) expect(errs.get(x.errorId), `${x.index}`).toMatchObject({ reason: x.reason, status: 'open' });
    const payloadOf = (index: number) => errs.get(results[index].errorId).payload;
    expect(payloadOf(0)).toBeNull();
    expect(payloadOf(1)).toBe('not an object');
    expect(payloadOf(2)).toBe(42);
    expect(payloadOf(4).customer).toBe('BE-1\\u0000'); // the NUL kept as visible text
    expect(errs.get(results[4].errorId)).toMatchObject({ eventId: 'nul-customer', customerRef: null });
    expect(payloadOf(6).id).toBe('nul\\u0000-id');
    expect(payloadOf(7).properties.note).toBe('a\\u0000b');
    expect(Object.keys(payloadOf(8).properties)).toEqual(['k\\u0000']);
    expect(JSON.stringify(Object.fromEntries(errs))).not.toContain('\u0000');
    // The 20,000 levels are cut (the stored payload stays too deep to pass when reprocessed).
    const deep = JSON.stringify(payloadOf(11));
    expect(deep.length).toBeLessThan(2_000);
    expect(deep).toContain('not stored');
    expect(payloadOf(12)).toEqual(ev('feb-30', '2025-02-30T09:00:00Z'));
  });

  it('counts only the valid events: nothing lands on 2 March from 30 February', async () => {
    expect(await calls('2025-03-02', '2025-03-03')).toBe('2');
    expect(await calls('2024-02-29', '2024-03-01')).toBe('1');
  });

  it('reprocessing a too deep or a null event rejects it again instead of accepting a cut copy', async () => {
    for (const index of [0, 10, 11]) {
      const r = await t.call('POST', `/api/v1/metering-errors/${results[index].errorId}/reprocess`, { key });
      expect(r.status, `${index}`).toBe(200);
      expect(r.body).toMatchObject({ result: 'rejected', error: { reason: 'invalid_event', status: 'open' } });
    }
    expect(await calls('2025-03-02', '2025-03-03')).toBe('2');
  });

  it('a retried batch is duplicates for the valid ones and bumps the errors', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: body() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 0, duplicates: 3 });
    const errs = await errorsById();
    expect(errs.get(r.body.results[12].errorId)).toMatchObject({ eventId: 'feb-30', occurrences: 2 });
  });

  it('a single bad event is refused and kept the same way', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: ev('single-feb-30', '2025-02-30T00:00:00+09:00') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 0, rejected: 1, results: [{ id: 'single-feb-30', reason: 'invalid_timestamp' }] });
  });
});

describe('storablePayload', () => {
  it('copies without recursion and escapes what jsonb refuses', () => {
    const deep = storablePayload({ properties: nested(100_000) }) as any;
    let levels = 0;
    for (let v = deep; v && typeof v === 'object'; v = v.properties ?? v.a) levels++;
    expect(levels).toBe(34);
    expect(storablePayload({ 'k\u0000': ['\ud800x', '😀'] })).toEqual({ 'k\\u0000': ['\\ud800x', '😀'] });
    expect(storablePayload(null)).toBeNull();
  });
});

describe('timestamps outside 1900..9999 (year 0000 made the whole batch a 500 and lost its valid events)', () => {
  it('rejects each such event as a metering error and stores the rest of the batch', async () => {
    const batch = [
      ev('y0000', '0000-01-01T00:00:00Z'),
      ev('y1899', '1899-12-31T23:59:59Z'),
      ev('ok-apr-1', '2025-04-01T09:00:00Z'),
      ev('ok-apr-1b', '2025-04-01T10:00:00+09:00'),
    ];
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: batch } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, rejected: 2 });
    expect(r.body.results.slice(0, 2)).toEqual([
      expect.objectContaining({ id: 'y0000', reason: 'invalid_timestamp', message: 'timestamp must be between 1900-01-01 and 9999-12-31' }),
      expect.objectContaining({ id: 'y1899', reason: 'invalid_timestamp' }),
    ]);
    const errs = await errorsById();
    expect(errs.get(r.body.results[0].errorId)).toMatchObject({ eventId: 'y0000', status: 'open' });
    expect(errs.get(r.body.results[0].errorId).payload.timestamp).toBe('0000-01-01T00:00:00Z');
    expect(await calls('2025-04-01', '2025-04-02')).toBe('2');
  });
});
