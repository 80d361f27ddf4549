import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

/**
 * POST /invoices/{id}/send through a real SMTP server on loopback: the message arrives with the
 * invoice PDF attached, and the invoice records when and to whom it was sent.
 */
let t: TestApp;
let smtp: SMTPServer;
const received: Buffer[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { received.push(Buffer.concat(chunks)); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  process.env.SMTP_HOST = '127.0.0.1';
  process.env.SMTP_PORT = String((smtp.server.address() as AddressInfo).port);
  process.env.SMTP_SECURE = 'false';
  process.env.MAIL_FROM = 'billing@demo.billwise.dev';
  t = await makeTestApp({ demoData: true });
});
afterAll(async () => {
  process.env = saved;
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('sending an invoice by e-mail', () => {
  it('delivers the PDF over SMTP and records sentAt and sentTo', async () => {
    const list = await t.call('GET', '/api/v1/invoices?status=finalized&limit=1', { key: DEMO_KEY });
    expect(list.status).toBe(200);
    const inv = list.body.data[0];
    expect(inv).toBeTruthy();
    const r = await t.call('POST', `/api/v1/invoices/${inv.id}/send`, { key: DEMO_KEY, body: { to: 'payer@example.test' } });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toEqual(['payer@example.test']);
    expect(received).toHaveLength(1);
    const mail = await simpleParser(received[0]);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('payer@example.test');
    const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toBe(`${inv.number}.pdf`);
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
    const after = await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: DEMO_KEY });
    expect(after.body.sentTo).toBe('payer@example.test');
    expect(after.body.sentAt).toBeTruthy();
  });

  it('answers a bad address with a 422 naming the field, and sends nothing', async () => {
    const inv = (await t.call('GET', '/api/v1/invoices?status=finalized&limit=1', { key: DEMO_KEY })).body.data[0];
    const r = await t.call('POST', `/api/v1/invoices/${inv.id}/send`, { key: DEMO_KEY, body: { to: 'not-an-address' } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('to');
    expect(received).toHaveLength(1);
  });

  it('refuses to send a draft', async () => {
    const draft = (await t.call('GET', '/api/v1/invoices?status=draft&limit=1', { key: DEMO_KEY })).body.data[0];
    expect(draft).toBeTruthy();
    const r = await t.call('POST', `/api/v1/invoices/${draft.id}/send`, { key: DEMO_KEY, body: {} });
    expect(r.status).toBe(409);
  });
});

describe('without SMTP', () => {
  it('answers EMAIL_NOT_CONFIGURED and records nothing', async () => {
    const host = process.env.SMTP_HOST;
    delete process.env.SMTP_HOST;
    try {
      const inv = (await t.call('GET', '/api/v1/invoices?status=finalized&limit=5', { key: DEMO_KEY })).body.data.find((i: any) => !i.sentAt);
      const r = await t.call('POST', `/api/v1/invoices/${inv.id}/send`, { key: DEMO_KEY, body: { to: 'x@example.test' } });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('EMAIL_NOT_CONFIGURED');
      expect((await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: DEMO_KEY })).body.sentAt).toBeNull();
    } finally {
      process.env.SMTP_HOST = host;
    }
  });
});

describe('when the mail server is down', () => {
  it('answers 502 EMAIL_FAILED and records nothing as sent', async () => {
    const port = process.env.SMTP_PORT;
    process.env.SMTP_PORT = '9'; // discard port: nothing listens there on loopback
    try {
      const inv = (await t.call('GET', '/api/v1/invoices?status=finalized&limit=10', { key: DEMO_KEY })).body.data.find((i: any) => !i.sentAt);
      const r = await t.call('POST', `/api/v1/invoices/${inv.id}/send`, { key: DEMO_KEY, body: { to: 'x@example.test' } });
      expect(r.status).toBe(502);
      expect(r.body.code).toBe('EMAIL_FAILED');
      expect((await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: DEMO_KEY })).body.sentAt).toBeNull();
    } finally {
      process.env.SMTP_PORT = port;
    }
  });
});
