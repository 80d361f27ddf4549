/**
 * Storing churn scores (server/churn/store.ts): on PostgreSQL the scores go through one COPY
 * stream, on PGlite through multi-row INSERT … ON CONFLICT. Both must give the same rows (also for
 * text that COPY has to escape: tabs, newlines, backslashes in a segment name or a driver), a
 * re-run of the same date replaces that date's rows (never adds), and the pipelined scoring
 * (`scoreCustomers` with store) stores exactly what it returns.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';
import { activeModel, type ChurnModelRow } from '../../server/churn/models';
import { scoreCustomers, storeScores, type Score } from '../../server/churn/score';

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
let model: ChurnModelRow;
const clock = () => new Date('2025-06-10T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

interface Stored { customer_id: string; model_version: number; probability: number; band: string; drivers: unknown; segment: number | null; segment_name: string | null; scored_at: string }
const stored = async (asOf: string): Promise<Stored[]> => {
  const res = await t.handle.db.execute(sql`select customer_id, model_version, probability, band, drivers, segment, segment_name, scored_at::text as scored_at
    from churn_scores where tenant_id = ${one.tenantId} and as_of = ${asOf}::date order by customer_id`);
  return ((Array.isArray(res) ? res : (res as { rows: Stored[] }).rows) as Stored[]).map((r) => ({ ...r, probability: Number(r.probability), model_version: Number(r.model_version), segment: r.segment === null ? null : Number(r.segment) }));
};

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('churn-store');
  ({ customerIds } = await billingWorld(t.handle.db, one.tenantId, 5, { now: clock, start: '2025-03-01' }));
  for (const periodStart of ['2025-03-01', '2025-04-01', '2025-05-01']) expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  expect((await call('POST', '/churn/models', { ...upload, activate: true })).status).toBe(201);
  model = (await activeModel(t.handle.db, one.tenantId))!;
}, 180_000);
afterAll(async () => t?.close());

describe(`storing churn scores (${process.env.TEST_DATABASE_URL ? 'PostgreSQL: COPY' : 'PGlite: INSERT'})`, () => {
  it('stores what the pipelined scoring returns, and a re-run of the date replaces it', async () => {
    const first = await scoreCustomers(t.handle.db, one.tenantId, model, '2025-06-01', { store: true, now: new Date('2025-06-01T02:30:00Z') });
    expect(first.length).toBe(customerIds.length);
    const rows = await stored('2025-06-01');
    expect(rows.map((r) => r.customer_id)).toEqual([...first].map((s) => s.customerId).sort());
    for (const s of first) {
      const r = rows.find((x) => x.customer_id === s.customerId)!;
      expect(r).toMatchObject({ model_version: model.version, probability: s.probability, band: s.band, drivers: s.drivers, segment: s.segment, segment_name: s.segmentName });
    }
    // Again the same day, later: the same number of rows, every one rewritten.
    await scoreCustomers(t.handle.db, one.tenantId, model, '2025-06-01', { store: true, now: new Date('2025-06-01T09:00:00Z') });
    const again = await stored('2025-06-01');
    expect(again.length).toBe(first.length);
    expect(new Set(again.map((r) => r.scored_at.slice(0, 19)))).toEqual(new Set(['2025-06-01 09:00:00']));
    // Only some customers re-scored: the others keep their row of the day.
    await scoreCustomers(t.handle.db, one.tenantId, model, '2025-06-01', { store: true, customerIds: [customerIds[0]], now: new Date('2025-06-01T10:00:00Z') });
    const part = await stored('2025-06-01');
    expect(part.length).toBe(first.length);
    expect(part.filter((r) => r.scored_at.startsWith('2025-06-01 10:00:00')).map((r) => r.customer_id)).toEqual([customerIds[0]]);
  });

  it('gives the same rows through COPY and INSERT, text that needs escaping included', async () => {
    const odd = 'tab\there, new\nline, back\\slash, "quoted", 한글, \\N';
    const scores: Score[] = customerIds.map((id, i) => ({
      customerId: id, probability: Math.round((0.1 + i * 0.137) * 1e6) / 1e6, band: i % 3 === 0 ? 'high' : i % 3 === 1 ? 'medium' : 'low',
      drivers: [{ feature: 'tenure_days', value: i === 0 ? null : 12.5 * i, contribution: 0.1234 }, { feature: odd, value: -1, contribution: 1e-4 }],
      segment: i % 2 ? null : i, segmentName: i % 2 ? null : `${odd} ${i}`,
    }));
    const now = new Date('2025-06-02T02:30:00Z');
    await storeScores(t.handle.db, one.tenantId, model, '2025-06-02', scores, now, { via: 'insert' });
    await storeScores(t.handle.db, one.tenantId, model, '2025-06-03', scores, now); // COPY on PostgreSQL
    const viaInsert = await stored('2025-06-02');
    const viaDefault = await stored('2025-06-03');
    expect(viaInsert.length).toBe(scores.length);
    expect(viaDefault).toEqual(viaInsert);
    expect(viaDefault.find((r) => r.customer_id === customerIds[0])).toMatchObject({ segment_name: `${odd} 0`, drivers: scores[0].drivers });
    // The other path over the same date replaces, in both directions.
    await storeScores(t.handle.db, one.tenantId, model, '2025-06-02', scores.map((s) => ({ ...s, band: 'low' })), now);
    await storeScores(t.handle.db, one.tenantId, model, '2025-06-03', scores.map((s) => ({ ...s, band: 'low' })), now, { via: 'insert' });
    for (const d of ['2025-06-02', '2025-06-03']) {
      const rows = await stored(d);
      expect(rows.length).toBe(scores.length);
      expect(new Set(rows.map((r) => r.band))).toEqual(new Set(['low']));
    }
  });
});
