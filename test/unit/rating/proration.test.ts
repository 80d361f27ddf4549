import { describe, expect, it } from 'vitest';
import { rate } from '../../../server/rating/rate';
import { input, plan } from './helpers';

const monthly50 = plan([{ code: 'base', type: 'flat', amount: '50.00' }], { code: 'm50', name: 'Monthly 50' });
const period = { start: '2025-08-01', end: '2025-09-01' };
const amountOf = (r: ReturnType<typeof rate>) => r.lines.filter((l) => l.kind === 'charge').map((l) => l.amount);

describe('proration by days', () => {
  it('$50 monthly from Aug 10 in Aug 1–Sep 1 → 50 × 22/31 = 35.48 (spec)', () => {
    const r = rate(input([{ plan: monthly50, startDate: '2025-08-10' }], { period }), { rules: [] });
    expect(amountOf(r)).toEqual(['35.48']);
    expect(r.lines[0].description).toContain('22/31');
  });
  it('a plan change is two segments, each rated on its own days (Kill Bill style: 14/31 old + 17/31 new)', () => {
    const monthly100 = plan([{ code: 'base', type: 'flat', amount: '100.00' }], { code: 'm100', name: 'Monthly 100' });
    const r = rate(input([{ plan: monthly50, startDate: '2025-07-01', endDate: '2025-08-15' }, { plan: monthly100, startDate: '2025-08-15' }], { period }), { rules: [] });
    expect(amountOf(r)).toEqual(['22.58', '54.84']);
    expect(r.subtotal).toBe('77.42');
  });
  it('prorate: false charges the full amount for any active day', () => {
    const p = plan([{ code: 'base', type: 'flat', amount: '50.00', prorate: false }]);
    expect(amountOf(rate(input([{ plan: p, startDate: '2025-08-31' }], { period }), { rules: [] }))).toEqual(['50.00']);
  });
  it('usage is never prorated; quantity is', () => {
    const p = plan([
      { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '31.00' } },
      { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'standard', unitAmount: '1.00' } },
    ]);
    const r = rate(input([{ plan: p, startDate: '2025-08-10', quantities: { seats: 2 }, usage: { calls: 7 } }], { period }), { rules: [] });
    expect(amountOf(r)).toEqual(['44.00', '7.00']);
  });
  it('a trial (trialDays from startDate) is not charged for flat and quantity components; usage still is', () => {
    const p = plan(
      [
        { code: 'base', type: 'flat', amount: '31.00' },
        { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'standard', unitAmount: '1.00' } },
      ],
      { trialDays: 14 },
    );
    const r = rate(input([{ plan: p, startDate: '2025-08-01', usage: { calls: 3 } }], { period }), { rules: [] });
    expect(amountOf(r)).toEqual(['17.00', '3.00']);
    const whollyInTrial = rate(input([{ plan: { ...p, trialDays: 60 }, startDate: '2025-08-01', usage: { calls: 3 } }], { period }), { rules: [] });
    expect(amountOf(whollyInTrial)).toEqual(['0.00', '3.00']);
  });
  it('weekly and yearly plans prorate by the days of the period given', () => {
    const weekly = plan([{ code: 'base', type: 'flat', amount: '7.00' }], { interval: 'week' });
    expect(amountOf(rate(input([{ plan: weekly, startDate: '2025-08-06' }], { period: { start: '2025-08-04', end: '2025-08-11' } }), { rules: [] }))).toEqual(['5.00']);
    const yearly = plan([{ code: 'base', type: 'flat', amount: '365.00' }], { interval: 'year' });
    expect(amountOf(rate(input([{ plan: yearly, startDate: '2025-12-02' }], { period: { start: '2025-01-01', end: '2026-01-01' } }), { rules: [] }))).toEqual(['30.00']);
  });
});
