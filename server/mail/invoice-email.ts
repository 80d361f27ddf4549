/**
 * The invoice e-mail (청구 발송): subject, plain-text and HTML bodies in ko/en with the amount
 * due and due date, and the invoice PDF attached as `<number>.pdf`. `composeInvoiceEmail` is
 * pure (tested without a server); `sendInvoiceEmail` hands the result to SMTP.
 */
import type { Mailer } from './mailer';
import {
  formatBillingMonth,
  formatDate,
  formatMoney,
  formatPeriod,
} from '../invoices/render/format';
import type { InvoiceDocument, InvoiceLocale } from '../invoices/render/types';

export interface InvoiceEmailInput {
  to: string | string[];
  cc?: string | string[];
  doc: InvoiceDocument;
  pdf: Buffer;
  locale: InvoiceLocale;
}

export interface SendResult {
  messageId: string;
  /** Recipient addresses the relay accepted / refused. */
  accepted: string[];
  rejected: string[];
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  filename: string;
}

const BRAND: Record<InvoiceLocale, string> = { ko: '빌와이즈', en: 'Billwise' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Keeps the attachment name a plain file name whatever the numbering scheme produces. */
export function attachmentName(number: string): string {
  return `${number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
}

export function composeInvoiceEmail(doc: InvoiceDocument, locale: InvoiceLocale): ComposedEmail {
  const month = formatBillingMonth(doc.period, locale);
  const paid = doc.status === 'paid';
  const amount = formatMoney(paid ? doc.total : doc.amountDue, doc.currency, locale);
  const due = formatDate(doc.dueDate, locale);
  const period = formatPeriod(doc.period, locale);

  const ko = locale === 'ko';
  const subject = ko
    ? `[${BRAND.ko}] ${month} 청구서 ${doc.number} ${paid ? '결제 완료 안내' : '안내'}`
    : `[${BRAND.en}] Your ${month} invoice ${doc.number}${paid ? ' (paid)' : ''}`;
  const greeting = ko ? `${doc.buyer.name} 고객님, 안녕하세요.` : `Dear ${doc.buyer.name},`;
  const intro = ko
    ? paid
      ? `${month} 이용분 청구서(${doc.number})의 결제가 완료되었습니다. 감사합니다.`
      : `${month} 이용분 청구서(${doc.number})를 보내드립니다.`
    : paid
      ? `Thank you: invoice ${doc.number} for ${month} has been paid.`
      : `Please find attached invoice ${doc.number} for ${month}.`;
  const facts: Array<[string, string]> = ko
    ? [
        [paid ? '결제 금액' : '청구 금액', amount],
        ...(paid ? [] : ([['납부기한', due]] as Array<[string, string]>)),
        ['이용기간', period],
      ]
    : [
        [paid ? 'Amount paid' : 'Amount due', amount],
        ...(paid ? [] : ([['Due date', due]] as Array<[string, string]>)),
        ['Service period', period],
      ];
  const howToPay = !paid && doc.paymentInstructions ? doc.paymentInstructions : undefined;
  const howToPayTitle = ko ? '납부 안내' : 'How to pay';
  const closing = ko
    ? '청구서 PDF를 첨부하였습니다. 문의 사항은 이 메일에 회신해 주세요.'
    : 'The invoice is attached as a PDF. Reply to this e-mail with any questions.';

  const text = [
    greeting,
    '',
    intro,
    '',
    ...facts.map(([k, v]) => `  ${k}: ${v}`),
    ...(howToPay ? ['', `${howToPayTitle}:`, howToPay] : []),
    '',
    closing,
    '',
    doc.seller.name,
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif; color: #1f2933; line-height: 1.5;">
<p>${e(greeting)}</p>
<p>${e(intro)}</p>
<table style="border-collapse: collapse; margin: 12px 0;">
${facts.map(([k, v], i) => `<tr><td style="padding: 4px 16px 4px 0; color: #6b7280;">${e(k)}</td><td style="padding: 4px 0;${i === 0 ? ' font-weight: bold; font-size: 1.2em; color: #1e3a8a;' : ''}">${e(v)}</td></tr>`).join('\n')}
</table>
${howToPay ? `<p><strong>${e(howToPayTitle)}</strong><br>${e(howToPay).replace(/\n/g, '<br>')}</p>\n` : ''}<p>${e(closing)}</p>
<p style="color: #6b7280;">${e(doc.seller.name)}</p>
</body></html>
`;
  return { subject, text, html, filename: attachmentName(doc.number) };
}

function addresses(list: ReadonlyArray<string | { address: string }> | undefined): string[] {
  return (list ?? []).map((a) => (typeof a === 'string' ? a : a.address));
}

export async function sendInvoiceEmail(mailer: Mailer, input: InvoiceEmailInput): Promise<SendResult> {
  const mail = composeInvoiceEmail(input.doc, input.locale);
  const info = await mailer.transporter.sendMail({
    from: mailer.from,
    to: input.to,
    cc: input.cc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: [{ filename: mail.filename, content: input.pdf, contentType: 'application/pdf' }],
  });
  return { messageId: info.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
}
