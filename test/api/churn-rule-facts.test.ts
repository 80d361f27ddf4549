/**
 * The churn rule facts end to end: a retention discount `customer.churnBand equal high` applies in
 * a real bill run to the one customer scored high by the active model and to no unscored customer
 * (their churn facts are null, so the condition does not match), and the invoice's trace names the
 * score it read (model version and score date). The rule test's facts carry the same score, and
 * the fact catalog lists the three facts with ko/en labels; a band that does not exist is a 422.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

const dir = fileURLToPath(new URL('../../server/churn/models/telco/', import.meta.url));
const upload = {
  onnx: readFileSync(dir + 'churn.onnx').toString('base64'),
  segmentsOnnx: readFileSync(dir + 'segments.onnx').toString('base64'),
  trees: JSON.parse(readFileSync(dir + 'trees.json', 'utf8')),
  card: JSON.parse(readFileSync(dir + 'model-card.json', 'utf8')),
  // Thresholds so low that any scored customer is "high": the test controls who is scored, not the model's opinion.
  bands: { medium: 0.000001, high: 0.000002 },
};
const retention = {
  id: 'retain-high', name: 'Retention 20% for high churn risk', kind: 'discount', priority: 5,
  conditions: { all: [{ fact: 'customer.churnBand', operator: 'equal', value: 'high' }] },
  event: { type: 'discount', params: { percent: '20' } },
};

let t: TestApp;
let one: { tenantId: string; key: string };
let customerIds: string[];
const clock = () => new Date('2025-06-10T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('churnfacts');
  ({ customerIds } = await billingWorld(t.handle.db, one.tenantId, 4, { now: clock, start: '2025-03-01' }));
  for (const periodStart of ['2025-03-01', '2025-04-01']) expect((await call('POST', '/bill-runs', { periodStart })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
}, 180_000);
afterAll(async () => t?.close());

describe('churn rule facts', () => {
  it('are in the fact catalog with Korean and English labels; an unknown band is refused at the field', async () => {
    const facts = (await call('GET', '/rules/facts')).body.data as Array<{ name: string; type: string; label: { ko: string; en: string }; allowedValues?: string[]; scope: string }>;
    const by = (n: string) => facts.find((f) => f.name === n);
    expect(by('customer.churnRisk')).toMatchObject({ type: 'number', label: { ko: '이탈 위험도', en: 'Churn risk' }, scope: 'both' });
    expect(by('customer.churnBand')).toMatchObject({ type: 'string', allowedValues: ['low', 'medium', 'high'], scope: 'both' });
    expect(by('customer.behaviourSegment')).toMatchObject({ type: 'string', label: { en: 'Behaviour segment' } });
    const bad = await call('POST', '/rules', { document: { ...retention, id: 'bad-band', conditions: { all: [{ fact: 'customer.churnBand', operator: 'equal', value: 'extreme' }] } } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('document.conditions.all[0].value');
  });

  it('a churnBand = high discount applies in a bill run to the scored customer only, and the trace names the model version and score date', async () => {
    expect((await call('POST', '/churn/models', { ...upload, activate: true })).status).toBe(201);
    const [scored, ...others] = customerIds;
    expect((await call('POST', '/analytics/churn/score', { customerIds: [scored] })).body).toMatchObject({ model: { version: 1 }, scored: 1 });
    expect((await call('GET', `/customers/${scored}/churn`)).body.score).toMatchObject({ band: 'high', modelVersion: 1, asOf: '2025-06-09' });

    expect((await call('POST', '/rules', { document: retention })).status).toBe(201);
    expect((await call('POST', '/rules/retain-high/publish', { effectiveFrom: '2025-01-01' })).status).toBe(200);

    // The rule test starts from the same facts a bill run reads.
    const f = (await call('GET', `/rating/customers/${scored}/facts?month=2025-05`)).body;
    expect(f.customer).toMatchObject({ churnBand: 'high', churnScore: { modelVersion: 1, asOf: '2025-06-09' } });
    expect(f.customer.churnRisk).toBeGreaterThan(0);
    expect((await call('GET', `/rating/customers/${others[0]}/facts?month=2025-05`)).body.customer.churnBand ?? null).toBeNull();

    expect((await call('POST', '/bill-runs', { periodStart: '2025-05-01' })).status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    const list = (await call('GET', '/invoices?periodStart=2025-05-01&limit=50')).body.data as Array<{ id: string; billTo: string }>;
    expect(list).toHaveLength(customerIds.length);
    for (const row of list) {
      const inv = (await call('GET', `/invoices/${row.id}`)).body;
      const discount = inv.lines.filter((l: { rule?: string }) => l.rule === 'retain-high');
      const entry = inv.trace.find((e: { rule: string }) => e.rule === 'retain-high');
      if (row.billTo === scored) {
        expect(discount).toHaveLength(1);
        expect(Number(inv.discountTotal)).toBeGreaterThan(0);
        expect(entry).toMatchObject({ fired: true, applied: true, facts: { 'customer.churnBand': 'high' }, churnScore: { modelVersion: 1, asOf: '2025-06-09' } });
      } else {
        expect(others).toContain(row.billTo);
        expect(discount).toHaveLength(0);
        expect(entry).toMatchObject({ fired: false, applied: false, facts: { 'customer.churnBand': null } });
        expect(entry.churnScore).toBeUndefined();
      }
    }
  });
});
