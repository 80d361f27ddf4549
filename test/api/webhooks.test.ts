/**
 * Outbound webhooks against a real HTTP receiver on loopback: registering an endpoint (422 at each
 * bad field), events written with the change and delivered by the job queue, signed as Standard
 * Webhooks says (verified here with the endpoint's secret), the delivery log with status code and
 * duration, a failing delivery retried later and replayed by hand, an endpoint whose deliveries
 * failed for a day disabled and audited, and wallet.low_balance once per crossing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { jobs } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';
import { verify } from '../../server/webhooks/sign';
import { WEBHOOK_DELIVER_JOB } from '../../server/webhooks/emit';

// The receiver is on loopback, a private target that only this switch allows (server/webhooks/url-guard.ts).
process.env.WEBHOOKS_ALLOW_PRIVATE = '1';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let server: Server;
let url = '';
let answer = 204;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const clock = () => new Date('2025-04-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
/** Runs the due deliveries; drainJobs rethrows a failed job's error after recording the failure (that is what these tests look at). */
const deliver = async () => {
  for (;;) {
    try { await drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_DELIVER_JOB], tenantId: one.tenantId } }); return; } catch { /* next job */ }
  }
};
let endpoint: { id: string; secret: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { received.push({ headers: req.headers, body }); res.statusCode = answer; res.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('hook');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-03-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
}, 120_000);
afterAll(async () => { await t?.close(); server?.close(); });

describe('endpoints', () => {
  it('bad input is a 422 at each field', async () => {
    const r = await call('POST', '/webhook-endpoints', { url: 'ftp://example.com', eventTypes: ['invoice.finalized', 'nope'] });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(['eventTypes[1]']));
    const u = await call('POST', '/webhook-endpoints', { url: 'ftp://example.com', eventTypes: ['invoice.finalized'] });
    expect(u.status).toBe(422);
    expect(u.body.issues.map((i: any) => i.path)).toEqual(['url']);
  });

  it('registers one with a whsec_ secret shown once', async () => {
    const r = await call('POST', '/webhook-endpoints', { url, eventTypes: ['invoice.finalized', 'invoice.voided', 'payment.succeeded', 'wallet.low_balance'] });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    endpoint = r.body;
    const list = (await call('GET', '/webhook-endpoints')).body.data;
    expect(list).toHaveLength(1);
    expect(list[0].secret).toBeUndefined();
  });
});

describe('delivery', () => {
  it('a finalized invoice is delivered signed; a payment too; the log has status and duration', async () => {
    const inv = (await call('GET', `/invoices?billTo=${c[0]}`)).body.data[0];
    expect((await call('POST', `/invoices/${inv.id}/finalize`)).status).toBe(200);
    expect((await call('POST', '/payments', { billTo: c[0], method: 'card', amount: '34.10', currency: 'USD' })).status).toBe(201);
    expect(received).toHaveLength(0); // nothing is sent in the request itself: the queue delivers
    await deliver();
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(['invoice.finalized', 'payment.succeeded']);
    for (const r of received) {
      const h = { id: String(r.headers['webhook-id']), timestamp: String(r.headers['webhook-timestamp']), signature: String(r.headers['webhook-signature']) };
      expect(h.signature).toMatch(/^v1,/);
      expect(verify(endpoint.secret, h, r.body)).toBe(true);
      expect(verify(endpoint.secret, h, r.body.replace('USD', 'EUR'))).toBe(false);
      expect(h.timestamp).toBe(String(Math.floor(clock().getTime() / 1000)));
    }
    expect(JSON.parse(received[0].body).data.invoice).toMatchObject({ id: inv.id, status: 'finalized', total: '34.10' });
    const log = (await call('GET', `/webhook-endpoints/${endpoint.id}/deliveries`)).body.data;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ statusCode: 204, attempt: 1, error: null });
    expect(typeof log[0].durationMs).toBe('number');
  });

  it('a 500 is logged and retried later; replay sends it again', async () => {
    answer = 500;
    const inv = (await call('GET', `/invoices?billTo=${c[1]}`)).body.data[0];
    expect((await call('POST', `/invoices/${inv.id}/void`)).status).toBe(200);
    await deliver();
    expect(received).toHaveLength(3);
    const [failed] = (await call('GET', `/webhook-endpoints/${endpoint.id}/deliveries`)).body.data;
    expect(failed).toMatchObject({ eventType: 'invoice.voided', statusCode: 500, error: 'HTTP 500' });
    const [job] = await t.handle.db.select().from(jobs).where(and(eq(jobs.kind, WEBHOOK_DELIVER_JOB), eq(jobs.status, 'queued')));
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + 30_000); // back-off: about a minute
    answer = 200;
    const r = await call('POST', `/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/replay`);
    expect(r.status).toBe(202);
    await deliver();
    expect(received).toHaveLength(4);
    expect((await call('GET', `/webhook-endpoints/${endpoint.id}/deliveries`)).body.data[0]).toMatchObject({ eventType: 'invoice.voided', statusCode: 200 });
  });

  it('after the last attempt failed the endpoint is disabled and audited', async () => {
    answer = 503;
    // The retried job of the previous test, made due with one attempt left (a day of back-off, skipped).
    await t.handle.db.update(jobs).set({ runAt: sql`now() - interval '1 second'`, attempts: sql`${jobs.maxAttempts} - 1` })
      .where(and(eq(jobs.kind, WEBHOOK_DELIVER_JOB), eq(jobs.status, 'queued')));
    await deliver();
    const [ep] = (await call('GET', '/webhook-endpoints')).body.data;
    expect(ep.status).toBe('disabled');
    expect(ep.disabledReason).toMatch(/kept failing/);
    const audit = (await call('GET', '/audit-log?action=webhook_endpoint.disabled')).body;
    expect(JSON.stringify(audit)).toContain('webhook_endpoint.disabled');
    expect((await call('PATCH', `/webhook-endpoints/${endpoint.id}`, { status: 'active' })).body.status).toBe('active');
    answer = 204;
  });

  it('wallet.low_balance once per crossing of the threshold', async () => {
    const g = await call('POST', `/payers/${c[1]}/wallets/prepaid/grants`, { currency: 'USD', amount: '10.00', reason: 'promo' });
    const w = g.body.wallet;
    expect((await call('PATCH', `/wallets/${w.id}`, { lowBalanceThreshold: '5.00' })).body.lowBalanceThreshold).toBe('5.00');
    expect((await call('PATCH', `/wallets/${w.id}`, { lowBalanceThreshold: '-1' })).status).toBe(422);
    const before = received.length;
    await call('POST', `/wallets/${w.id}/adjustments`, { amount: '-4.00', reason: 'still above' });
    await call('POST', `/wallets/${w.id}/adjustments`, { amount: '-2.00', reason: 'crosses' });
    await call('POST', `/wallets/${w.id}/adjustments`, { amount: '-1.00', reason: 'stays below' });
    await deliver();
    const events = received.slice(before).map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type)).toEqual(['wallet.low_balance']);
    expect(events[0].data).toMatchObject({ balance: '4.00', threshold: '5.00', wallet: { id: w.id, kind: 'prepaid' } });
  });
});
