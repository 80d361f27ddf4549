/**
 * The weekly summary survives a real kill (test/support/weekly-killer.ts): a worker process that
 * dies after claiming a user's weekly send and before the mail server accepted it loses nothing
 * (the next worker sends it, once); one that dies after the send was recorded but before the job
 * was marked done does not make the next worker send it again. Real SMTP server on loopback, real
 * worker processes, a 1.5 s lease. On PGlite the data directory is single-writer, so the parent
 * closes its handle while a child runs (as test/api/collect-kill.test.ts does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { and, eq } from 'drizzle-orm';
import { processDb, type ProcessDb } from '../../support/process-db';
import { onboardTenant } from '../../../server/tenants/onboard';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { jobs, users, weeklySummaryOptIns, weeklySummarySends } from '../../../server/db/schema';
import { enqueue } from '../../../server/jobs/queue';
import { WEEKLY_SUMMARY_JOB } from '../../../server/analytics/weekly-summary';

const PG = process.env.TEST_DATABASE_URL;
let shared: ProcessDb | null = null;
let smtp: SMTPServer;
const received: ParsedMail[] = [];
let env: Record<string, string>;

function run(script: string, extra: Record<string, string> = {}): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', script], { env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('exit', (code, signal) => resolve({ out, code, signal }));
  });
}

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => { received.push(await simpleParser(Buffer.concat(chunks))); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await shared?.drop();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('a worker killed during the weekly summary send', () => {
  it('before SMTP: the next worker sends it; after the commit: nobody sends it again', async () => {
    shared = await processDb('wkill');
    env = { ...shared.env, JOB_LEASE_MS: '1500', WORKER_EXIT_WHEN_IDLE: '1', SMTP_HOST: '127.0.0.1', SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      SMTP_SECURE: 'false', MAIL_FROM: 'reports@wkill.test' };
    let h = await shared.open();
    await h.migrate();
    const boot = systemCtx(h.db, '', PERMISSION_CODES);
    const r = await onboardTenant({ ctx: boot, input: { code: 'wkill', name: 'Kill Weekly', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up',
      admin: { email: 'boss@wkill.test', name: 'Boss', password: 'kill-pass-1' } } });
    const tenantId = r.tenant.id;
    const [boss] = await h.db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.email, 'boss@wkill.test')));
    await h.db.insert(weeklySummaryOptIns).values({ tenantId, userId: boss.id });
    // the week of Monday 2025-03-03, due on Monday 2025-03-10
    await enqueue(h.db, [{ tenantId, kind: WEEKLY_SUMMARY_JOB, payload: { tenantId, localDate: '2025-03-10' }, dedupeKey: `test:weekly:${tenantId}` }]);
    const ours = () => received.filter((m) => m.attachments.some((a) => a.filename === 'weekly-summary-2025-03-03.pdf') && (m.to as { text: string }).text.includes('boss@wkill.test'));
    // this week's sends only: the real worker below also runs the schedules, and on a Monday after the summary's hour it sends the current week too
    const sends = async () => h.db.select().from(weeklySummarySends).where(and(eq(weeklySummarySends.tenantId, tenantId), eq(weeklySummarySends.weekStart, '2025-03-03')));
    if (!PG) await h.close();

    const first = await run('test/support/weekly-killer.ts', { WEEKLY_KILL: 'before-send' });
    expect(first.out).toContain('[kill] claimed the send to boss@wkill.test');
    expect(first.signal ?? first.code).not.toBe(0);
    if (!PG) h = await shared.open();
    expect(ours()).toHaveLength(0);
    expect(await sends()).toHaveLength(0); // the claim died with the worker's transaction
    if (!PG) await h.close();

    const second = await run('test/support/weekly-killer.ts', { WEEKLY_KILL: 'after-commit' });
    expect(second.out, second.out.slice(-2000)).toContain('[kill] sent to boss@wkill.test and recorded');
    if (!PG) h = await shared.open();
    expect(ours()).toHaveLength(1); // the week's mail was not lost
    const [row] = await sends();
    expect(row.weekStart).toBe('2025-03-03');
    expect(row.messageId).toBeTruthy();
    const [job] = await h.db.select().from(jobs).where(eq(jobs.dedupeKey, `test:weekly:${tenantId}`));
    expect(job.status).toBe('running'); // the killed worker never marked it done
    if (!PG) await h.close();

    const third = await run('server/jobs/worker-main.ts');
    expect(third.code, third.out.slice(-2000)).toBe(0);
    if (!PG) h = await shared.open();
    const [done] = await h.db.select().from(jobs).where(eq(jobs.dedupeKey, `test:weekly:${tenantId}`));
    expect(done.status).toBe('done');
    expect(ours()).toHaveLength(1); // and not sent twice
    expect(await sends()).toHaveLength(1);
    await h.close();
  }, 240_000);
});
