/**
 * Issue 9: a version effective next year looked current in the plan header and list (they showed
 * the latest published version). Entries now say which version is in effect today (tenant time
 * zone) and which are scheduled; the preview prices a month with the version in effect then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

// 2026-03-10 12:00 KST.
const NOW = new Date('2026-03-10T03:00:00Z');
let t: TestApp;
const key = DEMO_KEY;
const plan = (amount: string) => ({ code: 'sched', name: 'Scheduled', currency: 'KRW', interval: 'month', components: [{ code: 'base', type: 'flat', amount }] });

beforeAll(async () => {
  t = await makeTestApp({ now: () => NOW });
  await t.call('POST', '/api/v1/plans', { key, body: { document: plan('10000') } });
  expect((await t.call('POST', '/api/v1/plans/sched/publish', { key, body: { effectiveFrom: '2026-01-01' } })).status).toBe(200);
  await t.call('PUT', '/api/v1/plans/sched/draft', { key, body: { document: plan('12000') } });
  expect((await t.call('POST', '/api/v1/plans/sched/publish', { key, body: { effectiveFrom: '2027-01-01' } })).status).toBe(200);
});
afterAll(async () => { await t?.close(); });

describe('scheduled versions', () => {
  it('tells the version in effect today from the scheduled one, in the list and the entry', async () => {
    const one = await t.call('GET', '/api/v1/plans/sched', { key });
    expect(one.body.latestPublished).toEqual({ version: 2, effectiveFrom: '2027-01-01' });
    expect(one.body.inEffect).toEqual({ version: 1, effectiveFrom: '2026-01-01' });
    expect(one.body.scheduled).toEqual([{ version: 2, effectiveFrom: '2027-01-01' }]);
    const list = await t.call('GET', '/api/v1/plans', { key });
    expect(list.body.data.find((e: any) => e.code === 'sched')).toMatchObject({ inEffect: { version: 1 }, scheduled: [{ version: 2 }] });
  });

  it('has nothing in effect before the first version starts', async () => {
    await t.call('POST', '/api/v1/plans', { key, body: { document: { ...plan('5000'), code: 'later' } } });
    await t.call('POST', '/api/v1/plans/later/publish', { key, body: { effectiveFrom: '2026-04-01' } });
    const r = await t.call('GET', '/api/v1/plans/later', { key });
    expect(r.body).toMatchObject({ inEffect: null, scheduled: [{ version: 1, effectiveFrom: '2026-04-01' }] });
  });

  it('prices each month with the version in effect then', async () => {
    const price = async (start: string, end: string) => (await t.call('POST', '/api/v1/rating/preview', { key, body: {
      period: { start, end }, rules: [], subscriptions: [{ planCode: 'sched', startDate: '2025-01-01', cycleIndex: 2 }],
    } })).body.subtotal;
    expect(await price('2026-05-01', '2026-06-01')).toBe('10000');
    expect(await price('2027-02-01', '2027-03-01')).toBe('12000');
  });
});
