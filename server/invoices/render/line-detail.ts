/**
 * A charge line's timing detail (rating/types.ts LineDetail) in the document's language, for the
 * PDF and e-mail: "installment 3 of 24" / "할부 3/24회차", "one-time" / "일회성", and the service
 * period of a line billed in advance. The stored description carries the English note the rater
 * appended (charge-timing.ts detailNote); the document replaces it with the localized one.
 */
import { detailNote } from '../../rating/charge-timing';
import type { LineDetail } from '../../rating/types';
import type { InvoiceLocale } from './types';

const WORDS: Record<InvoiceLocale, { installment: (k: number, n: number) => string; accelerated: (k: number, t: number, n: number) => string; oneTime: string; service: (s: string, e: string) => string }> = {
  ko: { installment: (k, n) => `할부 ${k}/${n}회차`, accelerated: (k, t, n) => `할부 ${k}~${t}/${n}회차, 잔여 일시 청구`, oneTime: '일회성', service: (s, e) => `서비스 기간 ${s} ~ ${e}` },
  en: { installment: (k, n) => `installment ${k} of ${n}`, accelerated: (k, t, n) => `installments ${k}-${t} of ${n}, accelerated`, oneTime: 'one-time', service: (s, e) => `service ${s} – ${e}` },
};

export function localizedDescription(description: string, detail: LineDetail | undefined, locale: InvoiceLocale): string {
  if (!detail) return description;
  const note = detailNote(detail);
  const base = note && description.endsWith(note) ? description.slice(0, -note.length) : description;
  const w = WORDS[locale];
  const parts: string[] = [];
  if (detail.code === 'installment' && detail.accelerated) parts.push(w.accelerated(detail.installment ?? 0, detail.through ?? 0, detail.of ?? 0));
  else if (detail.code === 'installment') parts.push(w.installment(detail.installment ?? 0, detail.of ?? 0));
  if (detail.code === 'one_time') parts.push(w.oneTime);
  if (detail.servicePeriod) parts.push(w.service(detail.servicePeriod.start, detail.servicePeriod.end));
  return `${base} (${parts.join(', ')})`;
}
