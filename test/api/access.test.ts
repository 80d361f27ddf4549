import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

describe('authentication', () => {
  it('refuses requests without credentials with a 401 problem', async () => {
    const r = await t.call('GET', '/api/v1/users');
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('UNAUTHENTICATED');
    expect(r.body.requestId).toBeTruthy();
  });

  it('logs in with the demo password, sets an httpOnly cookie, and /auth/me answers', async () => {
    const res = await t.app.request('/api/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Admin@Demo.Billwise.dev', password: 'demo1234' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/bw_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await t.call('GET', '/api/v1/auth/me', { cookie: cookie.split(';')[0] });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('admin@demo.billwise.dev');
    expect(me.body.permissions).toContain('users:write');
    expect(me.body.tenant.currency).toBe('KRW');
  });

  it('rejects a wrong password and an unknown e-mail the same way', async () => {
    const a = await t.call('POST', '/api/v1/auth/login', { body: { email: 'admin@demo.billwise.dev', password: 'wrong-password' } });
    const b = await t.call('POST', '/api/v1/auth/login', { body: { email: 'nobody@demo.billwise.dev', password: 'wrong-password' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.code).toBe('INVALID_CREDENTIALS');
    expect(b.body.detail).toBe(a.body.detail);
  });

  it('logout ends the session', async () => {
    const cookie = await t.login('support@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/auth/logout', { cookie })).status).toBe(204);
    expect((await t.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('DEMO_API_KEY is the demo tenant key, and a revoked key stops working', async () => {
    expect((await t.call('GET', '/api/v1/tenant', { key: DEMO_KEY })).body.code).toBe('demo');
    const created = await t.call('POST', '/api/v1/api-keys', { key: DEMO_KEY, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^bw_live_/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
    const list = await t.call('GET', '/api/v1/api-keys', { key: DEMO_KEY });
    const listed = list.body.data.find((k: any) => k.id === created.body.id);
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect((await t.call('GET', '/api/v1/tenant', { key: created.body.key })).status).toBe(200);
    expect((await t.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { key: DEMO_KEY })).status).toBe(200);
    const after = await t.call('GET', '/api/v1/tenant', { key: created.body.key });
    expect(after.status).toBe(401);
  });
});

describe('roles', () => {
  it('gives an executive read access and a 403 on every write', async () => {
    const cookie = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/tenant', { cookie })).status).toBe(200);
    const writes: [string, string, unknown][] = [
      ['PATCH', '/api/v1/tenant', { name: 'x' }],
      ['POST', '/api/v1/users', { email: 'x@y.dev', name: 'x', password: 'password1' }],
      ['POST', '/api/v1/groups', { code: 'g1', name: 'g' }],
      ['POST', '/api/v1/api-keys', { name: 'k' }],
      ['POST', '/api/v1/tenants', { code: 'zz', name: 'z', admin: { email: 'a@zz.dev', name: 'a', password: 'password1' } }],
    ];
    for (const [m, p, body] of writes) {
      const r = await t.call(m, p, { cookie, body });
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
  });

  it('an API key bound to a group has only that group\'s permissions', async () => {
    const groups = await t.call('GET', '/api/v1/groups', { key: DEMO_KEY });
    const exec = groups.body.data.find((g: any) => g.code === 'executive');
    const k = await t.call('POST', '/api/v1/api-keys', { key: DEMO_KEY, body: { name: 'read-only', groupId: exec.id } });
    const r = await t.call('PATCH', '/api/v1/tenant', { key: k.body.key, body: { name: 'nope' } });
    expect(r.status).toBe(403);
  });

  it('ships the five built-in roles', async () => {
    const groups = await t.call('GET', '/api/v1/groups', { key: DEMO_KEY });
    expect(groups.body.data.map((g: any) => g.code).sort()).toEqual(['admin', 'billing_manager', 'executive', 'marketer', 'support_agent']);
  });
});

describe('validation', () => {
  it('names every bad field by its JSON path in a 422 problem', async () => {
    const r = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: { email: 'not-an-email', name: '', password: 'short', groupIds: ['x'] } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(['email', 'groupIds[0]', 'name', 'password']);
  });

  it('answers malformed JSON with a 4xx, not a 500', async () => {
    const r = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: '{"email": ' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it('reports an unknown permission at its index and stores nothing', async () => {
    const before = (await t.call('GET', '/api/v1/groups', { key: DEMO_KEY })).body.data.length;
    const r = await t.call('POST', '/api/v1/groups', { key: DEMO_KEY, body: { code: 'ops', name: 'Ops', permissions: ['users:read', 'rockets:launch'] } });
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual([{ path: 'permissions[1]', message: 'unknown permission "rockets:launch"' }]);
    expect((await t.call('GET', '/api/v1/groups', { key: DEMO_KEY })).body.data.length).toBe(before);
  });

  it('rejects a duplicate e-mail with a 409 naming the field', async () => {
    const r = await t.call('POST', '/api/v1/users', { key: DEMO_KEY, body: { email: 'billing@demo.billwise.dev', name: 'dup', password: 'password1' } });
    expect(r.status).toBe(409);
    expect(r.body.issues[0].path).toBe('email');
  });
});

describe('audit log', () => {
  it('records who changed what with before and after, without secrets', async () => {
    const cookie = await t.login('admin@demo.billwise.dev');
    const created = await t.call('POST', '/api/v1/users', { cookie, body: { email: 'new.user@demo.billwise.dev', name: 'New', password: 'password1' } });
    expect(created.status).toBe(201);
    await t.call('PATCH', `/api/v1/users/${created.body.id}`, { cookie, body: { name: 'Renamed', status: 'disabled' } });
    const log = await t.call('GET', `/api/v1/audit-log?entityType=user&entityId=${created.body.id}`, { cookie });
    expect(log.status).toBe(200);
    const [update, create] = log.body.data;
    expect(create.action).toBe('user.create');
    expect(update.action).toBe('user.update');
    expect(update.actorName).toBe('admin@demo.billwise.dev');
    expect(update.before.name).toBe('New');
    expect(update.after.name).toBe('Renamed');
    expect(update.after.status).toBe('disabled');
    expect(JSON.stringify(log.body)).not.toMatch(/passwordHash|scrypt\$/);
  });

  it('a disabled user cannot log in', async () => {
    const r = await t.call('POST', '/api/v1/auth/login', { body: { email: 'new.user@demo.billwise.dev', password: 'password1' } });
    expect(r.status).toBe(401);
  });
});

describe('tenant onboarding (seed section 4)', () => {
  it('a platform admin creates a tenant whose admin can log in with every permission', async () => {
    const cookie = await t.login('admin@demo.billwise.dev');
    const r = await t.call('POST', '/api/v1/tenants', { cookie, body: {
      code: 'securenet', name: '시큐어넷', currency: 'USD', timezone: 'Asia/Seoul', locale: 'ko', roundingMode: 'down',
      admin: { email: 'owner@securenet.test', name: '오너', password: 'secure-pass-1' },
    } });
    expect(r.status).toBe(201);
    expect(r.body.tenant.roundingMode).toBe('down');
    expect(r.body.admin.groups.map((g: any) => g.code)).toEqual(['admin']);
    const c2 = await t.login('owner@securenet.test', 'secure-pass-1');
    const me = await t.call('GET', '/api/v1/auth/me', { cookie: c2 });
    expect(me.body.tenant.code).toBe('securenet');
    expect(me.body.permissions).toContain('groups:write');
    expect(me.body.isPlatformAdmin).toBe(false);
    expect((await t.call('GET', '/api/v1/tenants', { cookie: c2 })).status).toBe(403);
    const audit = await t.call('GET', '/api/v1/audit-log?entityType=tenant', { cookie: c2 });
    expect(audit.body.data.some((e: any) => e.action === 'tenant.create')).toBe(true);
  });

  it('rejects a bad time zone and currency with their paths', async () => {
    const r = await t.call('POST', '/api/v1/tenants', { cookie: await t.login('admin@demo.billwise.dev'), body: {
      code: 'x1', name: 'X', currency: 'won', timezone: 'Mars/Olympus', admin: { email: 'a@x1.test', name: 'a', password: 'password1' },
    } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(['currency', 'timezone']);
  });
});

describe('service endpoints', () => {
  it('GET /health is 200 when the database answers', async () => {
    const r = await t.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('serves an OpenAPI 3.1 document listing the routes, and the docs page', async () => {
    const r = await t.call('GET', '/api/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/users', '/api/v1/api-keys/{id}', '/api/v1/audit-log', '/api/v1/tenants']));
    const docs = await t.app.request('/api/docs');
    expect(await docs.text()).toContain('/api/openapi.json');
    const asset = await t.app.request('/api/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });

  it('gives each response a request id', async () => {
    const r = await t.call('GET', '/health');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('CSRF', () => {
  it('refuses a cookie-carried cross-site form post and accepts the same request as JSON', async () => {
    const cookie = await t.login('admin@demo.billwise.dev');
    const form = await t.app.request('/api/v1/auth/logout', {
      method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: 'a=1',
    });
    expect(form.status).toBe(403);
    expect((await t.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
  });
});
