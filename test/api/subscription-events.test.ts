/**
 * subscription.* webhooks: an order that completes emits subscription.created; a plan or quantity
 * change subscription.updated (with `change`; pause, resume and a term moving plans too); a cancel subscription.canceled;
 * a term that renews subscription.renewed. Each goes through the outbox in the change's own
 * transaction (a refused change announces nothing) and reaches a real HTTP receiver on loopback,
 * signed as Standard Webhooks says.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { closeTerm } from '../../server/subscriptions/subscriptions';
import { verify } from '../../server/webhooks/sign';
import { WEBHOOK_DELIVER_JOB } from '../../server/webhooks/emit';
import { billingWorld } from '../scenarios/fixture';
// The receiver listens on 127.0.0.1, a private target the SSRF guard refuses unless allowed (server/webhooks/url-guard.ts).
process.env.WEBHOOKS_ALLOW_PRIVATE = '1';

let t: TestApp;
let one: { tenantId: string; key: string };
let server: Server;
let secret = '';
let subs: any[] = [];
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const clock = () => new Date('2025-04-10T03:00:00Z');
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const deliver = async () => {
  for (;;) {
    try { await drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_DELIVER_JOB], tenantId: one.tenantId } }); return; } catch { /* next job */ }
  }
};
/** What arrived since the last call, as [type, change, subscription id]. */
let last: { headers: IncomingHttpHeaders; body: string }[] = [];
const take = async () => {
  await deliver();
  last = received.splice(0);
  const got = last.map((r) => JSON.parse(r.body));
  return got.map((e) => [e.type, e.data.change ?? null, e.data.subscription.id]);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { received.push({ headers: req.headers, body }); res.statusCode = 204; res.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('subev');
  const ep = await call('POST', '/webhook-endpoints', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, eventTypes: ['subscription.*'] });
  expect(ep.status).toBe(201);
  secret = ep.body.secret;
  await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-04-01' });
  subs = (await call('GET', '/subscriptions?limit=10')).body.data;
  subs.sort((a, b) => a.planCode.localeCompare(b.planCode)); // fx-basic, fx-seats
}, 120_000);
afterAll(async () => { await t?.close(); server?.close(); });

describe('subscription events', () => {
  it('an order that completes: subscription.created, signed, one per subscription', async () => {
    expect((await take()).sort()).toEqual([['subscription.created', null, subs[0].id], ['subscription.created', null, subs[1].id]].sort());
    const first = last[0];
    const body = JSON.parse(first.body);
    expect(body.data.subscription).toMatchObject({ planCode: expect.stringMatching(/^fx-/), status: 'active', startDate: '2025-04-01' });
    expect(verify(secret, { id: String(first.headers['webhook-id']), timestamp: String(first.headers['webhook-timestamp']), signature: String(first.headers['webhook-signature']) }, first.body)).toBe(true);
  });

  it('plan and quantity changes: subscription.updated with the change and what it was', async () => {
    expect((await call('POST', `/subscriptions/${subs[1].id}/quantities`, { quantities: { seats: '5' } })).status).toBe(200);
    expect((await call('POST', `/subscriptions/${subs[0].id}/change-plan`, { planCode: 'fx-seats', quantities: { seats: '3' } })).status).toBe(200);
    expect(await take()).toEqual([['subscription.updated', 'quantities', subs[1].id], ['subscription.updated', 'change_plan', subs[0].id]]);
    const change = JSON.parse(last[1].body).data;
    expect(change.previous.planCode).toBe('fx-basic');
    // 3 seats (19.00) is below Basic (31.00): a downgrade, scheduled for the period end.
    expect(change.subscription.scheduledChange).toMatchObject({ planCode: 'fx-seats', effectiveDate: '2025-05-01' });
  });

  it('a refused change announces nothing', async () => {
    expect((await call('POST', `/subscriptions/${subs[1].id}/change-plan`, { planCode: 'no-such-plan' })).status).toBeGreaterThanOrEqual(400);
    expect(await take()).toEqual([]);
  });

  it('a cancel: subscription.canceled; a renewed term: subscription.renewed', async () => {
    expect((await call('POST', `/subscriptions/${subs[0].id}/cancel`, { atPeriodEnd: false })).status).toBe(200);
    await closeTerm({ ctx: systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock), id: subs[1].id, date: '2025-05-01', next: { planCode: 'fx-seats', reason: 'term_renewal' } });
    expect(await take()).toEqual([['subscription.canceled', 'cancel', subs[0].id], ['subscription.renewed', 'term_renewal', subs[1].id]]);
  });
});
