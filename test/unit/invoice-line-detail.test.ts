/** The PDF words a line's charge timing in the invoice's language, replacing the rater's English note. */
import { describe, expect, it } from 'vitest';
import { localizedDescription } from '../../server/invoices/render/line-detail';
import { rate } from '../../server/rating/rate';

describe('localizedDescription', () => {
  const lines = rate({
    currency: 'KRW', customer: {}, period: { start: '2026-03-01', end: '2026-04-01' },
    subscriptions: [{ cycleIndex: 1, plan: { code: 'p', name: 'Galaxy', currency: 'KRW', interval: 'month', timing: 'in_advance', components: [
      { code: 'setup', name: 'Setup fee', type: 'flat', amount: '30000', charge: 'one_time' },
      { code: 'device', name: 'Device', type: 'flat', amount: '1000000', installments: { count: 24 } },
      { code: 'svc', name: 'Service', type: 'flat', amount: '33000' },
    ] } }],
  }, { rules: [] }).lines;
  const word = (i: number, locale: 'ko' | 'en') => localizedDescription(lines[i].description!, lines[i].detail, locale);

  it('says "setup fee (one-time)", "installment 3 of 24" and the service period, in Korean or English', () => {
    expect(word(0, 'en')).toBe('Galaxy · Setup fee (one-time)');
    expect(word(0, 'ko')).toBe('Galaxy · Setup fee (일회성)');
    expect(word(1, 'en')).toBe('Galaxy · Device (installment 1 of 24)');
    expect(word(2, 'ko')).toBe('Galaxy · Device (할부 2/24회차, 서비스 기간 2026-04-01 ~ 2026-05-01)');
    expect(word(4, 'en')).toBe('Galaxy · Service (service 2026-04-01 – 2026-05-01)');
    expect(localizedDescription('Plain line', undefined, 'ko')).toBe('Plain line');
  });

  it('words accelerated installments (a subscription that ended) in Korean or English', () => {
    const ended = rate({
      currency: 'KRW', customer: {}, period: { start: '2026-04-01', end: '2026-05-01' },
      subscriptions: [{ cycleIndex: 4, startDate: '2026-01-01', endDate: '2026-04-15', ends: true, plan: { code: 'p', name: 'Galaxy', currency: 'KRW', interval: 'month', components: [
        { code: 'device', name: 'Device', type: 'flat', amount: '1000000', installments: { count: 24 } },
      ] } }],
    }, { rules: [] }).lines;
    expect(ended.map((l) => l.amount)).toEqual(['41667', '833332']);
    expect(ended[1].description).toBe('Galaxy · Device · installments 5-24 of 24 (accelerated)');
    expect(localizedDescription(ended[1].description!, ended[1].detail, 'en')).toBe('Galaxy · Device (installments 5-24 of 24, accelerated)');
    expect(localizedDescription(ended[1].description!, ended[1].detail, 'ko')).toBe('Galaxy · Device (할부 5~24/24회차, 잔여 일시 청구)');
  });
});
