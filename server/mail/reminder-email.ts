/**
 * The dunning reminder (미납 안내): ko/en subject and bodies with the amount still owed, the due
 * date, the days overdue and a pay link; the invoice PDF attached. Pure compose + one send, like
 * the invoice e-mail next to it.
 */
import type { Mailer } from './mailer';
import { attachmentName, type SendResult } from './invoice-email';
import { formatDate, formatMoney } from '../invoices/render/format';
import type { InvoiceDocument, InvoiceLocale } from '../invoices/render/types';

export interface ReminderInput {
  doc: InvoiceDocument;
  locale: InvoiceLocale;
  /** What is still owed now (not the invoiced amount). */
  amountOwed: string;
  daysOverdue: number;
  payLink: string;
  template: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeReminderEmail(r: ReminderInput) {
  const ko = r.locale === 'ko';
  const amount = formatMoney(r.amountOwed, r.doc.currency, r.locale);
  const due = formatDate(r.doc.dueDate, r.locale);
  const subject = ko
    ? `[빌와이즈] 청구서 ${r.doc.number} 미납 안내 (납부기한 ${r.daysOverdue}일 경과)`
    : `[Billwise] Invoice ${r.doc.number} is ${r.daysOverdue} day${r.daysOverdue === 1 ? '' : 's'} overdue`;
  const greeting = ko ? `${r.doc.buyer.name} 고객님, 안녕하세요.` : `Dear ${r.doc.buyer.name},`;
  const intro = ko
    ? `청구서 ${r.doc.number}의 납부기한(${due})이 지났으나 아직 결제가 확인되지 않았습니다.`
    : `Invoice ${r.doc.number} was due on ${due} and we have not received payment yet.`;
  const facts: Array<[string, string]> = ko
    ? [['미납 금액', amount], ['납부기한', due], ['결제하기', r.payLink]]
    : [['Amount owed', amount], ['Due date', due], ['Pay now', r.payLink]];
  const closing = ko ? '이미 결제하셨다면 이 메일은 무시해 주세요. 청구서 PDF를 첨부하였습니다.' : 'If you have already paid, please ignore this e-mail. The invoice is attached as a PDF.';
  const text = [greeting, '', intro, '', ...facts.map(([k, v]) => `  ${k}: ${v}`), '', closing, '', r.doc.seller.name, ''].join('\n');
  const html = `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body>
<p>${esc(greeting)}</p><p>${esc(intro)}</p>
<table>${facts.map(([k, v], i) => `<tr><td>${esc(k)}</td><td>${i === 2 ? `<a href="${esc(v)}">${esc(v)}</a>` : esc(v)}</td></tr>`).join('')}</table>
<p>${esc(closing)}</p><p>${esc(r.doc.seller.name)}</p></body></html>
`;
  return { subject, text, html, filename: attachmentName(r.doc.number) };
}

export async function sendReminderEmail(mailer: Mailer, input: ReminderInput & { to: string; pdf: Buffer }): Promise<SendResult> {
  const mail = composeReminderEmail(input);
  const info = await mailer.transporter.sendMail({
    from: mailer.from, to: input.to, subject: mail.subject, text: mail.text, html: mail.html,
    headers: { 'X-Billwise-Template': input.template },
    attachments: [{ filename: mail.filename, content: input.pdf, contentType: 'application/pdf' }],
  });
  const list = (l: ReadonlyArray<string | { address: string }> | undefined) => (l ?? []).map((a) => (typeof a === 'string' ? a : a.address));
  return { messageId: info.messageId, accepted: list(info.accepted), rejected: list(info.rejected) };
}
