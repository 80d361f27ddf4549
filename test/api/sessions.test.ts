/**
 * A new password ends the user's other sessions: an administrator's reset ends all of them, a
 * user's own change (PATCH /users/{own id} or POST /auth/password) ends all but the session that
 * made it. Before, every old session went on working after the password changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
const me = (cookie: string) => t.call('GET', '/api/v1/auth/me', { cookie });
const idOf = async (email: string) => (await t.call('GET', '/api/v1/users', { key: DEMO_KEY })).body.data.find((u: { email: string }) => u.email === email).id;

beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => t?.close());

describe('password reset by someone else', () => {
  it('ends every session of that user, and only theirs', async () => {
    const s1 = await t.login('support@demo.billwise.dev');
    const s2 = await t.login('support@demo.billwise.dev');
    const adminSession = await t.login('admin@demo.billwise.dev');
    const r = await t.call('PATCH', `/api/v1/users/${await idOf('support@demo.billwise.dev')}`, { cookie: adminSession, body: { password: 'reset-pass-1' } });
    expect(r.status).toBe(200);
    expect((await me(s1)).status).toBe(401);
    expect((await me(s2)).status).toBe(401);
    expect((await me(adminSession)).status).toBe(200);
    expect((await me(await t.login('support@demo.billwise.dev', 'reset-pass-1'))).status).toBe(200);
  });

  it('by an API key: every session ends', async () => {
    const s = await t.login('exec@demo.billwise.dev');
    expect((await t.call('PATCH', `/api/v1/users/${await idOf('exec@demo.billwise.dev')}`, { key: DEMO_KEY, body: { password: 'reset-pass-2' } })).status).toBe(200);
    expect((await me(s)).status).toBe(401);
  });

  it('a change without a new password leaves the sessions alone', async () => {
    const s = await t.login('billing@demo.billwise.dev');
    expect((await t.call('PATCH', `/api/v1/users/${await idOf('billing@demo.billwise.dev')}`, { key: DEMO_KEY, body: { name: 'Billing' } })).status).toBe(200);
    expect((await me(s)).status).toBe(200);
  });
});

describe('changing one\'s own password', () => {
  it('PATCH /users/{own id}: the other sessions end, this one stays', async () => {
    const here = await t.login('admin@demo.billwise.dev');
    const elsewhere = await t.login('admin@demo.billwise.dev');
    const r = await t.call('PATCH', `/api/v1/users/${await idOf('admin@demo.billwise.dev')}`, { cookie: here, body: { password: 'new-admin-pass-1' } });
    expect(r.status).toBe(200);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
  });

  it('POST /auth/password: needs the current password; then the other sessions end, this one stays', async () => {
    const here = await t.login('marketer@demo.billwise.dev');
    const elsewhere = await t.login('marketer@demo.billwise.dev');
    const wrong = await t.call('POST', '/api/v1/auth/password', { cookie: here, body: { currentPassword: 'nope', newPassword: 'marketing-2026' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.issues[0].path).toBe('currentPassword');
    expect((await me(elsewhere)).status).toBe(200);
    const ok = await t.call('POST', '/api/v1/auth/password', { cookie: here, body: { currentPassword: 'demo1234', newPassword: 'marketing-2026' } });
    expect(ok.status).toBe(204);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: 'marketer@demo.billwise.dev', password: 'demo1234' } })).status).toBe(401);
    await t.login('marketer@demo.billwise.dev', 'marketing-2026');
  });

  it('POST /auth/password needs a console session', async () => {
    const r = await t.call('POST', '/api/v1/auth/password', { key: DEMO_KEY, body: { currentPassword: 'x', newPassword: 'whatever-123' } });
    expect(r.status).toBe(401);
  });
});
