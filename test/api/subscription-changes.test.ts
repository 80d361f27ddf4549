/**
 * Subscription changes that interact on one day or with a scheduled change:
 * a same-day plan change followed by pause / cancel-now / resume, and quantity changes while a
 * downgrade is scheduled (kept; the new quantities are carried into the scheduled phase only for
 * quantity keys the scheduled plan has and the scheduled change did not set itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { billingWorld } from '../scenarios/fixture';
import { importDocuments } from '../../server/catalog/versions';

let t: TestApp;
let one: { tenantId: string; key: string };
let subs: { id: string; customerId: string; planCode: string; quantities: Record<string, string> }[];
const clock = () => new Date('2025-04-10T12:00:00Z');
const today = '2025-04-10';

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('subchg');
  const { ctx } = await billingWorld(t.handle.db, one.tenantId, 8, { now: clock, start: '2025-03-01' });
  // a cheaper per-seat plan to downgrade to, keeping the seats key
  await importDocuments({ ctx, plans: [{ code: 'fx-seats-lite', name: 'Seats lite', currency: 'USD', interval: 'month', intervalCount: 1, components: [
    { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '1.00' } }] }], effectiveFrom: '2025-01-01' });
  subs = (await t.call('GET', '/api/v1/subscriptions?limit=50', { key: one.key })).body.data;
  subs.sort((a, b) => a.customerId.localeCompare(b.customerId));
}, 60_000);
afterAll(async () => { await t?.close(); });

const onPlan = (code: string, k = 0) => subs.filter((s) => s.planCode === code)[k];
const post = (path: string, body: unknown = {}) => t.call('POST', `/api/v1${path}`, { key: one.key, body });

describe('a same-day plan change, then pause / cancel / resume', () => {
  it('pause keeps the new plan and quantities, closes today\'s phase, and resume reopens it', async () => {
    const s = onPlan('fx-basic', 0);
    const up = await post(`/subscriptions/${s.id}/change-plan`, { planCode: 'fx-seats', quantities: { seats: '10' } });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ planCode: 'fx-seats', quantities: { seats: '10' } });
    expect(up.body.phases.at(-1)).toMatchObject({ planCode: 'fx-seats', startDate: today, endDate: null });

    const paused = await post(`/subscriptions/${s.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', planCode: 'fx-seats', quantities: { seats: '10' }, scheduledChange: null });
    // nothing is billed from today: no phase is open, none covers a day on or after today
    for (const p of paused.body.phases) expect(p.endDate !== null && p.endDate <= today).toBe(true);

    const resumed = await post(`/subscriptions/${s.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', planCode: 'fx-seats', quantities: { seats: '10' } });
    expect(resumed.body.phases.at(-1)).toMatchObject({ planCode: 'fx-seats', quantities: { seats: '10' }, startDate: today, endDate: null, reason: 'resume' });
  });

  it('cancel-now keeps the plan it was cancelled on', async () => {
    const s = onPlan('fx-basic', 1);
    expect((await post(`/subscriptions/${s.id}/change-plan`, { planCode: 'fx-seats', quantities: { seats: '8' } })).body.phases.at(-1)).toMatchObject({ startDate: today, reason: 'upgrade' });
    const c = await post(`/subscriptions/${s.id}/cancel`, { atPeriodEnd: false });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'cancelled', endDate: today, planCode: 'fx-seats', quantities: { seats: '8' } });
    for (const p of c.body.phases) expect(p.endDate !== null && p.endDate <= today).toBe(true);
  });

  it('pause without a same-day change still shows the plan it paused on', async () => {
    const s = onPlan('fx-seats', 0);
    const p = await post(`/subscriptions/${s.id}/pause`);
    expect(p.body).toMatchObject({ status: 'paused', planCode: 'fx-seats', quantities: s.quantities });
    expect(p.body.phases.at(-1).endDate).toBe(today);
  });
});

describe('quantities while a downgrade is scheduled', () => {
  it('keeps the scheduled downgrade and carries the seats into it', async () => {
    const s = onPlan('fx-seats', 1);
    const down = await post(`/subscriptions/${s.id}/change-plan`, { planCode: 'fx-seats-lite' });
    expect(down.status).toBe(200);
    expect(down.body.scheduledChange).toMatchObject({ planCode: 'fx-seats-lite', effectiveDate: '2025-05-01', quantities: s.quantities });

    const r = await post(`/subscriptions/${s.id}/quantities`, { quantities: { seats: '7' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ planCode: 'fx-seats', quantities: { seats: '7' } });
    expect(r.body.scheduledChange).toMatchObject({ planCode: 'fx-seats-lite', effectiveDate: '2025-05-01', quantities: { seats: '7' }, reason: 'downgrade' });
    expect(r.body.phases.map((p: { startDate: string; endDate: string | null }) => [p.startDate, p.endDate])).toEqual([
      ['2025-03-01', today], [today, '2025-05-01'], ['2025-05-01', null]]);
  });

  it('keeps quantities the scheduled change set itself', async () => {
    const s = onPlan('fx-seats', 2);
    // a value different from the current one (an unchanged value is indistinguishable from an inherited one)
    expect(s.quantities.seats).not.toBe('12');
    const down = await post(`/subscriptions/${s.id}/change-plan`, { planCode: 'fx-seats', quantities: { seats: '12' }, effectiveDate: '2025-05-01' });
    expect(down.status).toBe(200);
    const r = await post(`/subscriptions/${s.id}/quantities`, { quantities: { seats: '9' } });
    expect(r.status).toBe(200);
    expect(r.body.quantities).toEqual({ seats: '9' });
    expect(r.body.scheduledChange).toMatchObject({ planCode: 'fx-seats', effectiveDate: '2025-05-01', quantities: { seats: '12' } });
  });
});
