/**
 * The dunning reminder (미납 안내): ko/en subject and bodies with the amount still owed, the due
 * date, the days overdue, a pay link and a link to the invoice PDF (the pay page serves it). The
 * PDF is linked, not attached: rendering one per reminder made a daily run of 100,000 invoices
 * take a day (server/dunning/README.md, Benchmark). Pure compose + one send, like the invoice
 * e-mail next to it.
 */
import type { Mailer } from './mailer';
import type { SendResult } from './invoice-email';
import { formatDate, formatMoney } from '../invoices/render/format';
import type { InvoiceLocale } from '../invoices/render/types';

/** What a reminder says about its invoice (an InvoiceDocument fits; the run builds it from rows it has loaded). */
export interface ReminderInvoice {
  number: string;
  currency: string;
  dueDate: string;
  buyer: { name: string };
  seller: { name: string };
}

export interface ReminderInput {
  doc: ReminderInvoice;
  locale: InvoiceLocale;
  /** What is still owed now (not the invoiced amount). */
  amountOwed: string;
  daysOverdue: number;
  payLink: string;
  /** The invoice PDF (served by the pay page behind the same token). */
  pdfLink: string;
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
    ? [['미납 금액', amount], ['납부기한', due], ['결제하기', r.payLink], ['청구서 PDF', r.pdfLink]]
    : [['Amount owed', amount], ['Due date', due], ['Pay now', r.payLink], ['Invoice PDF', r.pdfLink]];
  const closing = ko ? '이미 결제하셨다면 이 메일은 무시해 주세요.' : 'If you have already paid, please ignore this e-mail.';
  const text = [greeting, '', intro, '', ...facts.map(([k, v]) => `  ${k}: ${v}`), '', closing, '', r.doc.seller.name, ''].join('\n');
  const html = `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body>
<p>${esc(greeting)}</p><p>${esc(intro)}</p>
<table>${facts.map(([k, v], i) => `<tr><td>${esc(k)}</td><td>${i >= 2 ? `<a href="${esc(v)}">${esc(v)}</a>` : esc(v)}</td></tr>`).join('')}</table>
<p>${esc(closing)}</p><p>${esc(r.doc.seller.name)}</p></body></html>
`;
  return { subject, text, html };
}

export async function sendReminderEmail(mailer: Mailer, input: ReminderInput & { to: string }): Promise<SendResult> {
  const mail = composeReminderEmail(input);
  const info = await mailer.transporter.sendMail({
    from: mailer.from, to: input.to, subject: mail.subject, text: mail.text, html: mail.html,
    headers: { 'X-Billwise-Template': input.template },
  });
  const list = (l: ReadonlyArray<string | { address: string }> | undefined) => (l ?? []).map((a) => (typeof a === 'string' ? a : a.address));
  return { messageId: info.messageId, accepted: list(info.accepted), rejected: list(info.rejected) };
}
