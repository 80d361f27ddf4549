/**
 * Bulk finalize and bulk send of selected invoices (issue 9): each invoice is handled on its own,
 * the answer counts successes and lists every failure with its code and reason (in the caller's
 * language); a retried request never finalizes anything twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { billingWorld } from '../scenarios/fixture';

let t: TestApp;
let one: { tenantId: string; key: string };
let drafts: { id: string }[];
const clock = () => new Date('2025-04-02T12:00:00Z');

beforeAll(async () => {
  delete process.env.SMTP_HOST; // no mail server: sending fails with a reason, per invoice
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('bulk');
  await billingWorld(t.handle.db, one.tenantId, 4, { now: clock });
  const r = await t.call('POST', '/api/v1/bill-runs', { key: one.key, body: { periodStart: '2025-03-01' } });
  expect(r.status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  drafts = (await t.call('GET', '/api/v1/invoices?status=draft&limit=10', { key: one.key })).body.data;
  expect(drafts).toHaveLength(4);
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('bulk invoice actions', () => {
  it('finalizes the selected drafts and reports an already finalized one as a failure with its reason', async () => {
    const first = await t.call('POST', `/api/v1/invoices/${drafts[0].id}/finalize`, { key: one.key });
    expect(first.status).toBe(200);
    const ids = [drafts[0].id, drafts[1].id, drafts[2].id];
    const r = await t.call('POST', '/api/v1/invoices/bulk', { key: one.key, body: { action: 'finalize', ids }, headers: { 'idempotency-key': 'bulk-1' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ action: 'finalize', succeeded: 2, failed: 1 });
    const failure = r.body.results.find((x: { ok: boolean }) => !x.ok);
    expect(failure).toMatchObject({ id: drafts[0].id, code: 'CONFLICT', status: 'finalized' });
    expect(failure.message).toContain('only a draft can be finalized');
    expect(r.body.results.filter((x: { ok: boolean }) => x.ok).map((x: { number: string }) => x.number)).toEqual(['INV-202504-000002', 'INV-202504-000003']);
    // A retry with the same key replays the answer and numbers nothing again.
    const again = await t.call('POST', '/api/v1/invoices/bulk', { key: one.key, body: { action: 'finalize', ids }, headers: { 'idempotency-key': 'bulk-1' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(r.body);
    expect((await t.call('GET', '/api/v1/invoices?status=finalized&limit=10', { key: one.key })).body.total).toBe(3);
  });

  it('send finalizes a draft first and reports each failure (no mail server) in the caller\'s language', async () => {
    const r = await t.call('POST', '/api/v1/invoices/bulk', { key: one.key, body: { action: 'send', ids: [drafts[3].id] }, headers: { 'accept-language': 'ko' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ succeeded: 0, failed: 1 });
    expect(r.body.results[0]).toMatchObject({ id: drafts[3].id, code: 'EMAIL_NOT_CONFIGURED', status: 'finalized' });
    expect(r.body.results[0].message).toMatch(/[\uac00-\ud7a3]/);
  });

  it('refuses bad input at the field, and roles without invoices:write', async () => {
    const bad = await t.call('POST', '/api/v1/invoices/bulk', { key: one.key, body: { action: 'finalize', ids: ['nope'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('ids[0]');
    const empty = await t.call('POST', '/api/v1/invoices/bulk', { key: one.key, body: { action: 'archive', ids: [] } });
    expect(empty.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['action', 'ids']);
    const exec = await t.login('exec@demo.billwise.dev');
    expect((await t.call('POST', '/api/v1/invoices/bulk', { cookie: exec, body: { action: 'finalize', ids: [drafts[0].id] } })).status).toBe(403);
  });
});
