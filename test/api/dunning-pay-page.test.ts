/**
 * The public pay page behind a reminder's link, over HTTP as a payer's browser uses it: no login,
 * the signed token is the credential (scoped to one invoice, expiring; a wrong or expired one is a
 * page saying so, not a 500), the invoice with its PDF, a declined card leaves it open, a good card
 * pays it through the payment service (allocated, audited), a second submission charges nothing,
 * and the next dunning run takes no step for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { runDunning } from '../../server/dunning/run';
import { payLink, payToken } from '../../server/dunning/pay-link';
import { auditLog, dunningActions, payments } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';
import { Decimal } from '../../server/lib/money';

let t: TestApp;
let one: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
let c: string[];
const march: Record<string, any> = {};
let now = new Date('2025-04-01T14:00:00Z');
const clock = () => now;
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const REMIND = { id: 'remind-3', name: 'remind', kind: 'dunning', conditions: { all: [{ fact: 'invoice.daysOverdue', operator: 'greaterThanInclusive', value: 3 }] },
  event: { type: 'dunning', params: { action: 'remind', repeatEveryDays: 1 } } };
const get = async (path: string, lang = 'ko') => {
  const res = await t.app.request(path, { headers: { 'accept-language': lang } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: res.headers.get('content-type')?.includes('pdf') ? '' : await res.text(), res };
};
const pay = async (token: string, form: Record<string, string>, lang = 'en') => {
  const res = await t.app.request(`/pay/${token}/card`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': lang }, body: new URLSearchParams(form).toString() });
  return { status: res.status, text: await res.text() };
};
const card = (number: string) => ({ number, expMonth: '12', expYear: '2030', name: 'Kim Payer' });
const tokenOf = (id: string) => new URL(payLink({ id, number: null, tenantId: one.tenantId }, now)).pathname.split('/')[2];

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('dpay');
  other = await t.otherTenant('dpay2');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=10')).body.data) march[i.customerId] = (await call('POST', `/invoices/${i.id}/finalize`)).body;
  expect((await call('POST', '/rules', { document: REMIND })).status).toBe(201);
  expect((await call('POST', `/rules/${REMIND.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  now = new Date('2025-04-20T14:00:00Z'); // 5 days after the due date 2025-04-15
}, 300_000);
afterAll(async () => { await t?.close(); });

describe('the pay page', () => {
  it('shows the invoice to the token holder without a login, in Korean or English, with its PDF', async () => {
    const inv = march[c[0]];
    const token = tokenOf(inv.id);
    const ko = await get(`/pay/${token}`, 'ko');
    expect(ko.status).toBe(200);
    expect(ko.text).toContain(inv.number);
    expect(ko.text).toContain('결제할 금액');
    expect(ko.text).toContain('$34.10'); // what is owed
    expect(ko.text).toContain('2025.04.15'); // due date, Korean form
    expect(ko.res.headers.get('cache-control')).toBe('no-store');
    const en = await get(`/pay/${token}`, 'en');
    expect(en.text).toContain('Amount due');
    expect(en.text).toContain('Apr 15, 2025');
    expect(en.text).not.toContain('결제할 금액');
    expect((await get(`/pay/${token}?lang=en`, 'ko')).text).toContain('Pay now');
    const pdf = await get(`/pay/${token}/invoice.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(Buffer.from(await pdf.res.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');
  });

  it('answers a wrong, tampered, foreign or expired token with a page saying so (404 / 410), never the invoice', async () => {
    const inv = march[c[0]];
    const token = tokenOf(inv.id);
    const wrong = await get('/pay/not-a-token', 'en');
    expect(wrong.status).toBe(404);
    expect(wrong.text).toContain('This payment link is not valid');
    // The other invoice's id under this invoice's signature: refused.
    const parts = token.split('.');
    const swapped = [parts[0], parts[1], march[c[1]].id, parts[3], parts[4]].join('.');
    expect((await get(`/pay/${swapped}`)).status).toBe(404);
    // Another tenant's id with a valid signature for that pair names nothing there.
    const foreign = payToken(other.tenantId, inv.id, now);
    const f = await get(`/pay/${foreign}`, 'en');
    expect(f.status).toBe(404);
    expect(f.text).not.toContain(inv.number);
    const expired = payToken(one.tenantId, inv.id, new Date('2025-01-01T00:00:00Z'), 30);
    const e = await get(`/pay/${expired}`, 'ko');
    expect(e.status).toBe(410);
    expect(e.text).toContain('유효기간이 지났습니다');
    expect(e.text).not.toContain(inv.number);
    expect((await get(`/pay/${expired}/invoice.pdf`)).status).toBe(410);
  });

  it('names the bad card field (422 page), and a declined card leaves the invoice open', async () => {
    const inv = march[c[0]];
    const token = tokenOf(inv.id);
    const bad = await pay(token, { ...card('4242424242424242'), expMonth: '13' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="err-expMonth"');
    const declined = await pay(token, card('4000000000000002'));
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('The card was declined');
    expect((await call('GET', `/invoices/${inv.id}`)).body.status).toBe('finalized');
    const failed = await t.handle.db.select().from(payments).where(and(eq(payments.tenantId, one.tenantId), eq(payments.billTo, inv.billTo)));
    expect(failed.map((p) => [p.status, p.declineCode])).toEqual([['failed', 'card_declined']]);
  });

  it('pays what is owed through the payment service; a second submission charges nothing; dunning stops', async () => {
    const inv = march[c[0]];
    const token = tokenOf(inv.id);
    const ok = await pay(token, card('4242 4242 4242 4242'));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Payment of $34.10 received');
    const after = (await call('GET', `/invoices/${inv.id}`)).body;
    expect(after).toMatchObject({ status: 'paid', amountPaid: '34.10' });
    const again = await pay(token, card('4242424242424242'));
    expect(again.text).toContain('This invoice is paid');
    const rows = await t.handle.db.select().from(payments).where(and(eq(payments.tenantId, one.tenantId), eq(payments.billTo, inv.billTo)));
    expect(rows.filter((p) => p.status === 'succeeded').map((p) => new Decimal(p.amount).toFixed(2))).toEqual(['34.10']);
    const audits = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'payment.pay_page')));
    expect(audits).toHaveLength(2); // the declined attempt and the paid one
    expect((await get(`/pay/${token}`, 'en')).text).not.toContain('name="number"'); // no card form for a paid invoice

    // The paid invoice takes no step any more; the unpaid one is reminded as before.
    await runDunning({ db: t.handle.db, tenantId: one.tenantId, now: clock });
    const steps = await t.handle.db.select().from(dunningActions).where(eq(dunningActions.tenantId, one.tenantId));
    expect(steps.filter((s) => s.invoiceId === inv.id)).toHaveLength(0);
    expect(steps.filter((s) => s.invoiceId === march[c[1]].id).map((s) => s.action)).toEqual(['remind']);
  });
});
