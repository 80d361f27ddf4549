/**
 * SMTP configuration. A `Mailer` is a nodemailer transporter plus the sender address; build one
 * with `createMailer` (explicit options, used by tests) or `mailerFromEnv` (the server), which
 * returns null when SMTP is not configured so callers can say "e-mail not configured" instead
 * of pretending to have sent anything.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { ServiceError } from '../lib/errors';

export interface MailerOptions {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS if offered. */
  secure: boolean;
  auth?: { user: string; pass: string };
  /** Sender, e.g. `"Billwise <billing@example.com>"`. */
  from: string;
}

export interface Mailer {
  readonly transporter: Transporter;
  readonly from: string;
  /** Closes the pooled connections (call it when done, or idle connections keep the process alive until the relay drops them). */
  close(): void;
}

export function createMailer(options: MailerOptions): Mailer {
  const transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    auth: options.auth,
    // A pool: a run's reminders go over a few kept-open connections instead of one TCP + SMTP
    // handshake per message (the dunning bench sends tens of thousands).
    pool: true,
    maxConnections: 4,
    maxMessages: Infinity,
    // Fail a send in seconds rather than hanging a request on a dead relay.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return { transporter, from: options.from, close: () => transporter.close() };
}

/** The mailer the environment configures, or null when SMTP_HOST is unset. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer | null {
  const host = env.SMTP_HOST?.trim();
  if (!host) return null;
  const secure = /^(1|true|yes)$/i.test(env.SMTP_SECURE?.trim() ?? '');
  const portText = env.SMTP_PORT?.trim();
  const port = portText ? Number(portText) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ServiceError('INTERNAL', `SMTP_PORT must be a port number, got ${JSON.stringify(portText)}`);
  }
  const from = env.MAIL_FROM?.trim();
  if (!from) throw new ServiceError('INTERNAL', 'MAIL_FROM must be set when SMTP_HOST is set');
  const user = env.SMTP_USER?.trim();
  const auth = user ? { user, pass: env.SMTP_PASS ?? '' } : undefined;
  return createMailer({ host, port, secure, auth, from });
}
