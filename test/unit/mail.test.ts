/**
 * Invoice e-mail through a real SMTP conversation: an `smtp-server` on loopback (random port, no
 * TLS, AUTH accepted in plain text because it is loopback) receives what `sendInvoiceEmail`
 * sends; the raw message is parsed with mailparser and checked like a mail client would.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../server/invoices/render/pdf';
import { sampleInvoiceKo } from '../../server/invoices/render/sample';
import { composeInvoiceEmail, createMailer, mailerFromEnv, sendInvoiceEmail, type Mailer } from '../../server/mail';

interface Received {
  from: string;
  rcptTo: string[];
  user?: string;
  raw: Buffer;
}

const received: Received[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'billing' && auth.password === 'secret') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@blocked.test')) cb(new Error('mailbox unavailable'));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function mailer(pass = 'secret'): Mailer {
  return createMailer({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user: 'billing', pass },
    from: 'Billwise <billing@billwise.test>',
  });
}

describe('sendInvoiceEmail over SMTP', () => {
  const doc = sampleInvoiceKo();
  let pdf: Buffer;
  let result: Awaited<ReturnType<typeof sendInvoiceEmail>>;
  let msg: ParsedMail;
  let got: Received;

  beforeAll(async () => {
    pdf = await renderInvoicePdf(doc);
    const m = mailer();
    const before = received.length;
    result = await sendInvoiceEmail(m, {
      to: 'finance@growingsalon.example',
      cc: ['ceo@growingsalon.example', 'nobody@blocked.test'],
      doc,
      pdf,
      locale: 'ko',
    });
    m.close();
    expect(received.length).toBe(before + 1);
    got = received[received.length - 1];
    msg = await simpleParser(got.raw);
  });

  it('reports what the relay accepted and refused', () => {
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(result.accepted.sort()).toEqual(['ceo@growingsalon.example', 'finance@growingsalon.example']);
    expect(result.rejected).toEqual(['nobody@blocked.test']);
    expect(msg.messageId).toBe(result.messageId);
  });

  it('authenticates and uses the configured envelope', () => {
    expect(got.user).toBe('billing');
    expect(got.from).toBe('billing@billwise.test');
    expect(got.rcptTo.sort()).toEqual(['ceo@growingsalon.example', 'finance@growingsalon.example']);
  });

  it('has the Korean subject and the amount due and due date in both bodies', () => {
    expect(msg.subject).toBe('[빌와이즈] 2025년 5월 청구서 INV-2025-000123 안내');
    expect(msg.to && !Array.isArray(msg.to) ? msg.to.value.map((a) => a.address) : []).toEqual(['finance@growingsalon.example']);
    expect(msg.text).toContain('청구 금액: ₩33,000');
    expect(msg.text).toContain('납부기한: 2025.06.05');
    expect(msg.text).toContain('가상계좌: 신한은행 562-123-456789');
    expect(msg.html).toContain('₩33,000');
    expect(msg.html).toContain('주식회사 그로잉살롱 고객님');
  });

  it('attaches the PDF as <number>.pdf, byte for byte', () => {
    expect(msg.attachments).toHaveLength(1);
    const a = msg.attachments[0];
    expect(a.contentType).toBe('application/pdf');
    expect(a.filename).toBe('INV-2025-000123.pdf');
    expect(a.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.content.equals(pdf)).toBe(true);
    // mailparser guesses a type from the file name for octet-stream parts, so read the part's
    // own headers too: the sender must declare application/pdf.
    const head = got.raw.toString('latin1');
    expect(head).toMatch(/Content-Type: application\/pdf;\s*name="?INV-2025-000123\.pdf"?/i);
    expect(head).toMatch(/Content-Disposition: attachment;\s*filename="?INV-2025-000123\.pdf"?/i);
  });

  it('fails loudly when the relay refuses the credentials', async () => {
    const m = mailer('wrong');
    const before = received.length;
    await expect(
      sendInvoiceEmail(m, { to: 'finance@growingsalon.example', doc, pdf, locale: 'ko' }),
    ).rejects.toThrow(/Invalid username or password|EAUTH|auth/i);
    m.close();
    expect(received.length).toBe(before);
  });
});

describe('composeInvoiceEmail', () => {
  it('writes English and escapes names in HTML', () => {
    const doc = sampleInvoiceKo({ buyer: { name: 'Kim <script>alert(1)</script> & Co' }, currency: 'USD', amountDue: '19.8' });
    const mail = composeInvoiceEmail(doc, 'en');
    expect(mail.subject).toBe('[Billwise] Your May 2025 invoice INV-2025-000123');
    expect(mail.text).toContain('Amount due: $19.80');
    expect(mail.text).toContain('Due date: Jun 5, 2025');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Kim &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('announces a paid invoice as paid, without a due date', () => {
    const mail = composeInvoiceEmail(sampleInvoiceKo({ status: 'paid', amountDue: '0' }), 'ko');
    expect(mail.subject).toBe('[빌와이즈] 2025년 5월 청구서 INV-2025-000123 결제 완료 안내');
    expect(mail.text).toContain('결제 금액: ₩33,000');
    expect(mail.text).not.toContain('납부기한');
  });
});

describe('mailerFromEnv', () => {
  it('returns null when SMTP_HOST is unset, so callers can say e-mail is not configured', () => {
    expect(mailerFromEnv({})).toBeNull();
    expect(mailerFromEnv({ SMTP_HOST: '  ', MAIL_FROM: 'a@b.test' })).toBeNull();
  });

  it('reads host, port, TLS mode, credentials and sender', () => {
    const m = mailerFromEnv({
      SMTP_HOST: 'smtp.example.test',
      SMTP_SECURE: 'true',
      SMTP_USER: 'u',
      SMTP_PASS: 'p',
      MAIL_FROM: 'Billwise <billing@example.test>',
    });
    expect(m).not.toBeNull();
    const opts = m!.transporter.options as { host?: string; port?: number; secure?: boolean; auth?: { user: string } };
    expect(opts).toMatchObject({ host: 'smtp.example.test', port: 465, secure: true, auth: { user: 'u' } });
    expect(m!.from).toBe('Billwise <billing@example.test>');
    m!.close();
    const plain = mailerFromEnv({ SMTP_HOST: 'h', SMTP_PORT: '2525', MAIL_FROM: 'x@y.test' })!;
    expect(plain.transporter.options).toMatchObject({ port: 2525, secure: false });
    plain.close();
  });

  it('rejects a half configuration instead of guessing', () => {
    expect(() => mailerFromEnv({ SMTP_HOST: 'h' })).toThrow(/MAIL_FROM/);
    expect(() => mailerFromEnv({ SMTP_HOST: 'h', SMTP_PORT: 'abc', MAIL_FROM: 'x@y.test' })).toThrow(/SMTP_PORT/);
  });
});
