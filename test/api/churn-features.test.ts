/**
 * Churn features read nothing on or after their date (no leakage): on the demo tenant, features as
 * of a past date are computed, then the future happens through the API (a cancellation, a bill
 * run, usage events, a payment), and the features as of that date are the same. The same changes
 * do move the features as of a later date, so the comparison can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { BILL_RUN_JOB } from '../../server/billing/bill-run-create';
import { featureNames, featureRows, medians, tenantFeatureSpec, type FeatureSpec } from '../../server/churn/features';
import { sql } from 'drizzle-orm';
import { churnLabels } from '../../server/churn/features';
import { snapshotDates } from '../../server/churn/training-set';

let t: TestApp;
const clock = () => new Date('2026-12-06T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: DEMO_KEY, body });
const PAST = '2026-11-20';
const LATER = '2026-12-07';
let spec: FeatureSpec;

beforeAll(async () => {
  t = await makeTestApp({ now: clock, demoData: true });
  spec = await tenantFeatureSpec(t.handle.db, t.demoTenantId);
}, 300_000); // the whole demo seed, churn model and scores included, on a loaded machine
afterAll(async () => t?.close());

const rows = async (asOf: string) => new Map((await featureRows(t.handle.db, t.demoTenantId, asOf, spec)).map((r) => [r.customerId, r.values]));

describe('churn features as of a date', () => {
  it('name every value, for the demo customers who are subscribers', async () => {
    const past = await rows(PAST);
    expect(past.size).toBeGreaterThan(5);
    const names = featureNames(spec);
    for (const v of past.values()) expect(v).toHaveLength(names.length);
    expect(spec.meters.length).toBeGreaterThan(0); // the demo tenant's usage gives per-meter features
    const tenure = names.indexOf('tenure_days');
    expect([...past.values()].every((v) => (v[tenure] ?? -1) > 0)).toBe(true);
  });

  it('express money relative to the tenant\'s own scale (KRW demo), and the demo seed scored the demo tenant with the committed model', async () => {
    const past = [...(await rows(PAST)).values()];
    const names = featureNames(spec);
    const ratio = past.map((v) => v[names.indexOf('mrr_ratio')] as number).filter((x) => x > 0).sort((a, b) => a - b);
    // the median paying subscriber is 1 by definition, whatever the currency: KRW amounts (tens of thousands) do not reach the model
    expect(ratio.length).toBeGreaterThan(5);
    expect(ratio[Math.floor((ratio.length - 1) / 2)]).toBeLessThanOrEqual(1);
    expect(ratio[Math.ceil((ratio.length - 1) / 2)]).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ratio)).toBeLessThan(100);
    const list = (await call('GET', '/analytics/churn?limit=500')).body;
    expect(list.model).toMatchObject({ version: 1 });
    expect(list.total).toBeGreaterThan(5);
    expect(list.byCurrency.map((c: { currency: string }) => c.currency)).toContain('KRW');
    // real, differing scores (a model reading KRW as USD-sized amounts would put everyone in one corner)
    expect(new Set(list.data.map((r: { probability: number }) => r.probability)).size).toBeGreaterThan(3);
    expect(list.data.every((r: { segmentName: string | null }) => !!r.segmentName)).toBe(true);
  });

  it('see demo customers of varied tenure, scored on past month starts too, so realised churn has months to show', async () => {
    const names = featureNames(spec);
    const tenure = [...(await rows(PAST)).values()].map((v) => v[names.indexOf('tenure_days')] as number).sort((a, b) => a - b);
    // not every customer ~97 days old (seeds/billing.ts backdates the established ones' start dates)
    expect(tenure[Math.floor(tenure.length / 2)]).toBeGreaterThan(150);
    expect(tenure.at(-1)!).toBeGreaterThan(365);
    expect(new Set(tenure).size).toBeGreaterThan(8);
    // the nightly job's scores on the 1st of each of the last 12 months (seeds/churn.ts)
    const realised = (await call('GET', '/analytics/churn/realised?from=2026-01&to=2026-11')).body;
    expect(realised.months).toHaveLength(11);
    for (const m of realised.months) {
      expect(m.scored, m.month).toBeGreaterThan(0);
      expect(m.unscored, m.month).toBe(0);
    }
    // The longest-standing subscriber (the rows' order is the database's: PGlite and PostgreSQL differ,
    // and a customer who subscribed last month has only one month start to be scored on).
    const tenureOf = names.indexOf('tenure_days');
    const [oldest] = [...(await rows(PAST)).entries()].sort((a, b) => (b[1][tenureOf] as number) - (a[1][tenureOf] as number))[0];
    const history = (await call('GET', `/customers/${oldest}/churn`)).body.history as Array<{ asOf: string }>;
    expect(history.filter((h) => h.asOf.endsWith('-01')).length).toBeGreaterThan(3);
  });

  it('do not change when data after the date arrives; later dates see it', async () => {
    const pastBefore = await rows(PAST);
    const laterBefore = await rows(LATER);
    const all = (await call('GET', '/subscriptions?limit=200')).body.data as any[];
    const per = new Map<string, number>();
    for (const s of all) if (!s.endDate) per.set(s.customerId, (per.get(s.customerId) ?? 0) + 1);
    // a customer whose one running subscription is cancelled: a churner by the label's definition
    const victim = all.find((s) => s.status === 'active' && per.get(s.customerId) === 1 && pastBefore.has(s.customerId));
    expect(victim).toBeDefined();
    expect((await call('POST', `/subscriptions/${victim.id}/cancel`, {})).status).toBeLessThan(300);
    expect((await call('POST', '/bill-runs', { periodStart: '2026-11-01' })).status).toBe(202);
    // The bill run only: the demo's sandbox payments also queued webhooks to a server this test does not run.
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: [BILL_RUN_JOB] } });
    const customer = (await call('GET', `/customers/${victim.customerId}`)).body;
    const meter = spec.meters[0];
    const ev = await call('POST', '/events', { events: [{ id: 'leak-1', customer: customer.externalId, meter, timestamp: '2026-12-01T10:00:00+09:00', properties: { value: 5, count: 5, amount: 5 } }] });
    expect(ev.status).toBeLessThan(300);
    const open = (await call('GET', '/invoices?status=finalized&limit=1')).body.data as any[];
    if (open[0]) {
      const pay = await call('POST', '/payments', { billTo: open[0].billTo, method: 'bank_transfer', amount: open[0].amountDue, currency: open[0].currency, receivedOn: '2026-12-05' });
      expect(pay.status).toBe(201);
    }
    const pastAfter = await rows(PAST);
    expect(pastAfter).toEqual(pastBefore);
    const laterAfter = await rows(LATER);
    expect(laterAfter).not.toEqual(laterBefore);
    expect(laterBefore.has(victim.customerId)).toBe(true);
    expect(laterAfter.has(victim.customerId)).toBe(false); // cancelled: not a subscriber any more
  }, 120_000);

  it('are the same read at once in halves (a PostgreSQL pool), in one statement (a transaction), or for given customers', async () => {
    const whole = await featureRows(t.handle.db, t.demoTenantId, PAST, spec);
    const oneStatement = await t.handle.db.transaction((tx) => featureRows(tx, t.demoTenantId, PAST, spec));
    expect(whole.length).toBeGreaterThan(5);
    expect(whole).toEqual(oneStatement);
    expect(whole.map((r) => r.customerId)).toEqual(whole.map((r) => r.customerId).sort()); // ordered by id across the halves
    // given customers: their own rows, with the whole tenant's scale (read by its own statement)
    const some = [whole[0], whole[Math.floor(whole.length / 2)], whole.at(-1)!];
    expect(await featureRows(t.handle.db, t.demoTenantId, PAST, spec, { customerIds: some.map((r) => r.customerId) })).toEqual(some);
  });

  it('take the scale as PostgreSQL\'s percentile_cont(0.5) gives it, for odd and even counts', async () => {
    const cases = [[3], [5, 1], [0.1, 0.2, 0.7], [1e-9, 7.25, 3.5, 123456.789, 2 / 3, 1 / 7], Array.from({ length: 101 }, (_, i) => Math.sqrt(i + 0.5) * 1234.5)];
    for (const values of cases) {
      const res = await t.handle.db.execute(sql`select percentile_cont(0.5) within group (order by x) as m from unnest(${`{${values.join(',')}}`}::float8[]) x`);
      const [row] = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Array<{ m: number | string }>;
      expect(medians(values.map((v) => ['KRW', v])).get('KRW'), values.join(',')).toBe(Number(row.m));
    }
  });

  it('labels look ahead only over the horizon, and snapshots leave room for it', async () => {
    expect(snapshotDates('2026-11-01', 3, 30)).toEqual(['2026-08-01', '2026-09-01', '2026-10-01']);
    expect(snapshotDates('2026-11-15', 2, 30)).toEqual(['2026-09-01', '2026-10-01']);
    const labels = await churnLabels(t.handle.db, t.demoTenantId, PAST, 30);
    expect(labels.size).toBe((await rows(PAST)).size);
    expect([...labels.values()].some((l) => l === 1)).toBe(true); // the cancellation above ends within 30 days of PAST
  });
});
