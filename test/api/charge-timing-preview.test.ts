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
});
