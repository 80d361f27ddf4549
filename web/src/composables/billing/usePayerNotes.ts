/**
 * A bill run's notes per payer (server/billing/payer-notes.ts: `code` + `params`) in the console's
 * language. Subscription and invoice ids are shortened to their first 8 characters as elsewhere;
 * a note with no code (`other`: a failed payer's error) is shown as the server wrote it.
 */
import { useI18n } from 'vue-i18n';
import type { BillRunPayer } from '@/api/types';

type Note = BillRunPayer['notes'][number];
const short = (id: string | undefined) => (id ?? '').slice(0, 8);

export function usePayerNotes() {
  const { t, te } = useI18n();
  function noteText(n: Note): string {
    const p = n.params;
    if (n.code === 'other') return p.text ?? '';
    const reason = n.code === 'couponNotApplied' && p.reasonCode && te(`billRunNotes.couponReasons.${p.reasonCode}`)
      ? t(`billRunNotes.couponReasons.${p.reasonCode}`, { date: p.date ?? '' })
      : p.reason ?? '';
    return t(`billRunNotes.${n.code}`, { ...p, subscription: short(p.subscription), invoice: short(p.invoice), reason });
  }
  return { notesText: (notes: readonly Note[] | undefined) => (notes ?? []).map(noteText).join(' · ') };
}
