/**
 * The words that differ on a credit note's PDF (요금 조정 / CREDIT NOTE): the rest of the layout
 * and labels are the invoice's. The "due date" cell names the invoice it credits instead.
 */
import { LABELS, type InvoiceLabels } from './format';
import type { InvoiceDocument } from './types';

const CREDIT: Record<'ko' | 'en', Partial<InvoiceLabels>> = {
  ko: {
    title: '요금 조정', subtitle: 'CREDIT NOTE', invoiceNumber: '요금 조정 번호', dueDate: '원 청구서', amountDueBanner: '조정(환급) 금액',
    amountDue: '조정 금액', subtotal: '공급가액', notes: '조정 사유', status: { ...LABELS.ko.status, finalized: '발행' },
  },
  en: {
    title: 'CREDIT NOTE', subtitle: '요금 조정', invoiceNumber: 'Credit note no.', dueDate: 'Credits invoice', amountDueBanner: 'Amount credited',
    amountDue: 'Amount credited', subtotal: 'Net amount', notes: 'Reason', status: { ...LABELS.en.status, finalized: 'Issued' },
  },
};

/** Labels for the document: the invoice's, with a credit note's own words over them. */
export function labelsFor(doc: InvoiceDocument): InvoiceLabels {
  const base = LABELS[doc.locale];
  return doc.kind === 'credit_note' ? { ...base, ...CREDIT[doc.locale] } : base;
}

/** What the "due date" cell and the banner say: the due date, the invoice credited, or "set on finalize" for a draft. */
export function dueText(doc: InvoiceDocument, L: InvoiceLabels, formatDate: (d: string) => string): string {
  if (doc.kind === 'credit_note') return doc.credits ?? '-';
  return doc.status === 'draft' ? L.draftDueDate : formatDate(doc.dueDate);
}
