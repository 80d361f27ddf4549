import { describe, expect, it } from 'vitest';
import { addDays, addInterval, daysBetween, isIsoDate, monthsBetween, overlapDays, periodFor, todayInZone } from '../../server/lib/dates';

describe('calendar dates', () => {
  it('counts days across month ends, leap years and DST changes', () => {
    expect(daysBetween('2025-08-01', '2025-09-01')).toBe(31);
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(daysBetween('2025-03-01', '2025-04-01')).toBe(31); // US/EU DST switch inside
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });
  it('rejects impossible dates', () => {
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
  });
  it('adds months with end-of-month clamping and keeps the anchor day', () => {
    expect(addInterval('2025-01-31', 'month', 1)).toBe('2025-02-28');
    expect(addInterval('2025-01-31', 'month', 2)).toBe('2025-03-31');
    expect(addInterval('2025-02-28', 'month', 1, 31)).toBe('2025-03-31');
    expect(addInterval('2024-02-29', 'year', 1)).toBe('2025-02-28');
    expect(addInterval('2025-05-10', 'week', 2)).toBe('2025-05-24');
    expect(addInterval('2025-11-15', 'month', 3)).toBe('2026-02-15');
    expect(addInterval('2025-03-31', 'month', -1)).toBe('2025-02-28');
  });
  it('computes periods from the anchor so clamped months never drift', () => {
    expect(periodFor('2025-01-31', 'month', 1, 0)).toEqual({ start: '2025-01-31', end: '2025-02-28' });
    expect(periodFor('2025-01-31', 'month', 1, 1)).toEqual({ start: '2025-02-28', end: '2025-03-31' });
    expect(periodFor('2025-01-01', 'month', 3, 1)).toEqual({ start: '2025-04-01', end: '2025-07-01' });
    expect(periodFor('2025-01-06', 'week', 2, 1)).toEqual({ start: '2025-01-20', end: '2025-02-03' });
    expect(periodFor('2024-02-29', 'year', 1, 1)).toEqual({ start: '2025-02-28', end: '2026-02-28' });
  });
  it('measures overlaps with exclusive ends and open ends', () => {
    expect(overlapDays('2025-08-10', null, '2025-08-01', '2025-09-01')).toBe(22);
    expect(overlapDays('2025-07-01', '2025-08-15', '2025-08-01', '2025-09-01')).toBe(14);
    expect(overlapDays('2025-09-01', null, '2025-08-01', '2025-09-01')).toBe(0);
  });
  it('finds today in the tenant zone (Seoul is a day ahead of UTC late in the evening)', () => {
    const now = new Date('2025-05-31T16:30:00Z');
    expect(todayInZone('UTC', now)).toBe('2025-05-31');
    expect(todayInZone('Asia/Seoul', now)).toBe('2025-06-01');
    expect(todayInZone('America/Los_Angeles', now)).toBe('2025-05-31');
  });
  it('counts whole months of tenure', () => {
    expect(monthsBetween('2024-05-15', '2025-05-14')).toBe(11);
    expect(monthsBetween('2024-05-15', '2025-05-15')).toBe(12);
    expect(monthsBetween('2025-01-31', '2025-02-28')).toBe(1);
  });
});
