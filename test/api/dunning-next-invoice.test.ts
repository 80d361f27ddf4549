/**
 * A late fee "on the next invoice" (`late_fee` with `on: "next_invoice"`), through a bill run:
 * the dunning step leaves a pending charge (no fee invoice), runs again the same day without a
 * second charge, and the April bill run puts it on the payer's April invoice as a line naming the
 * rule, exactly once (a second bill run of the period adds nothing). A fee whose overdue invoice
 * was voided before the bill run is reversed, not billed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { runDunning } from '../../server/dunning/run';
import { auditLog, dunningPendingCharges } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
const march: Record<string, any> = {};
let now = new Date('2025-04-01T14:00:00Z');
const clock = () => now;
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const FEE = { id: 'fee-15-next', name: 'fee', kind: 'dunning', conditions: { all: [{ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: 15 }] },
  event: { type: 'dunning', params: { action: 'late_fee', percent: '2', cap: '10.00', on: 'next_invoice' } } };
const dunning = async (id: string) => (await call('GET', `/dunning/invoices/${id}`)).body;
const invoicesOf = async (billTo: string) => (await call('GET', `/invoices?billTo=${billTo}&limit=20`)).body.data as any[];
const billApril = async () => {
  const r = await call('POST', '/bill-runs', { periodStart: '2025-04-01' });
  expect(r.status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  return r.body.id as string;
};

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dnext');
  c = (await billingWorld(t.handle.db, one.tenantId, 3, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=10')).body.data) march[i.customerId] = (await call('POST', `/invoices/${i.id}/finalize`)).body;
  expect((await call('POST', '/rules', { document: FEE })).status).toBe(201);
  expect((await call('POST', `/rules/${FEE.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  now = new Date('2025-04-30T14:00:00Z'); // 15 days after the due date 2025-04-15
  for (let k = 0; k < 2; k++) await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
}, 300_000);
afterAll(async () => { await t?.close(); });

describe('late fee on the next invoice', () => {
  it('rejects an unknown "on" with a 422 at the field', async () => {
    const r = await call('POST', '/rules', { document: { ...FEE, id: 'fee-bad', event: { type: 'dunning', params: { ...FEE.event.params, on: 'later' } } } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain('event.params');
  });

  it('charges once as a pending charge, not as an invoice of its own', async () => {
    const steps = (await dunning(march[c[0]].id)).steps.filter((s: any) => s.action === 'late_fee');
    expect(steps).toHaveLength(1);
    expect(steps[0].result).toMatchObject({ amount: '0.34', currency: 'USD', on: 'next_invoice' }); // 34.10 × 2% × 15/30
    expect(await invoicesOf(c[0])).toHaveLength(1);
    const pending = await t.handle.db.select().from(dunningPendingCharges).where(eq(dunningPendingCharges.sourceInvoiceId, march[c[0]].id));
    expect(pending.map((p) => [p.status, p.ruleCode, p.id])).toEqual([['pending', FEE.id, steps[0].result.pendingChargeId]]);
    // The second run of the day: "already done", as a code the console words (ko/en) with its parameters.
    const again = (await dunning(march[c[0]].id)).timeline.find((e: any) => e.decision === 'no_action');
    expect(again).toMatchObject({ code: 'alreadyDone', params: { steps: expect.stringContaining(`${FEE.id} step 0`) } });
  });

  it('bills it as a line of the April invoice, with its rule, exactly once; a voided source invoice reverses its fee', async () => {
    expect((await call('POST', `/invoices/${march[c[1]].id}/void`)).status).toBe(200);
    now = new Date('2025-05-02T14:00:00Z');
    const runId = await billApril();
    await billApril(); // the same period again: nothing new
    const april = (await invoicesOf(c[0])).filter((i) => i.periodStart === '2025-04-01');
    expect(april).toHaveLength(1);
    const full = (await call('GET', `/invoices/${april[0].id}`)).body;
    const fees = full.lines.filter((l: any) => l.rule === FEE.id);
    expect(fees).toMatchObject([{ kind: 'charge', amount: '0.34', description: `연체료 / Late fee: ${march[c[0]].number}` }]);
    expect(full.total).toBe('34.44'); // April's 34.10 + the fee (untaxed)
    // The bill run's per-payer total is the invoice's, fee included (bill_run_payers).
    const run = (await call('GET', `/bill-runs/${runId}`)).body;
    expect(run.payers.find((p: any) => p.billTo === c[0])).toMatchObject({ invoiceId: april[0].id, total: '34.44' });
    const [charge] = await t.handle.db.select().from(dunningPendingCharges).where(eq(dunningPendingCharges.sourceInvoiceId, march[c[0]].id));
    expect(charge).toMatchObject({ status: 'billed', invoiceId: april[0].id });
    const voided = await t.handle.db.select().from(dunningPendingCharges).where(eq(dunningPendingCharges.sourceInvoiceId, march[c[1]].id));
    expect(voided.map((v) => v.status)).toEqual(['reversed']);
    const c1april = (await invoicesOf(c[1])).filter((i) => i.periodStart === '2025-04-01');
    expect((await call('GET', `/invoices/${c1april[0].id}`)).body.lines.some((l: any) => l.rule === FEE.id)).toBe(false);
  });

  it('waives a pending fee by hand (dunning:write, a reason, audited, on the timeline); a waived fee is never billed', async () => {
    // A fresh pending fee: c[2]'s April invoice, finalized on May 2 (due May 16), 16 days overdue on June 1.
    const drafts = (await invoicesOf(c[2])).filter((x) => x.periodStart === '2025-04-01' && x.status === 'draft');
    expect(drafts).toHaveLength(1);
    expect((await call('POST', `/invoices/${drafts[0].id}/finalize`)).status).toBe(200);
    now = new Date('2025-06-01T14:00:00Z');
    await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
    const aprilC2 = (await invoicesOf(c[2])).find((x) => x.periodStart === '2025-04-01')!;
    const list = (await call('GET', `/dunning/pending-charges?sourceInvoiceId=${aprilC2.id}`)).body.data;
    expect(list).toMatchObject([{ status: 'pending', ruleCode: FEE.id, sourceInvoiceNumber: aprilC2.number }]);
    const id = list[0].id;
    // The customer page asks by bill-to party: this party's pending fee with its overdue invoice, no other party's.
    const byParty = (await call('GET', `/dunning/pending-charges?billTo=${c[2]}&status=pending`)).body.data;
    expect(byParty.map((x: any) => [x.id, x.billTo, x.sourceInvoiceNumber])).toEqual([[id, c[2], aprilC2.number]]);
    const noReason = await call('POST', `/dunning/pending-charges/${id}/waive`, { reason: '  ' });
    expect(noReason.status).toBe(422);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const w = await call('POST', `/dunning/pending-charges/${id}/waive`, { reason: 'goodwill: first late payment' });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ status: 'waived', reason: 'goodwill: first late payment' });
    const twice = await call('POST', `/dunning/pending-charges/${id}/waive`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.issues).toEqual([{ path: 'id', message: 'is waived' }]);
    const entry = (await dunning(aprilC2.id)).timeline.find((e: any) => e.decision === 'waived');
    expect(entry).toMatchObject({ action: 'late_fee', ruleCode: FEE.id, code: 'feeWaived', params: { reason: 'goodwill: first late payment' } });
    const audits = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'dunning.fee_waived')));
    expect(audits.map((a) => [a.entityId, (a.after as any).status])).toEqual([[aprilC2.id, 'waived']]);
    // The May bill run takes no waived fee.
    now = new Date('2025-06-02T14:00:00Z');
    const r = await call('POST', '/bill-runs', { periodStart: '2025-05-01' });
    expect(r.status).toBe(202);
    await drainJobs(t.handle.db, { now: clock });
    const may = (await invoicesOf(c[2])).find((x) => x.periodStart === '2025-05-01')!;
    expect((await call('GET', `/invoices/${may.id}`)).body.lines.some((l: any) => l.rule === FEE.id)).toBe(false);
    const [row] = await t.handle.db.select().from(dunningPendingCharges).where(eq(dunningPendingCharges.id, id));
    expect(row).toMatchObject({ status: 'waived', invoiceId: null });
  });
});
