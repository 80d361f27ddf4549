/**
 * Dunning through the API: rule validation (unknown action, fee without cap, negative days → 422
 * at the field), the dunning facts in the catalog with ko labels, exclusions, the timeline
 * preview, the simulation of a draft policy, the board, pausing an invoice, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
let c: string[];
const invs: any[] = [];
let now = new Date('2025-04-01T14:00:00Z');
const clock = () => now;
const call = (method: string, path: string, body?: unknown, key = one.key) => t.call(method, `/api/v1${path}`, { key, body });
const doc = (params: Record<string, unknown>, value: unknown = 3) => ({ id: 'd-1', name: 'd', kind: 'dunning', conditions: { all: [{ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value }] }, event: { type: 'dunning', params } });
const POLICY = [
  { ...doc({ action: 'remind' }), id: 'remind-3' },
  { ...doc({ action: 'late_fee', amount: '5.00', cap: '5.00' }, 15), id: 'fee-15' },
  { ...doc({ action: 'suspend' }, 30), id: 'suspend-30' },
];

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dapi');
  other = await t.otherTenant('dother');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=10')).body.data) invs.push((await call('POST', `/invoices/${i.id}/finalize`)).body);
  now = new Date('2025-04-25T14:00:00Z'); // 10 days after the due date 2025-04-15
}, 300_000);
afterAll(async () => { await t?.close(); });

describe('dunning rules', () => {
  it('refuses an unknown action, a fee without a cap and negative days with a 422 at the field', async () => {
    const bad = async (d: unknown) => (await call('POST', '/rules', { document: d })).body;
    const unknown = await bad(doc({ action: 'send_fax' }));
    expect(unknown.issues.map((i: any) => i.path)).toContain('document.event.params.action');
    const noCap = await bad(doc({ action: 'late_fee', percent: '2' }));
    expect(noCap.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'document.event.params.cap' })]));
    const negative = await bad(doc({ action: 'remind' }, -3));
    expect(negative.issues).toEqual([expect.objectContaining({ path: 'document.conditions.all[0].value', message: 'must not be negative' })]);
    const repeat = await bad(doc({ action: 'remind', repeatEveryDays: -1 }));
    expect(repeat.issues.map((i: any) => i.path)).toEqual(['document.event.params.repeatEveryDays']);
    expect((await call('POST', '/rules', { document: doc({ action: 'late_fee', percent: '2', cap: '10000' }) })).status).toBe(201);
  });

  it('lists the dunning facts with Korean labels', async () => {
    const facts = (await call('GET', '/rules/facts')).body.data as any[];
    const by = new Map(facts.map((f) => [f.name, f]));
    for (const n of ['invoice.daysOverdue', 'invoice.amountDue', 'invoice.currency', 'payer.overdueBalance', 'payer.unpaidInvoiceCount', 'payment.attempts',
      'payment.lastDeclineCode', 'payment.method', 'dunning.stepsTaken', 'calendar.weekday', 'calendar.dayOfMonth']) expect(by.get(n)?.scope).toBe('dunning');
    expect(by.get('payer.overdueBalance').label.ko).toBe('납부자 연체 잔액');
  });
});

describe('preview and simulation', () => {
  it('previews what 100,000 KRW unpaid from day 0 gets under a draft policy', async () => {
    const r = await call('POST', '/dunning/preview', { rules: POLICY, amount: '100000', currency: 'KRW', days: 40 });
    expect(r.status).toBe(200);
    expect(r.body.steps.map((s: any) => [s.day, s.action, s.amount ?? null])).toEqual([[3, 'remind', null], [15, 'late_fee', '5'], [30, 'suspend', null]]);
  });

  it('refuses a draft that is not a valid dunning rule, at rules[i]', async () => {
    const r = await call('POST', '/dunning/simulate', { rules: [doc({ action: 'late_fee', amount: '1' })] });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path)).toContain('rules[0].event.params.cap');
  });

  it('simulates a draft policy over the invoices overdue now for the next 30 days', async () => {
    const r = await call('POST', '/dunning/simulate', { rules: POLICY, days: 30 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ today: '2025-04-25', until: '2025-05-24', overdueTotal: 2 });
    // Day 10 today: the reminder is due now, the fee on day 15 (04-30); day 30 is 05-15.
    expect(r.body.invoices[0].steps.map((s: any) => [s.date, s.action])).toEqual([['2025-04-25', 'remind'], ['2025-04-30', 'late_fee'], ['2025-05-15', 'suspend']]);
  });
});

describe('the board, controls and exclusions', () => {
  beforeAll(async () => {
    for (const r of POLICY) await call('POST', '/rules', { document: r });
    for (const r of POLICY) expect((await call('POST', `/rules/${r.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  });

  it('shows aging per currency and each invoice\'s next action and why', async () => {
    const b = (await call('GET', '/dunning/board')).body;
    expect(b.aging).toEqual([{ currency: 'USD', buckets: [
      { bucket: 'current', amount: '0.00', count: 0 }, { bucket: '1-30', amount: '51.70', count: 2 }, { bucket: '31-60', amount: '0.00', count: 0 },
      { bucket: '61-90', amount: '0.00', count: 0 }, { bucket: '90+', amount: '0.00', count: 0 }] }]);
    expect(b.invoices[0]).toMatchObject({ daysOverdue: 10, stage: 'none', next: { date: '2025-04-25', action: 'remind', ruleCode: 'remind-3', why: { 'invoice.daysOverdue': 10 } } });
  });

  it('a paused invoice waits, and the board says why; an exclusion of its customer needs exactly one party', async () => {
    const id = invs[0].id;
    expect((await call('PUT', `/dunning/invoices/${id}/control`, { pausedUntil: '2025-05-01', note: 'disputed' })).status).toBe(200);
    const row = (await call('GET', '/dunning/board')).body.invoices.find((i: any) => i.invoiceId === id);
    expect(row.next.date).toBe('2025-05-02');
    const both = await call('POST', '/dunning/exclusions', { customerId: c[1], payerId: c[1], reasonCode: 'x' });
    expect(both.status).toBe(422);
    expect(both.body.issues[0].path).toBe('customerId');
    const ex = await call('POST', '/dunning/exclusions', { customerId: invs[1].customerId, reasonCode: 'vip', note: 'account manager handles it' });
    expect(ex.status).toBe(201);
    const row2 = (await call('GET', '/dunning/board')).body.invoices.find((i: any) => i.invoiceId === invs[1].id);
    expect(row2.next).toBeNull();
    expect(row2.blockedBy).toContain('vip: account manager handles it');
    expect((await call('GET', '/dunning/exclusions')).body.data).toHaveLength(1);
    expect((await call('POST', `/dunning/exclusions/${ex.body.id}/end`)).body.endedAt).toBeTruthy();
    expect((await call('GET', '/dunning/exclusions')).body.data).toHaveLength(0);
  });

  it('another tenant sees none of it', async () => {
    expect((await call('GET', `/dunning/invoices/${invs[0].id}`, undefined, other.key)).status).toBe(404);
    expect((await call('GET', '/dunning/board', undefined, other.key)).body.invoices).toEqual([]);
    expect((await call('GET', '/dunning/exclusions?includeEnded=true', undefined, other.key)).body.data).toEqual([]);
  });
});
