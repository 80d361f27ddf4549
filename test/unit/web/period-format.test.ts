/**
 * The console's one period converter (issue 9): people pick and read the last day of a period,
 * the API takes and sends its exclusive end. Picking 12-01 .. 12-31 must send 01-01 (the whole of
 * December), and a stored [11-01, 12-01) must read "11-01 ~ 11-30" like the PDF's formatPeriod.
 */
import { describe, expect, it } from 'vitest';
import { exclusiveEnd, inclusiveEnd, periodText, todayIn } from '../../../web/src/composables/useFormat';
import { formatPeriod } from '../../../server/invoices/render/format';

describe('console periods', () => {
  it('sends the day after the picked last day as the exclusive end', () => {
    expect(exclusiveEnd('2026-12-31')).toBe('2027-01-01');
    expect(exclusiveEnd('2028-02-28')).toBe('2028-02-29');
    expect(inclusiveEnd('2027-01-01')).toBe('2026-12-31');
  });

  it('reads a stored period exactly as the PDF and e-mail do', () => {
    for (const [start, end] of [['2026-11-01', '2026-12-01'], ['2026-12-01', '2027-01-01'], ['2025-03-10', '2025-04-10']]) {
      expect(periodText(start, end)).toBe(formatPeriod({ start, end }, 'ko'));
      expect(periodText(start, end)).toBe(formatPeriod({ start, end }, 'en'));
    }
    expect(periodText('2026-12-01', '2027-01-01')).toBe('2026-12-01 ~ 2026-12-31');
  });

  it("knows today's date in the tenant's time zone", () => {
    const at = new Date('2026-12-31T20:00:00Z');
    expect(todayIn('Asia/Seoul', at)).toBe('2027-01-01');
    expect(todayIn('America/New_York', at)).toBe('2026-12-31');
  });
});
