import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { usageDaily } from '../../server/db/schema';
import { tickSchedules } from '../../server/jobs/schedules';
import { drainJobs } from '../../server/jobs/worker';
import { USAGE_ROLLUP_JOB } from '../../server/metering/rollup-job';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

// Frozen clock: 2025-05-20 12:00 KST. The demo tenant's zone is Asia/Seoul, so "this month" is May 2025 KST.
const NOW = new Date('2025-05-20T03:00:00Z');
let t: TestApp;
let customerId: string;
const key = DEMO_KEY;

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  customerId = (await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'MT-1', type: 'individual', name: '미터 테스트' } })).body.id;
  const meters = [
    { code: 'mt_calls', name: 'Calls', aggregation: 'count' },
    { code: 'mt_calls_kr', name: 'Calls (KR, JP)', aggregation: 'count', filters: { region: ['kr', 'jp'] } },
    { code: 'mt_bytes', name: 'Bytes', aggregation: 'sum', field: 'bytes', unit: 'B' },
    { code: 'mt_peak', name: 'Peak storage', aggregation: 'max', field: 'gb' },
    { code: 'mt_users', name: 'Active users', aggregation: 'unique_count', field: 'userId' },
    { code: 'mt_seats', name: 'Seats', aggregation: 'latest', field: 'seats' },
  ];
  for (const m of meters) expect((await t.call('POST', '/api/v1/meters', { key, body: m })).status).toBe(201);
});
afterAll(async () => { await t?.close(); });

const ev = (id: string, meter: string, timestamp: string, properties: Record<string, unknown> = {}, customer = 'MT-1') =>
  ({ id, customer, meter, timestamp, properties });
const usage = async (query = '') => {
  const r = await t.call('GET', `/api/v1/customers/${customerId}/usage${query}`, { key });
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.meters.map((m: any) => [m.meter, m.value]));
};

describe('meters', () => {
  it('validates definitions and codes', async () => {
    const r = await t.call('POST', '/api/v1/meters', { key, body: { code: 'Bad-Code', name: '', aggregation: 'avg' } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(['aggregation', 'code', 'name']);
    const noField = await t.call('POST', '/api/v1/meters', { key, body: { code: 'mt_x', name: 'x', aggregation: 'sum' } });
    expect(noField.body.issues).toEqual([expect.objectContaining({ path: 'field', message: 'is required for sum' })]);
    const countField = await t.call('POST', '/api/v1/meters', { key, body: { code: 'mt_x', name: 'x', aggregation: 'count', field: 'a' } });
    expect(countField.body.issues[0].path).toBe('field');
    const dup = await t.call('POST', '/api/v1/meters', { key, body: { code: 'mt_calls', name: 'again', aggregation: 'count' } });
    expect(dup.status).toBe(409);
    const list = await t.call('GET', '/api/v1/meters', { key });
    expect(list.body.data.find((m: any) => m.code === 'mt_calls_kr').filters).toEqual({ region: ['kr', 'jp'] });
  });
});

describe('ingest', () => {
  const batch = [
    ev('b-1', 'mt_calls', '2025-05-02T10:00:00+09:00', { region: 'kr' }),
    ev('b-2', 'mt_calls', '2025-05-03T10:00:00+09:00', { region: 'us' }),
    ev('b-3', 'mt_calls', '2025-05-04T10:00:00Z', { region: 'jp' }),
    ev('b-1', 'mt_calls', '2025-05-02T10:00:00+09:00', { region: 'kr' }), // same id twice in one batch
    ev('b-4', 'mt_bytes', '2025-05-05T00:00:00Z', { bytes: 1500 }),
    ev('b-5', 'mt_bytes', '2025-05-06T00:00:00Z', { bytes: '0.1' }),
    ev('b-6', 'mt_bytes', '2025-05-06T01:00:00Z', { bytes: 0.2 }),
  ];

  it('accepts a batch, counting an id repeated inside it once', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: batch } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 6, duplicates: 1, rejected: 0 });
    expect(r.body.results[3]).toEqual({ index: 3, id: 'b-1', status: 'duplicate' });
    const u = await usage();
    expect(u.mt_calls).toBe('3');
    expect(u.mt_bytes).toBe('1500.3'); // exact decimal sum, not 1500.3000000000002
  });

  it('answers a retried batch as duplicates and leaves usage unchanged', async () => {
    const before = await usage();
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: batch } });
    expect(r.body).toMatchObject({ accepted: 0, duplicates: 7, rejected: 0 });
    expect(r.body.results.every((x: any) => x.status === 'duplicate')).toBe(true);
    expect(await usage()).toEqual(before);
  });

  it('accepts a single event body, and the customer\'s id as well as its external id', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: ev('s-1', 'mt_calls', '2025-05-07T00:00:00Z', {}, customerId) });
    expect(r.body).toMatchObject({ accepted: 1, results: [{ status: 'accepted', id: 's-1' }] });
    expect((await usage()).mt_calls).toBe('4');
  });

  it('refuses a batch over 1000 events as a whole, storing nothing', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ev(`big-${i}`, 'mt_calls', '2025-05-08T00:00:00Z'));
    const r = await t.call('POST', '/api/v1/events', { key, body: { events } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('events');
    expect((await usage()).mt_calls).toBe('4');
  });

  it('ingests a full batch of 1000 in one request', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ev(`k-${i}`, 'mt_users', '2025-05-09T00:00:00Z', { userId: `u${i % 37}` }));
    const r = await t.call('POST', '/api/v1/events', { key, body: { events } });
    expect(r.body.accepted).toBe(1000);
    expect((await usage()).mt_users).toBe('37');
  });
});

describe('metering errors', () => {
  it('keeps every bad event with its reason and raw payload, never silently dropping one', async () => {
    const bad = [
      ev('e-1', 'mt_calls', '2025-05-10T00:00:00Z', {}, 'NOBODY'),
      ev('e-2', 'mt_nope', '2025-05-10T00:00:00Z'),
      ev('e-3', 'mt_bytes', '2025-05-10T00:00:00Z', { bytes: 'lots' }),
      ev('e-4', 'mt_bytes', '2025-05-10T00:00:00Z', {}),
      ev('e-5', 'mt_calls', '10/05/2025'),
      ev('e-6', 'mt_calls', '2025-05-10T00:00:00'), // no zone: ambiguous
      'not an object',
      { customer: 'MT-1', meter: 'mt_calls', timestamp: '2025-05-10T00:00:00Z' },
      ev('e-7', 'mt_calls', '2025-06-30T00:00:00Z'), // far in the future for the frozen clock
      ev('ok-1', 'mt_calls', '2025-05-10T00:00:00Z'),
    ];
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: bad } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 9 });
    expect(r.body.results.map((x: any) => x.reason ?? x.status)).toEqual([
      'unknown_customer', 'unknown_meter', 'invalid_value', 'missing_field', 'invalid_timestamp', 'invalid_timestamp',
      'invalid_event', 'invalid_event', 'invalid_timestamp', 'accepted',
    ]);
    const list = await t.call('GET', '/api/v1/metering-errors?status=open&limit=100', { key });
    expect(list.body.total).toBe(9);
    const e1 = list.body.data.find((e: any) => e.eventId === 'e-1');
    expect(e1).toMatchObject({ reason: 'unknown_customer', customerRef: 'NOBODY', payload: bad[0], occurrences: 1 });
    expect(list.body.data.find((e: any) => e.payload === 'not an object').reason).toBe('invalid_event');
  });

  it('a retried bad event updates its error row instead of adding one', async () => {
    await t.call('POST', '/api/v1/events', { key, body: ev('e-1', 'mt_calls', '2025-05-10T00:00:00Z', {}, 'NOBODY') });
    const list = await t.call('GET', '/api/v1/metering-errors?customer=NOBODY', { key });
    expect(list.body.total).toBe(1);
    expect(list.body.data[0].occurrences).toBe(2);
  });

  it('reprocesses an error once the missing customer exists, counting the event once', async () => {
    const errId = (await t.call('GET', '/api/v1/metering-errors?customer=NOBODY', { key })).body.data[0].id;
    const still = await t.call('POST', `/api/v1/metering-errors/${errId}/reprocess`, { key });
    expect(still.body).toMatchObject({ result: 'rejected', error: { status: 'open', reason: 'unknown_customer' } });
    const before = (await usage()).mt_calls;
    const nobody = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'NOBODY', type: 'individual', name: '늦게 온 고객' } });
    const r = await t.call('POST', `/api/v1/metering-errors/${errId}/reprocess`, { key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ result: 'accepted', error: { status: 'reprocessed' } });
    expect((await usage()).mt_calls).toBe(before); // the event belongs to NOBODY, not MT-1
    const theirs = await t.call('GET', `/api/v1/customers/${nobody.body.id}/usage`, { key });
    expect(theirs.body.meters.find((m: any) => m.meter === 'mt_calls')).toMatchObject({ value: '1', events: 1 });
    expect((await t.call('POST', `/api/v1/metering-errors/${errId}/reprocess`, { key })).status).toBe(409);
    // The client retrying the original event now gets "duplicate", not a second count.
    const retry = await t.call('POST', '/api/v1/events', { key, body: ev('e-1', 'mt_calls', '2025-05-10T00:00:00Z', {}, 'NOBODY') });
    expect(retry.body.results[0].status).toBe('duplicate');
  });

  it('closes an open error when the same event id later arrives valid', async () => {
    const r = await t.call('POST', '/api/v1/events', { key, body: ev('e-4', 'mt_bytes', '2025-05-10T00:00:00Z', { bytes: 10 }) });
    expect(r.body.accepted).toBe(1);
    const e4 = (await t.call('GET', '/api/v1/metering-errors?limit=100', { key })).body.data.find((e: any) => e.eventId === 'e-4');
    expect(e4.status).toBe('resolved');
  });
});

describe('aggregations', () => {
  it('computes count, filtered count, sum, max, unique_count and latest over [from, to)', async () => {
    const events = [
      ev('a-1', 'mt_peak', '2025-03-01T00:00:00+09:00', { gb: 5 }),
      ev('a-2', 'mt_peak', '2025-03-15T00:00:00+09:00', { gb: '12.75' }),
      ev('a-3', 'mt_peak', '2025-03-31T23:59:59+09:00', { gb: 3 }),
      ev('a-4', 'mt_peak', '2025-04-01T00:00:00+09:00', { gb: 99 }), // first instant of April KST: excluded from March
      ev('a-5', 'mt_seats', '2025-03-02T00:00:00Z', { seats: 10 }),
      ev('a-6', 'mt_seats', '2025-03-20T00:00:00Z', { seats: 7 }),
      ev('a-7', 'mt_seats', '2025-03-10T00:00:00Z', { seats: 30 }), // arrives later but is older: not the latest
      ev('a-8', 'mt_users', '2025-03-05T00:00:00Z', { userId: 'alice' }),
      ev('a-9', 'mt_users', '2025-03-06T00:00:00Z', { userId: 'bob' }),
      ev('a-10', 'mt_users', '2025-03-07T00:00:00Z', { userId: 'alice' }),
      ev('a-11', 'mt_users', '2025-03-07T00:00:00Z', { userId: 7 }),
      ev('a-12', 'mt_calls_kr', '2025-03-08T00:00:00Z', { region: 'kr' }),
      ev('a-13', 'mt_calls_kr', '2025-03-08T00:00:00Z', { region: 'us' }),
      ev('a-14', 'mt_calls_kr', '2025-03-08T00:00:00Z', { region: 'jp' }),
      ev('a-15', 'mt_calls_kr', '2025-03-08T00:00:00Z', {}),
    ];
    expect((await t.call('POST', '/api/v1/events', { key, body: { events } })).body.accepted).toBe(events.length);
    const march = await usage('?from=2025-03-01&to=2025-04-01');
    expect(march).toMatchObject({ mt_peak: '12.75', mt_seats: '7', mt_users: '3', mt_calls_kr: '2', mt_calls: '0', mt_bytes: '0' });
    const april = await usage('?from=2025-04-01&to=2025-05-01');
    expect(april.mt_peak).toBe('99');
    // An instant range works too.
    expect((await usage('?from=2025-03-15T00:00:00%2B09:00&to=2025-03-16T00:00:00%2B09:00')).mt_peak).toBe('12.75');
  });

  it('defaults to the current calendar month in the tenant time zone', async () => {
    const r = await t.call('GET', `/api/v1/customers/${customerId}/usage`, { key });
    expect(r.body).toMatchObject({ from: '2025-04-30T15:00:00.000Z', to: '2025-05-31T15:00:00.000Z', timezone: 'Asia/Seoul' });
  });

  it('rejects half a range and a reversed one', async () => {
    expect((await t.call('GET', `/api/v1/customers/${customerId}/usage?from=2025-03-01`, { key })).status).toBe(422);
    expect((await t.call('GET', `/api/v1/customers/${customerId}/usage?from=2025-03-01&to=2025-02-01`, { key })).status).toBe(422);
    expect((await t.call('GET', `/api/v1/customers/${customerId}/usage?from=yesterday&to=today`, { key })).status).toBe(422);
  });

  it('refuses to change a meter\'s aggregation once it has events', async () => {
    const m = (await t.call('GET', '/api/v1/meters', { key })).body.data.find((x: any) => x.code === 'mt_peak');
    const r = await t.call('PATCH', `/api/v1/meters/${m.id}`, { key, body: { aggregation: 'sum' } });
    expect(r.status).toBe(409);
    const ok = await t.call('PATCH', `/api/v1/meters/${m.id}`, { key, body: { name: 'Peak GB', unit: 'GB' } });
    expect(ok.body).toMatchObject({ name: 'Peak GB', unit: 'GB', aggregation: 'max' });
  });
});

describe('daily rollups and the monthly view', () => {
  it('recomputes idempotently and sums days into months', async () => {
    const a = await t.call('POST', '/api/v1/usage/rollup', { key, body: { from: '2025-03-01', to: '2025-06-01' } });
    expect(a.status).toBe(200);
    const b = await t.call('POST', '/api/v1/usage/rollup', { key, body: { from: '2025-03-01', to: '2025-06-01' } });
    expect(b.body.rows).toBe(a.body.rows);
    const m = await t.call('GET', `/api/v1/customers/${customerId}/usage/monthly?from=2025-03&to=2025-06`, { key });
    expect(m.status).toBe(200);
    const byMonth = Object.fromEntries(m.body.months.map((x: any) => [x.month, Object.fromEntries(x.meters.map((y: any) => [y.meter, y.value]))]));
    expect(Object.keys(byMonth)).toEqual(['2025-03', '2025-04', '2025-05']);
    // The monthly view agrees with the raw-event computation for every aggregation.
    expect(byMonth['2025-03']).toEqual(await usage('?from=2025-03-01&to=2025-04-01'));
    expect(byMonth['2025-05']).toEqual(await usage('?from=2025-05-01&to=2025-06-01'));
  });

  it('picks up a late event when the days are rolled up again', async () => {
    await t.call('POST', '/api/v1/events', { key, body: ev('late-1', 'mt_peak', '2025-03-20T00:00:00Z', { gb: 50 }) });
    await t.call('POST', '/api/v1/usage/rollup', { key, body: { from: '2025-03-20', to: '2025-03-21' } });
    const m = await t.call('GET', `/api/v1/customers/${customerId}/usage/monthly?from=2025-03&to=2025-04`, { key });
    expect(m.body.months[0].meters.find((x: any) => x.meter === 'mt_peak').value).toBe('50');
  });
});

describe('the nightly rollup', () => {
  it('is scheduled per tenant and rebuilds yesterday and the day before from the raw events, once per night', async () => {
    await t.call('POST', '/api/v1/events', { key, body: ev('night-1', 'mt_calls', '2025-05-18T23:30:00+09:00') });
    await t.call('POST', '/api/v1/events', { key, body: ev('night-2', 'mt_calls', '2025-05-19T10:00:00+09:00') });
    expect(await tickSchedules(t.handle.db, NOW)).toBeGreaterThan(0);
    expect(await tickSchedules(t.handle.db, NOW)).toBe(0); // once per local day
    expect(await drainJobs(t.handle.db, { now: () => NOW, filter: { kinds: [USAGE_ROLLUP_JOB] } })).toBeGreaterThanOrEqual(1);
    const rows = await t.handle.db.select().from(usageDaily).where(and(eq(usageDaily.customerId, customerId), gte(usageDaily.day, '2025-05-18'), lt(usageDaily.day, '2025-05-20')));
    const days = [...new Set(rows.map((r) => r.day))].sort();
    expect(days).toEqual(['2025-05-18', '2025-05-19']);
    expect(rows.reduce((n, r) => n + r.eventCount, 0)).toBeGreaterThanOrEqual(2);
  });
});

describe('roles', () => {
  it('gives an executive usage reads and a 403 on metering writes', async () => {
    const cookie = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', `/api/v1/customers/${customerId}/usage`, { cookie })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/metering-errors', { cookie })).status).toBe(200);
    const errId = (await t.call('GET', '/api/v1/metering-errors?status=open', { key })).body.data[0].id;
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/meters', { code: 'mt_exec', name: 'x', aggregation: 'count' }],
      ['POST', '/api/v1/events', ev('x-1', 'mt_calls', '2025-05-10T00:00:00Z')],
      ['POST', `/api/v1/metering-errors/${errId}/reprocess`, undefined],
      ['POST', '/api/v1/usage/rollup', { from: '2025-05-01', to: '2025-05-02' }],
    ];
    for (const [m, p, body] of writes) expect((await t.call(m, p, { cookie, body })).status, `${m} ${p}`).toBe(403);
  });
});

describe('ingest edge cases', () => {
  it('stores ids and properties that need quoting as they were sent', async () => {
    const odd = ['q"uote', 'back\\slash', '{br,ace}', 'NULL', 'sp ace', '한글-1', "it's"];
    const events = odd.map((id, i) => ev(id, 'mt_bytes', '2025-05-11T00:00:00Z', { bytes: i + 1, note: `"${id}" \\ \n ✓` }));
    const r = await t.call('POST', '/api/v1/events', { key, body: { events: [...events, ev('nul-1', 'mt_calls', '2025-05-11T00:00:00Z', { x: 'a\u0000b' }), ev('nul\u0000-2', 'mt_calls', '2025-05-11T00:00:00Z')] } });
    expect(r.status).toBe(200);
    // NUL cannot be stored by PostgreSQL: those events are refused (and kept, NUL shown as the text \u0000).
    expect(r.body).toMatchObject({ accepted: odd.length, rejected: 2 });
    expect(r.body.results.slice(0, odd.length).map((x: any) => x.id)).toEqual(odd);
    expect(r.body.results.slice(odd.length).map((x: any) => x.reason)).toEqual(['invalid_event', 'invalid_event']);
    const errs = (await t.call('GET', '/api/v1/metering-errors?reason=invalid_event&limit=100', { key })).body.data;
    expect(errs.find((e: any) => e.eventId === 'nul-1').payload.properties.x).toBe('a\\u0000b');
    const again = await t.call('POST', '/api/v1/events', { key, body: { events } });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: odd.length });
    const stored = await t.handle.db.execute(sql`select event_id, properties from usage_events where event_id in (${sql.join(odd.map((o) => sql`${o}`), sql`, `)})`);
    const rows = (Array.isArray(stored) ? stored : (stored as any).rows) as { event_id: string; properties: any }[];
    expect(Object.fromEntries(rows.map((x) => [x.event_id, x.properties.note]))).toEqual(Object.fromEntries(odd.map((id) => [id, `"${id}" \\ \n ✓`])));
    expect((await usage('?from=2025-05-11&to=2025-05-12')).mt_bytes).toBe(String((odd.length * (odd.length + 1)) / 2));
  });
});
