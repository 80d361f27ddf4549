/**
 * E-mailing an invoice (청구 발송): renders its PDF, mails it (server/mail) and records
 * sentAt/sentTo. One operation for `POST /invoices/{id}/send` and the bulk action.
 */
import type { Ctx } from '../lib/context';
import { conflict, ServiceError } from '../lib/errors';
import { invoiceDocument } from './document';
import { markSent } from './invoices';
import { renderInvoicePdf } from './render/pdf';
import { mailerFromEnv, sendInvoiceEmail } from '../mail';

export async function sendInvoice(ctx: Ctx, id: string, toOverride?: string) {
  const { doc, email } = await invoiceDocument(ctx, id);
  if (doc.status === 'draft' || doc.status === 'void') throw conflict(`A ${doc.status} invoice is not sent; finalize it first`);
  // Without a mail server nothing can be sent to anyone: say that before asking for an address.
  const mailer = mailerFromEnv();
  if (!mailer) throw new ServiceError('EMAIL_NOT_CONFIGURED', 'E-mail is not configured (SMTP_HOST and MAIL_FROM are unset); download the PDF instead');
  const to = toOverride ?? email;
  if (!to) { mailer.close(); throw conflict('The payer has no e-mail address; pass "to"'); }
  let r: Awaited<ReturnType<typeof sendInvoiceEmail>>;
  try {
    r = await sendInvoiceEmail(mailer, { to, doc, pdf: await renderInvoicePdf(doc), locale: doc.locale });
  } catch (err) {
    // The mail server refused or could not be reached: nothing is recorded as sent.
    throw new ServiceError('EMAIL_FAILED', `The mail server did not accept the message: ${(err as Error).message}`);
  } finally {
    mailer.close();
  }
  await markSent(ctx, id, to);
  return { sentTo: to, accepted: r.accepted, rejected: r.rejected, messageId: r.messageId };
}
