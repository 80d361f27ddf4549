/**
 * Churn serving through the API: no model means "no score" (never an error); the committed demo
 * model (server/churn/models/telco) registers for a tenant, refuses a card whose features the
 * feature SQL cannot produce or a graph that is not ONNX (422 at the field); scoring stores one
 * score per subscriber with band, drivers and model version; at-risk customers and a customer's
 * score read them back; activation rolls back; another tenant sees nothing; an executive reads
 * but cannot register.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { enqueue } from '../../server/jobs/queue';
import { CHURN_SCORE_JOB } from '../../server/churn/score-job';
import { billingWorld } from '../scenarios/fixture';

const dir = fileURLToPath(new URL('../../server/churn/models/telco/', import.meta.url));
const upload = {
  onnx: readFileSync(dir + 'churn.onnx').toString('base64'),
  segmentsOnnx: readFileSync(dir + 'segments.onnx').toString('base64'),
  trees: JSON.parse(readFileSync(dir + 'trees.json', 'utf8')),
  card: JSON.parse(readFileSync(dir + 'model-card.json', 'utf8')),
};

let t: TestApp;
let one: { tenantId: string; key: string };
let customerIds: string[];
const clock = () => new Date('2025-06-10T03:00:00Z');
const call = (method: string, path: string, body?: unknown, key = one.key) => t.call(method, `/api/v1${path}`, { key, body });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('churn');
  ({ customerIds } = await billingWorld(t.handle.db, one.tenantId, 6, { now: clock, start: '2025-03-01' }));
  for (const periodStart of ['2025-03-01', '2025-04-01', '2025-05-01']) expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
}, 180_000);
afterAll(async () => t?.close());

describe('churn API', () => {
  it('answers "no model" without an error before any model is registered', async () => {
    const list = await call('GET', '/analytics/churn');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ model: null, data: [], total: 0 });
    const one1 = await call('GET', `/customers/${customerIds[0]}/churn`);
    expect(one1.status).toBe(200);
    expect(one1.body).toMatchObject({ model: null, score: null });
    expect((await call('POST', '/analytics/churn/score', {})).body).toMatchObject({ model: null, scored: 0 });
  });

  it('refuses a card the feature SQL cannot produce, and bytes that are not a model', async () => {
    const swapped = [...upload.card.features];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    const bad = await call('POST', '/churn/models', { ...upload, card: { ...upload.card, features: swapped } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('card.features[0]');
    const notOnnx = await call('POST', '/churn/models', { ...upload, onnx: Buffer.from('not a model').toString('base64') });
    expect(notOnnx.status).toBe(422);
    expect(notOnnx.body.issues[0].path).toBe('onnx');
    const short = await call('POST', '/churn/models', { ...upload, card: { ...upload.card, features: upload.card.features.slice(0, 5) } });
    expect(short.status).toBe(422);
    expect((await call('GET', '/churn/models')).body.data).toEqual([]);
  });

  it('registers, scores every subscriber and reads the scores back', async () => {
    const reg = await call('POST', '/churn/models', { ...upload, activate: true, note: 'demo' });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ version: 1, active: true });
    expect(JSON.stringify(reg.body)).not.toContain(upload.onnx.slice(0, 40));
    const scored = await call('POST', '/analytics/churn/score', {});
    expect(scored.status).toBe(200);
    expect(scored.body).toMatchObject({ model: { version: 1 }, scored: customerIds.length });
    const list = await call('GET', '/analytics/churn?limit=50');
    expect(list.body.total).toBe(customerIds.length);
    for (const r of list.body.data) {
      expect(r.probability).toBeGreaterThanOrEqual(0);
      expect(r.probability).toBeLessThanOrEqual(1);
      expect(['low', 'medium', 'high']).toContain(r.band);
      expect(r.modelVersion).toBe(1);
      // money as decimal strings in the customer's currency (USD: two places)
      expect(r.currency).toBe('USD');
      expect(r.mrr).toMatch(/^\d+\.\d{2}$/);
      expect(r.mrrAtRisk).toMatch(/^\d+\.\d{2}$/);
      expect(r.drivers.length).toBeLessThanOrEqual(3);
      for (const d of r.drivers) expect(upload.card.features).toContain(d.feature);
    }
    expect(list.body.summary.low + list.body.summary.medium + list.body.summary.high).toBe(customerIds.length);
    // totals per currency over all scores, in decimals: MRR at risk never exceeds the run-rate
    expect(list.body.byCurrency).toEqual([{ currency: 'USD', customers: customerIds.length, mrr: expect.stringMatching(/^\d+\.\d{2}$/), mrrAtRisk: expect.stringMatching(/^\d+\.\d{2}$/) }]);
    expect(Number(list.body.byCurrency[0].mrrAtRisk)).toBeLessThan(Number(list.body.byCurrency[0].mrr));
    expect(list.body.segments.reduce((n: number, s: { customers: number }) => n + s.customers, 0)).toBe(customerIds.length);
    const mine = await call('GET', `/customers/${customerIds[0]}/churn`);
    expect(mine.body.score).toMatchObject({ modelVersion: 1, asOf: '2025-06-09' }); // the tenant's date (New York)
    expect(mine.body.score.scoredAt).toBe('2025-06-10T03:00:00.000Z'); // an ISO instant, not a driver-specific Date
    expect(mine.body.history).toHaveLength(1);
    // scoring again the same day replaces, never adds
    await call('POST', '/analytics/churn/score', {});
    expect((await call('GET', `/customers/${customerIds[0]}/churn`)).body.history).toHaveLength(1);
  });

  it('the nightly job (through the queue) scores every subscriber as of its date, in its leased transaction', async () => {
    // On PGlite (one connection, held by the job's transaction) the features are read in that transaction;
    // on PostgreSQL through the pool. Reading through the pool on PGlite waited for the job's own transaction.
    await enqueue(t.handle.db, [{ tenantId: one.tenantId, kind: CHURN_SCORE_JOB, payload: { tenantId: one.tenantId, localDate: '2025-06-08' }, dedupeKey: 'churn-nightly-test' }]);
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: [CHURN_SCORE_JOB] } });
    const history = (await call('GET', `/customers/${customerIds[0]}/churn`)).body.history as Array<{ asOf: string }>;
    expect(history.map((h) => h.asOf)).toContain('2025-06-08');
    const list = await call('GET', '/analytics/churn?limit=50');
    expect(list.body.total).toBe(customerIds.length);
  }, 60_000);

  it('activates another version and rolls back; versions and cards are listed', async () => {
    expect((await call('POST', '/churn/models', upload)).body).toMatchObject({ version: 2, active: false });
    expect((await call('POST', '/churn/models/2/activate')).body).toMatchObject({ version: 2, active: true });
    let models = (await call('GET', '/churn/models')).body.data;
    expect(models.map((m: { version: number; active: boolean }) => [m.version, m.active])).toEqual([[2, true], [1, false]]);
    expect((await call('POST', '/churn/models/1/activate')).status).toBe(200);
    models = (await call('GET', '/churn/models')).body.data;
    expect(models.find((m: { active: boolean }) => m.active).version).toBe(1);
    expect((await call('GET', '/churn/models/1')).body.card.metrics.rocAuc).toBeGreaterThan(0.8);
    expect((await call('POST', '/churn/models/9/activate')).status).toBe(404);
  });

  it('keeps tenants apart and roles in their lane', async () => {
    const demo = await t.call('GET', '/api/v1/analytics/churn', { key: DEMO_KEY });
    expect(demo.body).toMatchObject({ model: null, total: 0 });
    expect((await t.call('GET', `/api/v1/customers/${customerIds[0]}/churn`, { key: DEMO_KEY })).status).toBe(404);
    const exec = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/churn/models', { cookie: exec })).status).toBe(200);
    const denied = await t.call('POST', '/api/v1/churn/models', { cookie: exec, body: upload, headers: { origin: 'http://localhost' } });
    expect(denied.status).toBe(403);
  });
});
