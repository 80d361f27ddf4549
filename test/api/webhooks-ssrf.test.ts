/**
 * Webhook endpoints cannot make the server reach private networks (SSRF): private, loopback,
 * link-local and metadata addresses and non-http(s) schemes are a 422 at `url` on create and on
 * change, and a delivery whose host name resolves to such an address later (DNS changes) is
 * refused at connection time and logged, unless WEBHOOKS_ALLOW_PRIVATE=1 (server/webhooks/url-guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { emitEvent, WEBHOOK_DELIVER_JOB } from '../../server/webhooks/emit';
import { isPrivateAddress } from '../../server/webhooks/url-guard';

let t: TestApp;
let one: { tenantId: string; key: string };
let server: Server;
let port = 0;
let hits = 0;
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const allowPrivate = (on: boolean) => { if (on) process.env.WEBHOOKS_ALLOW_PRIVATE = '1'; else delete process.env.WEBHOOKS_ALLOW_PRIVATE; };
const deliver = async () => {
  for (;;) {
    try { await drainJobs(t.handle.db, { filter: { kinds: [WEBHOOK_DELIVER_JOB], tenantId: one.tenantId } }); return; } catch { /* next job */ }
  }
};

beforeAll(async () => {
  allowPrivate(false);
  server = createServer((_req, res) => { hits++; res.statusCode = 204; res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  t = await makeTestApp();
  one = await t.otherTenant('ssrf');
}, 120_000);
afterAll(async () => { allowPrivate(false); await t?.close(); server?.close(); });

describe('webhook endpoint URLs (SSRF)', () => {
  const refused = [
    'http://127.0.0.1:8080/hooks', 'http://localhost:8080/hooks', 'http://[::1]/hooks', 'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3/x', 'http://172.16.0.1/x', 'http://192.168.1.1/x', 'http://100.64.0.1/x', 'http://0.0.0.0/x',
    'http://2130706433/x', 'http://0x7f.1/x', 'http://[::ffff:127.0.0.1]/x', 'http://[fe80::1]/x', 'http://[fd00::1]/x',
    'file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/',
  ];
  it.each(refused)('refuses %s at url on create', async (url) => {
    const r = await call('POST', '/webhook-endpoints', { url, eventTypes: ['invoice.finalized'] });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(['url']);
  });

  it('accepts a public address, refuses changing it to a private one, and names the address in Korean too', async () => {
    const ok = await call('POST', '/webhook-endpoints', { url: 'https://93.184.216.34/hooks', eventTypes: ['invoice.finalized'] });
    expect(ok.status).toBe(201);
    const r = await call('PATCH', `/webhook-endpoints/${ok.body.id}`, { url: 'http://169.254.169.254/latest' });
    expect(r.status).toBe(422);
    expect(r.body.issues[0]).toMatchObject({ path: 'url', message: expect.stringContaining('169.254.169.254') });
    const ko = await t.call('PATCH', `/api/v1/webhook-endpoints/${ok.body.id}`, { key: one.key, body: { url: 'http://10.0.0.1/' }, headers: { 'accept-language': 'ko' } });
    expect(ko.body.issues[0].message).toMatch(/사설.*10\.0\.0\.1/);
    expect((await call('GET', '/webhook-endpoints')).body.data[0].url).toBe('https://93.184.216.34/hooks');
    // Not delivered to in this test: disable it so the deliveries below are only the loopback endpoint's.
    expect((await call('PATCH', `/webhook-endpoints/${ok.body.id}`, { status: 'disabled' })).status).toBe(200);
  });

  it('refuses at delivery a name that resolves to a private address, unless private targets are allowed', async () => {
    // Registered while allowed (as if the name resolved to a public address then), delivered after.
    allowPrivate(true);
    const ep = await call('POST', '/webhook-endpoints', { url: `http://localhost:${port}/hooks`, eventTypes: ['invoice.finalized'] });
    expect(ep.status).toBe(201);
    allowPrivate(false);
    await t.handle.db.transaction((tx) => emitEvent(tx, one.tenantId, 'invoice.finalized', { invoice: { id: 'x' } }));
    await deliver();
    expect(hits).toBe(0);
    const [refusedLog] = (await call('GET', `/webhook-endpoints/${ep.body.id}/deliveries`)).body.data;
    expect(refusedLog).toMatchObject({ statusCode: null, error: expect.stringMatching(/localhost resolves to a private.*refused/) });

    allowPrivate(true);
    await t.handle.db.transaction((tx) => emitEvent(tx, one.tenantId, 'invoice.finalized', { invoice: { id: 'y' } }));
    await deliver();
    expect(hits).toBe(1);
    allowPrivate(false);
  });

  it('classifies addresses, including IPv4 inside IPv6', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '2002:7f00:1::', 'fc00::1', 'not-an-ip']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
});
