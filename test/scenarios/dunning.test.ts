/**
 * Sixty days of dunning with a frozen clock, through the daily schedule and the job queue as
 * production runs it (tickSchedules at 10:00 New York time, then the worker drains), with a real
 * SMTP peer on loopback. Day 0 is the due date, 2025-04-15. The policy: a reminder from day 3,
 * payment retries on days 5 and 10, a late fee on day 15 (2% a month prorated, cap 10.00),
 * suspension on day 30, and "public institutions: reminders only" as an exclusion rule.
 * Customers (USD, fx-basic 31.00 + VAT 3.10 = 34.10 for March):
 *   c0 pays nothing until day 33, when it pays everything owed;
 *   c1's payer is excluded (미납 제외 대상);  c2 is a public institution;
 *   c3 has no e-mail address until day 4 (its reminder fails on day 3 and is sent on day 4).
 * On day 3 a run is killed after its first invoice and the scheduled run resumes it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { tickSchedules } from '../../server/jobs/schedules';
import { runDunning } from '../../server/dunning/run';
import { DUNNING_DAILY } from '../../server/dunning/job';
import { DUNNING_OUTBOX } from '../../server/dunning/outbox';
import { addDays } from '../../server/lib/dates';
import { billingWorld } from './fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let smtp: SMTPServer;
const saved = { ...process.env };
const DUE = '2025-04-15';
let now = new Date('2025-04-01T14:00:00Z');
const clock = () => now;
const setDay = (d: number) => { now = new Date(`${addDays(DUE, d)}T14:00:00Z`); }; // 10:00 in New York (EDT)
let day = -1;
const mails: { day: number; raw: Buffer }[] = [];
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
let c: string[];
let payerId: string;
const inv: Record<string, any> = {};
const states: Record<number, Record<string, string>> = {};

const rule = (id: string, priority: number, all: unknown[], params: Record<string, unknown>) =>
  ({ id, name: id, kind: 'dunning', priority, conditions: { all }, event: { type: 'dunning', params } });
const overdue = (n: number) => ({ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: n });
const POLICY = [
  rule('public-reminders-only', 100, [{ fact: 'customer.type', operator: 'equal', value: 'public' }], { action: 'exclude', reason: 'public institutions pay after their budget cycle', allowActions: ['remind'] }),
  rule('remind-3', 50, [overdue(3)], { action: 'remind', template: 'overdue' }),
  rule('retry-5', 40, [overdue(5)], { action: 'retry_payment' }),
  rule('retry-10', 40, [overdue(10)], { action: 'retry_payment' }),
  rule('fee-15', 30, [overdue(15)], { action: 'late_fee', percent: '2', cap: '10.00' }),
  rule('suspend-30', 20, [overdue(30), { fact: 'payer.overdueBalance', operator: 'greaterThan', value: 0 }], { action: 'suspend' }),
];

async function runDay(d: number) {
  day = d;
  setDay(d);
  await tickSchedules(t.handle.db, clock());
  await drainJobs(t.handle.db, { now: clock, filter: { kinds: [DUNNING_DAILY, DUNNING_OUTBOX], tenantId: one.tenantId } });
}
const dunning = async (id: string) => (await call('GET', `/dunning/invoices/${id}`)).body;
const mailsTo = async (addr: string) => {
  const out: { day: number; subject: string; pdf: boolean; body: string }[] = [];
  for (const m of mails) {
    const p = await simpleParser(m.raw);
    const body = `${p.text ?? ''}\n${typeof p.html === 'string' ? p.html : ''}`; // decoded: quoted-printable may wrap a long link anywhere
    if (p.to && 'text' in p.to && p.to.text.includes(addr)) out.push({ day: m.day, subject: p.subject ?? '', pdf: p.attachments.some((a) => a.contentType === 'application/pdf'), body });
  }
  return out;
};

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onData(stream, _s, cb) { const ch: Buffer[] = []; stream.on('data', (x: Buffer) => ch.push(x)); stream.on('end', () => { mails.push({ day, raw: Buffer.concat(ch) }); cb(); }); },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  Object.assign(process.env, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String((smtp.server.address() as AddressInfo).port), SMTP_SECURE: 'false', MAIL_FROM: 'billing@dun.test', PAY_LINK_URL: 'https://pay.dun.test/{number}' });
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dun');
  c = (await billingWorld(t.handle.db, one.tenantId, 4, { now: clock, start: '2025-03-01' })).customerIds;
  payerId = (await call('POST', '/payers', { name: 'Excluded payer', email: 'ap@c1.test' })).body.id;
  expect((await call('PATCH', `/customers/${c[0]}`, { email: 'c0@dun.test' })).status).toBe(200);
  expect((await call('PATCH', `/customers/${c[1]}`, { payerId })).status).toBe(200);
  expect((await call('PATCH', `/customers/${c[2]}`, { type: 'public', email: 'c2@dun.test' })).status).toBe(200);
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) {
    const k = `c${c.findIndex((x) => x === i.customerId || (i.payerId === payerId && x === c[1]))}`;
    inv[k] = (await call('POST', `/invoices/${i.id}/finalize`)).body;
  }
  expect(Object.keys(inv).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
  expect(inv.c0).toMatchObject({ dueDate: DUE, total: '34.10' });
  for (const r of POLICY) expect((await call('POST', '/rules', { document: r })).status).toBe(201);
  for (const r of POLICY) expect((await call('POST', `/rules/${r.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  const ex = await call('POST', '/dunning/exclusions', { payerId, reasonCode: 'budget_cycle', note: 'pays after its budget is approved' });
  expect(ex.status).toBe(201);

  for (let d = 0; d <= 60; d++) {
    if (d === 3) {
      // A run killed after its first invoice: the scheduled run of the same day resumes it.
      setDay(3); day = 3;
      await expect(runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock, afterInvoice: (i) => { if (i === 0) throw new Error('killed'); } })).rejects.toThrow('killed');
    }
    if (d === 4) expect((await call('PATCH', `/customers/${c[3]}`, { email: 'c3@dun.test' })).status).toBe(200);
    if (d === 33) {
      setDay(33);
      const owed = (await call('GET', `/invoices?billTo=${c[0]}&limit=10`)).body.data as any[];
      const total = owed.reduce((s, i) => s + Math.round(Number(i.amountDue) * 100), 0); // cents, test arithmetic only
      const p = await call('POST', '/payments', { billTo: c[0], method: 'bank_transfer', amount: (total / 100).toFixed(2), currency: 'USD' });
      expect(p.status).toBe(201);
    }
    await runDay(d);
    if (d === 31) expect((await call('POST', '/dunning/runs', {})).status).toBe(202); // by hand, twice on one day
    if (d === 31) await drainJobs(t.handle.db, { now: clock, filter: { kinds: [DUNNING_DAILY, DUNNING_OUTBOX], tenantId: one.tenantId } });
    states[d] = Object.fromEntries(await Promise.all(c.map(async (id, k) => [`c${k}`, (await call('GET', `/customers/${id}`)).body.status])));
  }
}, 600_000);
afterAll(async () => {
  process.env = saved;
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('sixty days of the standard policy', () => {
  it('reminds once on day 3, in the payer\'s language, with a link to the PDF and the pay link; the fee invoice (due day 29) is reminded on day 32', async () => {
    const m = await mailsTo('c0@dun.test');
    expect(m.map((x) => x.day)).toEqual([3, 32]);
    // The PDF is linked (the pay page serves it under the same signed token), not rendered per reminder.
    expect(m[0].pdf).toBe(false);
    expect(m[0].body).toMatch(/\/pay\/v1\.[^/\s]+\/invoice\.pdf/);
    expect(m[0].subject).toContain(inv.c0.number);
    const fee = (await dunning(inv.c0.id)).steps.find((s: any) => s.action === 'late_fee');
    expect(m[1].subject).toContain(fee.result.feeInvoiceNumber);
    expect(m[0].body).toContain(`pay.dun.test/${inv.c0.number}`);
  });

  it('retries on days 5 and 10 through the gateway seam, recorded as "no automatic method"', async () => {
    const steps = (await dunning(inv.c0.id)).steps.filter((s: any) => s.action === 'retry_payment');
    expect(steps.map((s: any) => [s.ruleCode, s.runDate, s.status, s.result.outcome])).toEqual([
      ['retry-5', addDays(DUE, 5), 'done', 'no_automatic_method'], ['retry-10', addDays(DUE, 10), 'done', 'no_automatic_method']]);
  });

  it('charges a late fee of 0.34 on day 15 as its own invoice (34.10 × 2% × 15/30), once, and it stays billed after payment', async () => {
    const fees = (await dunning(inv.c0.id)).steps.filter((s: any) => s.action === 'late_fee');
    expect(fees.map((s: any) => [s.runDate, s.result.amount])).toEqual([[addDays(DUE, 15), '0.34']]);
    const feeInv = (await call('GET', `/invoices/${fees[0].result.feeInvoiceId}`)).body;
    expect(feeInv).toMatchObject({ total: '0.34', status: 'paid', creditedTotal: '0.00', billTo: c[0] });
  });

  it('suspends on day 30 (orders refused), and the payment on day 33 reinstates', async () => {
    expect(states[29].c0).toBe('active');
    expect(states[30].c0).toBe('suspended');
    expect(states[32].c0).toBe('suspended');
    expect(states[33].c0).toBe('active');
    const d = await dunning(inv.c0.id);
    const susp = d.steps.find((s: any) => s.action === 'suspend');
    expect(susp).toMatchObject({ runDate: addDays(DUE, 30), status: 'done', result: { customers: [c[0]], webhook: 'not_configured' } });
    expect(susp.reversedAt).toBeTruthy();
    expect(d.timeline.some((e: any) => e.decision === 'reinstated' && e.runDate === addDays(DUE, 33))).toBe(true);
    const sub = (await call('GET', `/subscriptions?customerId=${c[0]}`)).body.data[0];
    expect(sub.status).toBe('active');
  });

  it('stores every decision with its rule, version and the facts read', async () => {
    const tl = (await dunning(inv.c0.id)).timeline;
    const reminder = tl.find((e: any) => e.ruleCode === 'remind-3' && e.decision === 'acted');
    expect(reminder).toMatchObject({ ruleVersion: 1, runDate: addDays(DUE, 3), facts: { 'invoice.daysOverdue': 3 } });
    expect(tl.find((e: any) => e.runDate === addDays(DUE, 1))).toMatchObject({ decision: 'no_action', reason: 'no rule fires' });
    expect(tl.find((e: any) => e.runDate === addDays(DUE, 20))).toMatchObject({ decision: 'no_action', reason: expect.stringContaining('already done') });
  });

  it('an excluded payer receives nothing, and the timeline names the exclusion', async () => {
    expect(await mailsTo('ap@c1.test')).toEqual([]);
    const d = await dunning(inv.c1.id);
    expect(d.steps).toEqual([]);
    expect(states[45].c1).toBe('active');
    const ex = d.timeline.find((e: any) => e.decision === 'excluded' && e.ruleCode === 'suspend-30');
    expect(ex.reason).toMatch(/exclusion .* \(budget_cycle: pays after its budget is approved/);
  });

  it('the public-institution rule only reminds', async () => {
    expect((await mailsTo('c2@dun.test')).map((x) => x.day)).toEqual([3]);
    const d = await dunning(inv.c2.id);
    expect(d.steps.map((s: any) => s.action)).toEqual(['remind']);
    expect(states[60].c2).toBe('active');
    const ex = d.timeline.filter((e: any) => e.decision === 'excluded').map((e: any) => e.ruleCode);
    expect(new Set(ex)).toEqual(new Set(['retry-5', 'retry-10', 'fee-15', 'suspend-30']));
    expect(d.timeline.find((e: any) => e.decision === 'excluded').reason).toContain('exclusion rule public-reminders-only v1');
  });

  it('a failed e-mail is recorded and sent the next day; the killed run and the runs by hand sent nothing twice', async () => {
    const d3 = await dunning(inv.c3.id);
    const remind = d3.steps.filter((s: any) => s.action === 'remind');
    expect(remind).toMatchObject([{ status: 'done', attempts: 2, runDate: addDays(DUE, 3), lastAttemptOn: addDays(DUE, 4) }]);
    expect(d3.timeline.filter((e: any) => e.ruleCode === 'remind-3').map((e: any) => [e.runDate, e.decision])).toEqual([[addDays(DUE, 4), 'acted'], [addDays(DUE, 3), 'failed']]);
    expect((await mailsTo('c3@dun.test')).map((x) => x.day)).toEqual([4, 32]); // its March invoice, then its fee invoice
    expect(mails.length).toBe(5); // c0, c2 on day 3; c3 on day 4; the fee invoices of c0 and c3 on day 32
    const c3fee = (await dunning(inv.c3.id)).steps.find((s: any) => s.action === 'late_fee');
    const onFee = (await dunning(c3fee.result.feeInvoiceId)).timeline.filter((e: any) => e.ruleCode === 'fee-15').at(-1); // newest first: the first time
    expect(onFee).toMatchObject({ decision: 'not_due', reason: 'no late fee is charged on a late-fee invoice', runDate: addDays(DUE, 44) });
    for (const k of ['c0', 'c2', 'c3']) {
      const steps = (await dunning(inv[k].id)).steps;
      expect(new Set(steps.map((s: any) => `${s.ruleCode}:${s.step}`)).size).toBe(steps.length);
    }
    expect((await dunning(inv.c3.id)).steps.filter((s: any) => s.action === 'late_fee')).toHaveLength(1);
  });
});
