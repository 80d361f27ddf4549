/**
 * Reminders through the outbox: the daily run writes one outbox row per reminder with its claim
 * and sends nothing itself; the `dunning.outbox` sender e-mails them over SMTP (a real peer on
 * loopback), retries a transient failure with back-off, records a permanent one on the timeline
 * for the next day's run, and sends each row at most once; a second run of the same day writes no
 * new step, outbox row, audit row or e-mail.
 */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { runDunning } from '../../server/dunning/run';
import { sendOutbox, MAX_TRIES } from '../../server/dunning/outbox-send';
import { DUNNING_OUTBOX } from '../../server/dunning/outbox';
import { createMailer } from '../../server/mail';
import { auditLog, dunningActions, dunningOutbox, dunningTimeline, jobs } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let smtp: SMTPServer;
let port: number;
let deadPort: number;
const received: string[] = [];
const inv: Record<string, any> = {};
let now = new Date('2025-04-01T14:00:00Z');
const clock = () => now;
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const REMIND = { id: 'remind-3', name: 'remind', kind: 'dunning', conditions: { all: [{ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: 3 }] },
  event: { type: 'dunning', params: { action: 'remind' } } };
const count = async (table: any) => Number((await t.handle.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.tenantId, one.tenantId)))[0].n);
const outbox = () => t.handle.db.select().from(dunningOutbox).where(eq(dunningOutbox.tenantId, one.tenantId));

beforeAll(async () => {
  smtp = new SMTPServer({ secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onData(stream, s, cb) { stream.on('data', () => {}); stream.on('end', () => { received.push(s.envelope.rcptTo.map((r) => r.address).join(',')); cb(); }); } });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  port = (smtp.server.address() as AddressInfo).port;
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  deadPort = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r())); // nobody listens there now: connection refused
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dbox');
  c = (await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('PATCH', `/customers/${c[0]}`, { email: 'c0@box.test' })).status).toBe(200);
  expect((await call('PATCH', `/customers/${c[1]}`, { email: 'c1@box.test' })).status).toBe(200);
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=10')).body.data) inv[`c${c.indexOf(i.customerId)}`] = (await call('POST', `/invoices/${i.id}/finalize`)).body;
  expect((await call('POST', '/rules', { document: REMIND })).status).toBe(201);
  expect((await call('POST', `/rules/${REMIND.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  now = new Date('2025-04-20T14:00:00Z'); // 5 days after the due date 2025-04-15
}, 300_000);
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('the reminder outbox', () => {
  it('the run queues one outbox row per reminder with its step and a sender job, and sends nothing itself; the same day again adds nothing', async () => {
    const s = await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
    expect(s).toMatchObject({ invoices: 3, queued: 3, acted: 0 });
    const rows = await outbox();
    expect(rows.map((r) => [r.status, r.attempt, r.tries]).sort()).toEqual([['pending', 1, 0], ['pending', 1, 0], ['pending', 1, 0]]);
    const steps = await t.handle.db.select().from(dunningActions).where(eq(dunningActions.tenantId, one.tenantId));
    expect(steps.map((x) => x.status)).toEqual(['queued', 'queued', 'queued']);
    expect(new Set(rows.map((r) => r.actionId))).toEqual(new Set(steps.map((x) => x.id)));
    expect(await t.handle.db.select().from(jobs).where(and(eq(jobs.tenantId, one.tenantId), eq(jobs.kind, DUNNING_OUTBOX)))).toHaveLength(1);
    expect(received).toEqual([]);

    const before = { steps: await count(dunningActions), box: await count(dunningOutbox), audit: await count(auditLog), timeline: await count(dunningTimeline) };
    const again = await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
    expect(again).toMatchObject({ invoices: 3, queued: 0, acted: 0, failed: 0 });
    expect({ steps: await count(dunningActions), box: await count(dunningOutbox), audit: await count(auditLog), timeline: await count(dunningTimeline) }).toEqual(before);
  });

  it('a transient SMTP failure waits for its back-off; a permanent one (no address) fails on the timeline for the next day', async () => {
    const down = createMailer({ host: '127.0.0.1', port: deadPort, secure: false, from: 'billing@box.test' });
    try {
      expect(await sendOutbox({ db: t.handle.db, tenantId: one.tenantId, now: clock, mailer: down })).toEqual({ sent: 0, failed: 1, retrying: 2 });
    } finally { down.close(); }
    const rows = await outbox();
    const waiting = rows.filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(2);
    for (const r of waiting) { expect(r.tries).toBe(1); expect(r.nextAttemptAt.getTime()).toBe(now.getTime() + 60_000); }
    const c2 = (await call('GET', `/dunning/invoices/${inv.c2.id}`)).body;
    expect(c2.steps[0]).toMatchObject({ status: 'failed', error: 'the payer has no e-mail address' });
    expect(c2.timeline[0]).toMatchObject({ decision: 'failed', ruleCode: 'remind-3', reason: 'the payer has no e-mail address; retried on the next run day' });
    // A follow-up sender is queued for when the back-off ends.
    const follow = await t.handle.db.select().from(jobs).where(and(eq(jobs.tenantId, one.tenantId), eq(jobs.kind, DUNNING_OUTBOX)));
    expect(follow.some((j) => j.runAt.getTime() === now.getTime() + 60_000)).toBe(true);
    expect(MAX_TRIES).toBeGreaterThan(1);
  });

  it('after the back-off the sink gets each reminder once, recorded on the timeline; sending again sends nothing', async () => {
    const up = createMailer({ host: '127.0.0.1', port, secure: false, from: 'billing@box.test' });
    try {
      expect(await sendOutbox({ db: t.handle.db, tenantId: one.tenantId, now: clock, mailer: up })).toEqual({ sent: 0, failed: 0, retrying: 0 }); // not due yet
      now = new Date(now.getTime() + 2 * 60_000);
      expect(await sendOutbox({ db: t.handle.db, tenantId: one.tenantId, now: clock, mailer: up })).toEqual({ sent: 2, failed: 0, retrying: 0 });
      expect(await sendOutbox({ db: t.handle.db, tenantId: one.tenantId, now: clock, mailer: up })).toEqual({ sent: 0, failed: 0, retrying: 0 });
    } finally { up.close(); }
    expect(received.sort()).toEqual(['c0@box.test', 'c1@box.test']);
    const d = (await call('GET', `/dunning/invoices/${inv.c0.id}`)).body;
    expect(d.steps[0]).toMatchObject({ status: 'done', result: { to: 'c0@box.test' } });
    expect(d.timeline[0]).toMatchObject({ decision: 'acted', ruleCode: 'remind-3', runDate: '2025-04-20', facts: { 'invoice.daysOverdue': 5 } });
    expect((await outbox()).map((r) => r.status).sort()).toEqual(['failed', 'sent', 'sent']);
  });

  it('the next day the failed reminder is queued again as a new outbox row (attempt 2), and a row left sending by a dead sender is never resent', async () => {
    // c0's step as a sender that died during its call would leave it.
    const [c0step] = await t.handle.db.select().from(dunningActions).where(eq(dunningActions.invoiceId, inv.c0.id));
    await t.handle.db.update(dunningActions).set({ status: 'sending' }).where(eq(dunningActions.id, c0step.id));
    await t.handle.db.update(dunningOutbox).set({ status: 'sending' }).where(eq(dunningOutbox.actionId, c0step.id));
    expect((await call('PATCH', `/customers/${c[2]}`, { email: 'c2@box.test' })).status).toBe(200);
    now = new Date('2025-04-21T14:00:00Z');
    const s = await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
    expect(s.queued).toBe(1);
    const up = createMailer({ host: '127.0.0.1', port, secure: false, from: 'billing@box.test' });
    try {
      expect(await sendOutbox({ db: t.handle.db, tenantId: one.tenantId, now: clock, mailer: up })).toEqual({ sent: 1, failed: 0, retrying: 0 });
    } finally { up.close(); }
    expect(received.sort()).toEqual(['c0@box.test', 'c1@box.test', 'c2@box.test']);
    const c2rows = (await outbox()).filter((r) => r.invoiceId === inv.c2.id).map((r) => [r.attempt, r.status]).sort();
    expect(c2rows).toEqual([[1, 'failed'], [2, 'sent']]);
    const c0 = (await call('GET', `/dunning/invoices/${inv.c0.id}`)).body;
    expect(c0.steps[0].status).toBe('unknown');
    expect((await outbox()).find((r) => r.actionId === c0step.id)!.status).toBe('unknown');
  });
});
