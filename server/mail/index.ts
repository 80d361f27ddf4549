export { createMailer, mailerFromEnv, type Mailer, type MailerOptions } from './mailer';
export {
  attachmentName,
  composeInvoiceEmail,
  sendInvoiceEmail,
  type ComposedEmail,
  type InvoiceEmailInput,
  type SendResult,
} from './invoice-email';
export { composeReminderEmail, sendReminderEmail, type ReminderInput, type ReminderInvoice } from './reminder-email';
