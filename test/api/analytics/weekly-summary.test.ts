/**
 * The weekly summary e-mail, through a real SMTP server on loopback and a frozen clock: the
 * executive turns it on for themselves (an API key cannot), the Monday 08:00 tick (tenant time,
 * Asia/Seoul) enqueues the job, the job mails the week's KPI figures in the user's language with
 * a PDF; a retried job (and a second tick) sends nothing twice; a refused message is sent by
 * the retry; someone who turned it off gets nothing.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeTestApp, DEMO_KEY, type TestApp } from '../../support/app';
import { jobs, users } from '../../../server/db/schema';
import { tickSchedules } from '../../../server/jobs/schedules';
import { drainJobs } from '../../../server/jobs/worker';
import { WEEKLY_SUMMARY_JOB } from '../../../server/analytics/weekly-summary';

let t: TestApp;
let smtp: SMTPServer;
const received: ParsedMail[] = [];
let refuse: string | null = null;
const saved = { ...process.env };
// Monday 2025-03-10 08:00 in Seoul = 2025-03-09 23:00 UTC
let clock = new Date('2025-03-09T23:00:00Z');
const now = () => clock;

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onRcptTo(address, _session, cb) { cb(refuse && address.address === refuse ? new Error('mailbox unavailable') : undefined); },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => { received.push(await simpleParser(Buffer.concat(chunks))); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  Object.assign(process.env, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String((smtp.server.address() as AddressInfo).port), SMTP_SECURE: 'false', MAIL_FROM: 'reports@demo.billwise.dev' });
  t = await makeTestApp({ demoData: true, now });
}, 300_000);
afterAll(async () => {
  process.env = saved;
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const drain = () => drainJobs(t.handle.db, { now, filter: { kinds: [WEEKLY_SUMMARY_JOB] } });
const weeklyJobs = async () => (await t.handle.db.select().from(jobs).where(eq(jobs.kind, WEEKLY_SUMMARY_JOB))).length;

describe('weekly summary e-mail', () => {
  it('is a console user\'s own opt-in: executives turn it on, API keys cannot, support agents may not', async () => {
    const exec = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/analytics/weekly-summary', { cookie: exec })).body).toEqual({ enabled: false, schedule: { day: 1, at: '08:00' } });
    const on = await t.call('PUT', '/api/v1/analytics/weekly-summary', { cookie: exec, body: { enabled: true } });
    expect(on.status).toBe(200);
    expect(on.body.enabled).toBe(true);
    const key = await t.call('PUT', '/api/v1/analytics/weekly-summary', { key: DEMO_KEY, body: { enabled: true } });
    expect(key.status).toBe(409);
    const support = await t.call('PUT', '/api/v1/analytics/weekly-summary', { cookie: await t.login('support@demo.billwise.dev'), body: { enabled: true } });
    expect(support.status).toBe(403);
    const bad = await t.call('PUT', '/api/v1/analytics/weekly-summary', { cookie: exec, body: { enabled: 'yes' } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(['enabled']);
    // the admin (English) opts in too, and is refused by the mail server the first time
    const admin = await t.login('admin@demo.billwise.dev');
    await t.call('PUT', '/api/v1/analytics/weekly-summary', { cookie: admin, body: { enabled: true } });
    await t.handle.db.update(users).set({ locale: 'en' }).where(eq(users.email, 'admin@demo.billwise.dev'));
    const audit = await t.call('GET', '/api/v1/audit-log?action=analytics.weekly_summary.enable', { key: DEMO_KEY });
    expect(audit.body.data.length).toBe(2);
  });

  it('goes out on Monday 08:00 tenant time with the KPI figures and a PDF, in each user\'s language, once per week', async () => {
    clock = new Date('2025-03-09T22:59:00Z'); // Seoul Mon 07:59
    await tickSchedules(t.handle.db, clock);
    expect(await weeklyJobs()).toBe(0);
    clock = new Date('2025-03-09T23:00:00Z');
    await tickSchedules(t.handle.db, clock);
    expect(await weeklyJobs()).toBe(1);
    refuse = 'admin@demo.billwise.dev';
    // the admin's message is refused: the job fails (to be retried), the executive's went out
    await expect(drain()).rejects.toThrow(/admin@demo\.billwise\.dev/);
    // the week that ended: Monday 3 to Sunday 9 March
    expect(received.map((m) => m.subject)).toEqual(['[빌와이즈] 빌와이즈 데모 (Billwise Demo) 주간 경영 요약 (2025.03.03 ~ 2025.03.09)']);
    const ko = received[0];
    expect(ko.to && 'text' in ko.to ? ko.to.text : '').toContain('exec@demo.billwise.dev');
    expect(ko.text).toContain('MRR:');
    expect(ko.text).toContain('[KRW]');
    const pdf = ko.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toBe('weekly-summary-2025-03-03.pdf');
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');

    refuse = null;
    await t.handle.db.update(jobs).set({ runAt: new Date(0) }).where(eq(jobs.kind, WEEKLY_SUMMARY_JOB));
    await drain(); // the retry sends the admin's, not the executive's again
    expect(received.map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['exec@demo.billwise.dev', 'admin@demo.billwise.dev']);
    expect(received[1].subject).toMatch(/^\[Billwise\] .* weekly summary \(/);
    expect(received[1].text).toContain('Collected this week:');

    clock = new Date('2025-03-10T05:00:00Z'); // later on the same Monday: no new job, nothing sent
    await tickSchedules(t.handle.db, clock);
    await drain();
    expect(received).toHaveLength(2);
  });

  it('stops when the user turns it off', async () => {
    await t.call('PUT', '/api/v1/analytics/weekly-summary', { cookie: await t.login('admin@demo.billwise.dev'), body: { enabled: false } });
    clock = new Date('2025-03-16T23:30:00Z'); // next Monday in Seoul
    await tickSchedules(t.handle.db, clock);
    await drain();
    expect(received.slice(2).map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['exec@demo.billwise.dev']);
  });
});
