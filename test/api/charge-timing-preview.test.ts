/**
 * The preview API with charge timing (rating.md "Charge timing"): lines carry their `detail`
 * (what the console and PDF word), and bad combinations are a 422 at the field, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const device = { code: 'phone', name: 'Phone', currency: 'KRW', interval: 'month', intervalCount: 1, components: [
  { code: 'setup', type: 'flat', amount: '30000', charge: 'one_time' },
  { code: 'device', type: 'flat', amount: '1000000', installments: { count: 24 } },
  { code: 'data', type: 'usage', meter: 'data_gb', pricing: { model: 'standard', unitAmount: '1000' } },
] };
const request = (plan: unknown, cycleIndex: number) => ({
  currency: 'KRW', customer: { type: 'individual' }, period: { start: '2026-01-01', end: '2026-02-01' },
  subscriptions: [{ plan, startDate: '2026-01-01', cycleIndex, usage: { data_gb: 2 } }], rules: [],
});

describe('POST /api/v1/rating/preview with one-time charges and installments', () => {
  it('previews any cycle: cycle 1 has the setup fee and installment 1, cycle 24 the remainder', async () => {
    const one = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request(device, 1) });
    expect(one.status).toBe(200);
    expect(one.body.lines.map((l: any) => [l.component, l.amount, l.detail ?? null])).toEqual([
      ['setup', '30000', { code: 'one_time' }],
      ['device', '41667', { code: 'installment', installment: 1, of: 24 }],
      ['data', '2000', null],
    ]);
    const last = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request(device, 24) });
    expect(last.body.total).toBe('43659');
  });

  it('refuses installments on a usage component and a fractional term with a 422 at the field', async () => {
    const bad = { ...device, termCycles: 2.5, components: [...device.components.slice(0, 2), { ...device.components[2], installments: { count: 3 } }] };
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request(bad, 1) });
    expect(r.status).toBe(422);
    const paths = JSON.stringify(r.body);
    expect(paths).toContain('subscriptions[0].plan.components[2].installments');
    expect(paths).toContain('subscriptions[0].plan.termCycles');
  });

  it('shows what a cancellation would bill (cancelledOn): installment 4, then 5-24 at once, the price in all', async () => {
    const body = request(device, 4);
    body.subscriptions[0] = { ...body.subscriptions[0], cancelledOn: '2026-01-15' } as never;
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // 1,000,000 / 24 = 41,666.67 → 41,667 for installment 4; the rest at once: 1,000,000 − 4 × 41,667 = 833,332.
    expect(r.body.lines.map((l: any) => [l.component, l.amount, l.detail ?? null])).toEqual([
      ['device', '41667', { code: 'installment', installment: 4, of: 24 }],
      ['device', '833332', { code: 'installment', installment: 5, through: 24, of: 24, accelerated: true }],
      ['data', '2000', null],
    ]);
    // Without it, the same cycle has no acceleration.
    const plain = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: request(device, 4) });
    expect(plain.body.lines.filter((l: any) => l.detail?.accelerated)).toEqual([]);
  });

  it('refuses cancelledOn together with endDate, or not after the start, with a 422 at the field (Korean too)', async () => {
    const both = request(device, 4);
    both.subscriptions[0] = { ...both.subscriptions[0], endDate: '2026-01-20', cancelledOn: '2026-01-15' } as never;
    const r = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: both, headers: { 'Accept-Language': 'ko' } });
    expect(r.status).toBe(422);
    expect(r.body.issues).toContainEqual(expect.objectContaining({ path: 'subscriptions[0].cancelledOn', message: 'endDate와 cancelledOn 중 하나만 지정하세요' }));
    const early = request(device, 4);
    early.subscriptions[0] = { ...early.subscriptions[0], cancelledOn: '2026-01-01' } as never;
    const e = await t.call('POST', '/api/v1/rating/preview', { key: DEMO_KEY, body: early });
    expect(e.status).toBe(422);
    expect(e.body.issues).toContainEqual(expect.objectContaining({ path: 'subscriptions[0].cancelledOn', message: 'must be after startDate' }));
  });
});
