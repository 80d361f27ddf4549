/** Pure wallet math: FIFO remainders of expired grants, and prepaid/points after tax with a points policy. */
import { describe, expect, it } from 'vitest';
import { expiredRemainders, type LedgerEntry } from '../../../server/wallets/expire-grants';
import { applyBalances } from '../../../server/rating/balances';
import { Decimal } from '../../../server/lib/money';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
let n = 0;
const e = (type: string, amount: string, on: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ id: `e${++n}`, type, amount, expiresAt: null, key: null, createdAt: d(on), ...extra });

describe('expiredRemainders (FIFO)', () => {
  it('debits take from the oldest lot first; only what is left of an expired grant expires', () => {
    const g1 = e('top_up_granted', '10', '2025-01-01', { expiresAt: d('2025-02-01') });
    const paid = e('top_up_paid', '5', '2025-01-02');
    const out = expiredRemainders([g1, paid, e('consumption', '-4', '2025-01-10')], d('2025-02-01'));
    expect(out.map((r) => [r.grantId, r.amount.toString()])).toEqual([[g1.id, '6']]);
  });

  it('a debit after a grant expired (job late) takes from valid lots first', () => {
    const g1 = e('top_up_granted', '10', '2025-01-01', { expiresAt: d('2025-02-01') });
    const paid = e('top_up_paid', '5', '2025-01-02');
    const out = expiredRemainders([g1, paid, e('consumption', '-4', '2025-02-03')], d('2025-02-05'));
    expect(out.map((r) => r.amount.toString())).toEqual(['10']);
  });

  it('a grant with its expiry entry posted is not expired again; one not yet due is left alone', () => {
    const g1 = e('top_up_granted', '10', '2025-01-01', { expiresAt: d('2025-02-01') });
    const g2 = e('top_up_granted', '3', '2025-01-01', { expiresAt: d('2025-03-01') });
    const out = expiredRemainders([g1, g2, e('expiry', '-10', '2025-02-01', { key: `expiry:${g1.id}` })], d('2025-02-15'));
    expect(out).toEqual([]);
  });
});

describe('applyBalances', () => {
  it('prepaid first, then points at their value up to the cap; points spent rounded up, never above the balance', () => {
    const r = applyBalances(new Decimal('34.10'), 'USD', { prepaid: '20', points: '15', policy: { pointValue: '0.5', maxPointsPerInvoice: '10' } });
    expect([r.prepaidApplied, r.pointsApplied, r.pointsSpent, r.amountDue].map(String)).toEqual(['20', '5', '10', '9.1']);
    const small = applyBalances(new Decimal('1.00'), 'USD', { points: '100', policy: { pointValue: '0.3' } });
    expect([small.pointsApplied, small.pointsSpent, small.amountDue].map(String)).toEqual(['1', '3.34', '0']);
  });

  it('without a policy a point is one unit, as the spec example', () => {
    const r = applyBalances(new Decimal('19.80'), 'USD', { prepaid: '5.005', points: '100' });
    expect([r.prepaidApplied, r.pointsApplied, r.amountDue].map(String)).toEqual(['5', '14.8', '0']);
  });
});
