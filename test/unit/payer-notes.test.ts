/**
 * Issue 9: a bill run's per-payer notes reach the console as codes with parameters (worded in
 * ko/en there), read back from the stored English text, old rows included; what no template
 * matches (a failed payer's error) stays `other` with its text.
 */
import { describe, expect, it } from 'vitest';
import { NOTE_TEMPLATES, noteText, payerNotes, type NoteCode } from '../../server/billing/payer-notes';

describe('bill-run payer notes', () => {
  it('reads every note it writes back into its code and parameters', () => {
    const params: Record<NoteCode, Record<string, string>> = {
      planMissing: { subscription: 's-1', plan: 'pro' },
      couponNotApplied: { subscription: 's-1', code: 'WELCOME-7', reason: 'already used up' },
      voidInvoice: { invoice: '9f0c' },
      supplementary: { sequence: '2' },
      replacesVoid: { sequence: '3' },
    };
    for (const code of Object.keys(NOTE_TEMPLATES) as NoteCode[]) {
      const [note] = payerNotes(noteText(code, params[code]));
      expect(note.code).toBe(code);
      expect(note.params).toMatchObject(params[code]);
    }
  });

  it('splits joined notes, words coupon reasons as codes, and keeps unknown text as other', () => {
    const stored = 'a1: coupon SPRING not applied: expired on 2026-01-31; invoice #2 replaces the void invoice of the period; boom: connection reset';
    expect(payerNotes(stored)).toEqual([
      { code: 'couponNotApplied', params: { subscription: 'a1', code: 'SPRING', reason: 'expired on 2026-01-31', date: '2026-01-31', reasonCode: 'expired' } },
      { code: 'replacesVoid', params: { sequence: '2' } },
      { code: 'other', params: { text: 'boom: connection reset' } },
    ]);
    expect(payerNotes(null)).toEqual([]);
  });

  it('reads a note stored before codes existed (the plan-missing text of rate-payer.ts)', () => {
    expect(payerNotes('0b7e: plan "legacy" has no published version in effect')).toEqual([{ code: 'planMissing', params: { subscription: '0b7e', plan: 'legacy' } }]);
  });
});
