/**
 * The live stream: a KPI snapshot on open, and a new one after a payment made through the API,
 * heard through LISTEN/NOTIFY (the payment's transaction publishes; the stream's hub listens).
 * Also a subscription started (MRR moves) and usage ingested ("today" counter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../support/app';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { importDocuments } from '../../../server/catalog/versions';

let t: TestApp;
let one: { tenantId: string; key: string };
let customerId = '';
const clock = () => new Date('2025-06-15T12:00:00Z');

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('live');
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  await importDocuments({ ctx, effectiveFrom: '2025-01-01', plans: [{ code: 'p', name: 'P', currency: 'USD', interval: 'month', intervalCount: 1, components: [{ code: 'base', type: 'flat', amount: '50.00' }] }] });
  customerId = (await t.call('POST', '/api/v1/customers', { key: one.key, body: { externalId: 'L1', type: 'corporate', name: 'L1', country: 'US', timezone: 'UTC', currency: 'USD' } })).body.id;
  await t.call('POST', '/api/v1/meters', { key: one.key, body: { code: 'calls', name: 'Calls', aggregation: 'count' } });
}, 240_000); // a fresh database and a tenant take over a minute on a loaded machine
afterAll(async () => { await t?.close(); });

/** Reads SSE events from a streaming response. */
function reader(res: Response) {
  const r = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  return async function next(): Promise<{ event: string; data: any }> {
    for (;;) {
      const i = buf.indexOf('\n\n');
      if (i >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        return { event, data: JSON.parse(data) };
      }
      const { value, done } = await r.read();
      if (done) throw new Error('stream ended');
      buf += dec.decode(value, { stream: true });
    }
  };
}

describe('GET /analytics/stream', () => {
  it('needs analytics:read', async () => {
    const r = await t.call('GET', '/api/v1/analytics/stream');
    expect(r.status).toBe(401);
  });

  it('pushes a new snapshot after a payment, a subscription and usage, without asking again', async () => {
    const ac = new AbortController();
    const res = await t.app.request('/api/v1/analytics/stream', { headers: { authorization: `Bearer ${one.key}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const next = reader(res);
    const first = await next();
    expect(first).toMatchObject({ event: 'kpis', data: { reason: 'open', currencies: [], usageEventsToday: 0 } });

    const pay = await t.call('POST', '/api/v1/payments', { key: one.key, body: { billTo: customerId, method: 'card', amount: '70.00', currency: 'USD' } });
    expect(pay.status).toBe(201);
    const afterPay = await next();
    expect(afterPay.data.reason).toBe('payment');
    expect(afterPay.data.currencies).toEqual([expect.objectContaining({ currency: 'USD', collectedThisMonth: '70.00', paymentsToday: 1, collectedToday: '70.00', mrr: '0.00' })]);

    const o = (await t.call('POST', '/api/v1/orders', { key: one.key, body: { customerId, items: [{ planCode: 'p' }] } })).body;
    await t.call('POST', `/api/v1/orders/${o.id}/status`, { key: one.key, body: { status: 'completed', billingStartDate: '2025-06-01' } });
    const afterSub = await next();
    expect(afterSub.data.reason).toBe('subscription');
    expect(afterSub.data.currencies[0]).toMatchObject({ mrr: '50.00', arr: '600.00', customers: 1 });

    const ev = await t.call('POST', '/api/v1/events', { key: one.key, body: { events: [{ id: 'e1', customer: 'L1', meter: 'calls', timestamp: '2025-06-15T11:00:00Z' }] } });
    expect(ev.body.accepted).toBe(1);
    const afterUsage = await next();
    expect(afterUsage.data).toMatchObject({ reason: 'usage', usageEventsToday: 1 });
    ac.abort();
  });
});
