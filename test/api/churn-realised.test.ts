/**
 * Realised against predicted churn by month (GET /analytics/churn/realised), on a fixture whose
 * figures are worked out by hand: 12 subscribers since 2025-10-01; scores dated 2026-01-01 put 4 in
 * high, 3 in medium, 5 in low; in January 3 of the high ones and 1 medium one cancel, in February
 * one low one (rescored high on 2026-01-25). Scores are written as a fixture (the model's own
 * probabilities would not give round figures); cancellations go through the API.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { billingWorld } from '../scenarios/fixture';

const dir = fileURLToPath(new URL('../../server/churn/models/telco/', import.meta.url));
const upload = {
  onnx: readFileSync(dir + 'churn.onnx').toString('base64'),
  trees: JSON.parse(readFileSync(dir + 'trees.json', 'utf8')),
  card: JSON.parse(readFileSync(dir + 'model-card.json', 'utf8')),
};

let t: TestApp;
let one: { tenantId: string; key: string };
let ids: string[];
let now = new Date('2025-10-01T17:00:00Z');
const clock = () => now;
const call = (method: string, path: string, body?: unknown, key = one.key) => t.call(method, `/api/v1${path}`, { key, body });

// [customer index, probability, band] per score date
const JAN: Array<[number, number, string]> = [
  [0, 0.7, 'high'], [1, 0.6, 'high'], [2, 0.8, 'high'], [3, 0.5, 'high'],
  [4, 0.3, 'medium'], [5, 0.25, 'medium'], [6, 0.35, 'medium'],
  [7, 0.05, 'low'], [8, 0.05, 'low'], [9, 0.05, 'low'], [10, 0.05, 'low'], [11, 0.05, 'low'],
];
// c0 had cancelled by then (not a subscriber on Feb 1: January's churn, not February's)
const LATE_JAN: Array<[number, number, string]> = [[7, 0.9, 'high'], [8, 0.1, 'low'], [0, 0.95, 'high']];
// [customer index, end date]: January churners c0, c1, c2 (high) and c4 (medium); c7 ends on Feb 20
const CANCELS: Array<[number, string]> = [[0, '2026-01-15'], [1, '2026-01-20'], [2, '2026-02-01'], [4, '2026-01-31'], [7, '2026-02-20']];

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('realised');
  ({ customerIds: ids } = await billingWorld(t.handle.db, one.tenantId, 12, { now: clock, start: '2025-10-01' }));
  const reg = await call('POST', '/churn/models', { ...upload, activate: true });
  expect(reg.status).toBe(201);
  const subs = (await call('GET', '/subscriptions?limit=100')).body.data as Array<{ id: string; customerId: string }>;
  for (const [i, date] of CANCELS) {
    now = new Date(`${date}T17:00:00Z`);
    const sub = subs.find((s) => s.customerId === ids[i])!;
    const r = await call('POST', `/subscriptions/${sub.id}/cancel`, { effectiveDate: date });
    expect(r.status).toBe(200);
    expect(r.body.endDate).toBe(date);
  }
  for (const [asOf, rows] of [['2026-01-01', JAN], ['2026-01-25', LATE_JAN]] as const) {
    for (const [i, p, band] of rows) {
      await t.handle.db.execute(sql`insert into churn_scores (tenant_id, customer_id, model_id, model_version, as_of, probability, band, drivers)
        values (${one.tenantId}, ${ids[i]}, ${reg.body.id}, 1, ${asOf}, ${p}, ${band}, '[]')`);
    }
  }
  now = new Date('2026-03-10T17:00:00Z');
}, 180_000);
afterAll(async () => t?.close());

const band = (m: { bands: Array<{ band: string }> }, b: string) => m.bands.find((x) => x.band === b);

describe('realised against predicted churn by month', () => {
  it('counts, per band at the start of each month, who churned in it: precision, recall and calibration', async () => {
    const r = await call('GET', '/analytics/churn/realised?from=2026-01&to=2026-03');
    expect(r.status).toBe(200);
    const [jan, feb, mar] = r.body.months;
    expect(r.body.months.map((m: { month: string }) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(jan).toMatchObject({ complete: true, subscribers: 12, scored: 12, churned: 4, expected: 3.75, unscored: 0, modelVersions: [1] });
    expect(band(jan, 'high')).toEqual({ band: 'high', customers: 4, churned: 3, precision: 0.75, recall: 0.75, avgProbability: 0.65 });
    expect(band(jan, 'medium')).toEqual({ band: 'medium', customers: 3, churned: 1, precision: 0.3333, recall: 0.25, avgProbability: 0.3 });
    expect(band(jan, 'low')).toEqual({ band: 'low', customers: 5, churned: 0, precision: 0, recall: 0, avgProbability: 0.05 });
    // February: 8 subscribers on Feb 1; only the 2026-01-25 scores are recent enough (Jan 1 is 31 days back); c0's is dropped (gone by then)
    expect(feb).toMatchObject({ complete: true, subscribers: 8, scored: 2, churned: 1, expected: 1, unscored: 6, unscoredChurned: 0 });
    expect(band(feb, 'high')).toEqual({ band: 'high', customers: 1, churned: 1, precision: 1, recall: 1, avgProbability: 0.9 });
    expect(band(feb, 'medium')).toEqual({ band: 'medium', customers: 0, churned: 0, precision: null, recall: 0, avgProbability: null });
    // March is still running on 2026-03-10, and nobody was scored for it
    expect(mar).toMatchObject({ complete: false, subscribers: 7, scored: 0, churned: 0, expected: 0, modelVersions: [] });
    expect(band(mar, 'low')).toMatchObject({ customers: 0, precision: null, recall: null });
  });

  it('names bad months as 422 at the field, and shows another tenant nothing', async () => {
    const bad = await call('GET', '/analytics/churn/realised?from=2026-13');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('from');
    const reversed = await call('GET', '/analytics/churn/realised?from=2026-03&to=2026-01');
    expect(reversed.status).toBe(422);
    expect(reversed.body.issues[0].path).toBe('query.from');
    const tooLong = await call('GET', '/analytics/churn/realised?from=2020-01&to=2026-01');
    expect(tooLong.status).toBe(422);
    const demo = await call('GET', '/analytics/churn/realised?from=2026-01&to=2026-01', undefined, DEMO_KEY);
    expect(demo.status).toBe(200);
    expect(demo.body.months[0]).toMatchObject({ scored: 0, churned: 0 });
  });

  it('is read-only for executives (analytics:read), refused without it', async () => {
    const exec = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/analytics/churn/realised?from=2026-01&to=2026-01', { cookie: exec })).status).toBe(200);
    const support = await t.login('support@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/analytics/churn/realised', { cookie: support })).status).toBe(403);
  });
});
