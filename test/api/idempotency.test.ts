import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_KEY, makeTestApp, type TestApp } from '../support/app';
import { creditNotes, idempotencyKeys, payers } from '../../server/db/schema';

/**
 * Idempotency-Key on writes (server/lib/idempotency.ts): a retried request runs once and gets
 * the first answer again; the same key for another request is refused; failed requests are not
 * remembered; keys belong to one tenant.
 */
let t: TestApp;
let other: { tenantId: string; key: string };
const clock = () => new Date('2026-11-24T03:00:00Z');

async function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}, key = DEMO_KEY) {
  const res = await t.app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, replayed: res.headers.get('idempotent-replayed') };
}

async function payersNamed(name: string, tenantId = t.demoTenantId) {
  return (await t.handle.db.select().from(payers).where(and(eq(payers.tenantId, tenantId), eq(payers.name, name)))).length;
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock, demoData: true });
  other = await t.otherTenant('idem');
}, 120_000);
afterAll(async () => t?.close());

describe('Idempotency-Key', () => {
  it('a retried create runs once and replays the first response', async () => {
    const body = { name: 'Retry Corp' };
    const first = await send('POST', '/api/v1/payers', body, { 'idempotency-key': 'k-payer-1' });
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const again = await send('POST', '/api/v1/payers', body, { 'idempotency-key': 'k-payer-1' });
    expect(again).toMatchObject({ status: 201, replayed: 'true' });
    expect(again.body).toEqual(first.body);
    expect(await payersNamed('Retry Corp')).toBe(1);
    // Without a key the same request is a new payer (nothing changes for clients that send none).
    expect((await send('POST', '/api/v1/payers', body)).status).toBe(201);
    expect(await payersNamed('Retry Corp')).toBe(2);
  });

  it('parallel retries with one key create one payer and all get its id', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => send('POST', '/api/v1/payers', { name: 'Parallel Corp' }, { 'idempotency-key': 'k-parallel' })));
    expect(all.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    expect(all.filter((r) => r.replayed === 'true')).toHaveLength(5);
    expect(await payersNamed('Parallel Corp')).toBe(1);
  });

  it('the same key for a different request is a 422 naming the header; the first result stands', async () => {
    expect((await send('POST', '/api/v1/payers', { name: 'Key Owner' }, { 'idempotency-key': 'k-reuse' })).status).toBe(201);
    const r = await send('POST', '/api/v1/payers', { name: 'Someone Else' }, { 'idempotency-key': 'k-reuse' });
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'headers.Idempotency-Key' })]);
    expect(await payersNamed('Someone Else')).toBe(0);
  });

  it('a failed request is not remembered: fixing the body and retrying with the key runs it', async () => {
    const bad = await send('POST', '/api/v1/payers', { name: '' }, { 'idempotency-key': 'k-fix' });
    expect(bad.status).toBe(422);
    expect(await t.handle.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'k-fix'))).toHaveLength(0);
    const good = await send('POST', '/api/v1/payers', { name: 'Fixed Corp' }, { 'idempotency-key': 'k-fix' });
    expect(good).toMatchObject({ status: 201, replayed: null });
  });

  it('keys belong to a tenant: another tenant may use the same key for its own request', async () => {
    const r = await send('POST', '/api/v1/payers', { name: 'Retry Corp' }, { 'idempotency-key': 'k-payer-1' }, other.key);
    expect(r).toMatchObject({ status: 201, replayed: null });
    expect(await payersNamed('Retry Corp', other.tenantId)).toBe(1);
  });

  it('is never replayed to another caller: an API key created by the admin stays the admin\'s', async () => {
    const adminCookie = await t.login('admin@demo.billwise.dev');
    const first = await t.app.request('/api/v1/api-keys', {
      method: 'POST', headers: { cookie: adminCookie, 'content-type': 'application/json', 'idempotency-key': 'k-secret' }, body: JSON.stringify({ name: 'ci key' }),
    });
    expect(first.status).toBe(201);
    const execCookie = await t.login('exec@demo.billwise.dev');
    const stolen = await t.app.request('/api/v1/api-keys', {
      method: 'POST', headers: { cookie: execCookie, 'content-type': 'application/json', 'idempotency-key': 'k-secret' }, body: JSON.stringify({ name: 'ci key' }),
    });
    expect(stolen.status).toBe(422);
    expect(stolen.headers.get('idempotent-replayed')).toBeNull();
    const text = await stolen.text();
    expect(text).not.toContain('bw_');
    expect(JSON.parse(text).issues[0].path).toBe('headers.Idempotency-Key');
    // The same key from a third caller (an API key) is refused too.
    const viaKey = await send('POST', '/api/v1/api-keys', { name: 'ci key' }, { 'idempotency-key': 'k-secret' });
    expect(viaKey.status).toBe(422);
  });

  it('a malformed key is a 422', async () => {
    const r = await send('POST', '/api/v1/payers', { name: 'X' }, { 'idempotency-key': 'x'.repeat(300) });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('headers.Idempotency-Key');
  });

  it('a retried credit note credits once (money is never counted twice)', async () => {
    const list = await t.call('GET', '/api/v1/invoices?status=finalized&limit=100', { key: DEMO_KEY });
    const inv = list.body.data.find((i: { currency: string; total: string }) => i.currency === 'KRW' && Number.parseInt(i.total, 10) >= 1000);
    expect(inv).toBeTruthy();
    const body = { reason: 'retry test', lines: [{ description: '보정', amount: '1000' }] };
    const a = await send('POST', `/api/v1/invoices/${inv.id}/credit-notes`, body, { 'idempotency-key': 'k-cn-1' });
    const b = await send('POST', `/api/v1/invoices/${inv.id}/credit-notes`, body, { 'idempotency-key': 'k-cn-1' });
    expect(a.status).toBe(201);
    expect(b).toMatchObject({ status: 201, replayed: 'true' });
    expect(b.body.number).toBe(a.body.number);
    expect(await t.handle.db.select().from(creditNotes).where(eq(creditNotes.invoiceId, inv.id))).toHaveLength(1);
    const after = await t.call('GET', `/api/v1/invoices/${inv.id}`, { key: DEMO_KEY });
    expect(after.body.creditedTotal).toBe('1000');
  });
});
