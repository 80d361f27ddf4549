/**
 * The dunning timeline's reasons read back into codes + params (server/dunning/reasons.ts): the
 * texts the run writes (pause, promise, exclusion, failures) map to their codes, the longer
 * template wins over its prefix, a known error inside a failure gets its own code, and a text no
 * template knows stays `other` with the text.
 */
import { describe, expect, it } from 'vitest';
import { DUNNING_REASON_CODES, dunningReasonOf, dunningReasonText } from '../../../server/dunning/reasons';
import { pausedOn } from '../../../server/dunning/invoice-context';

describe('dunning reasons', () => {
  it('every template reads back into its own code and parameters', () => {
    for (const code of DUNNING_REASON_CODES) {
      const params = { steps: 's', date: '2025-05-01', note: 'n', id: 'i', reasonCode: 'r', setBy: 'u', customer: 'c', rule: 'x', version: '2', reason: 'why', step: '0', cap: '10.00', error: 'boom', to: 'a@b', amount: '1,000', by: 'kim@example.com' };
      const r = dunningReasonOf(dunningReasonText(code, params));
      expect(r.code, code).toBe(code);
    }
  });

  it('reads what the run writes', () => {
    expect(dunningReasonOf(pausedOn('2025-05-01', null, null, '2025-04-30'))).toEqual({ code: 'paused', params: { date: '2025-05-01' } });
    expect(dunningReasonOf(pausedOn(null, '2025-05-01', 'by phone', '2025-04-30'))).toEqual({ code: 'promiseNote', params: { date: '2025-05-01', note: 'by phone' } });
    expect(dunningReasonOf('the payer has no e-mail address; retried on the next run day'))
      .toEqual({ code: 'failedRetry', params: { error: 'the payer has no e-mail address', errorCode: 'noEmail' } });
    expect(dunningReasonOf('gateway timeout; retried on the next run day')).toEqual({ code: 'failedRetry', params: { error: 'gateway timeout' } });
    expect(dunningReasonOf('something new')).toEqual({ code: 'other', params: { text: 'something new' } });
    expect(dunningReasonOf(null)).toEqual({ code: '', params: {} });
  });
});
