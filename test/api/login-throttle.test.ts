/**
 * Login throttling (server/access/throttle.ts): 5 attempts per e-mail and 50 per client address
 * in 15 minutes, then a lockout that doubles each time, answered 429 with Retry-After; the right
 * password does not help while locked; unknown e-mails behave exactly like known ones; parallel
 * attempts cannot get past the count; each lockout is in the audit log. Before, 50 wrong passwords
 * and then the right one logged in, and 200 parallel wrong attempts were all checked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { DEMO_PASSWORD } from '../../seeds/demo';

let t: TestApp;
let clock = new Date('2026-03-02T09:00:00Z');
const later = (ms: number) => { clock = new Date(clock.getTime() + ms); };
const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  t.call('POST', '/api/v1/auth/login', { body: { email, password }, headers });

beforeAll(async () => { t = await makeTestApp({ now: () => clock }); });
afterAll(async () => t?.close());
afterEach(() => { delete process.env.TRUST_PROXY_HOPS; });

describe('per account', () => {
  it('locks an e-mail after 5 wrong passwords; the right one is refused until the lockout ends', async () => {
    for (let i = 0; i < 5; i++) expect((await login('billing@demo.billwise.dev', `wrong-${i}`)).status).toBe(401);
    const locked = await login('billing@demo.billwise.dev', DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toContain('application/problem+json');
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.headers.get('retry-after')).toBe('60');
    later(30_000);
    expect((await login('billing@demo.billwise.dev', DEMO_PASSWORD)).headers.get('retry-after')).toBe('30');
    later(30_001);
    expect((await login('billing@demo.billwise.dev', DEMO_PASSWORD)).status).toBe(200);
  });

  it('the next lockout lasts twice as long; a success starts afresh', async () => {
    const lockout = async () => {
      for (let i = 0; i < 5; i++) expect((await login('billing@demo.billwise.dev', 'wrong')).status).toBe(401);
      return (await login('billing@demo.billwise.dev', 'wrong')).headers.get('retry-after');
    };
    expect(await lockout()).toBe('60');
    later(61_000);
    expect(await lockout()).toBe('120');
    later(121_000);
    for (let i = 0; i < 4; i++) expect((await login('billing@demo.billwise.dev', 'wrong')).status).toBe(401);
    expect((await login('billing@demo.billwise.dev', DEMO_PASSWORD)).status).toBe(200);
    expect(await lockout()).toBe('60');
    later(61_000);
  });

  it('an unknown e-mail is counted and locked the same way, with the same answers', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push((await login('exec@demo.billwise.dev', 'wrong')).status);
      unknown.push((await login('nobody@demo.billwise.dev', 'wrong')).status);
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([401, 401, 401, 401, 401, 429]);
    const a = await login('exec@demo.billwise.dev', 'wrong');
    const b = await login('nobody@demo.billwise.dev', 'wrong');
    expect(b.headers.get('retry-after')).toBe(a.headers.get('retry-after'));
    expect(b.body.detail).toBe(a.body.detail);
    later(61_000);
  });

  it('200 parallel wrong attempts: only 5 are checked, the rest are 429', async () => {
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => login('support@demo.billwise.dev', `wrong-${i}`)));
    const count = (s: number) => all.filter((r) => r.status === s).length;
    expect(count(401)).toBe(5);
    expect(count(429)).toBe(195);
    later(61_000);
  });

  it('records each lockout in the tenant\'s audit log', async () => {
    const log = await t.call('GET', '/api/v1/audit-log?action=auth.lockout', { key: DEMO_KEY });
    const emails = log.body.data.map((e: { after: { email?: string } }) => e.after.email);
    expect(emails.filter((e: string) => e === 'billing@demo.billwise.dev')).toHaveLength(4);
    expect(emails).toContain('exec@demo.billwise.dev');
    expect(emails).toContain('support@demo.billwise.dev');
    // The demo tenant is the platform operator's, so unknown e-mails are reported there too.
    expect(emails).toContain('nobody@demo.billwise.dev');
  });
});

describe('per client address', () => {
  it('with TRUST_PROXY_HOPS=1, 50 attempts from one address (any e-mails) lock that address only', async () => {
    process.env.TRUST_PROXY_HOPS = '1';
    const from = (ip: string) => ({ 'x-forwarded-for': `10.0.0.1, ${ip}` });
    for (let i = 0; i < 50; i++) expect((await login(`user${i}@spray.test`, 'wrong', from('203.0.113.9'))).status).toBe(401);
    const blocked = await login('admin@demo.billwise.dev', DEMO_PASSWORD, from('203.0.113.9'));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('60');
    expect((await login('admin@demo.billwise.dev', DEMO_PASSWORD, from('198.51.100.7'))).status).toBe(200);
    const log = await t.call('GET', '/api/v1/audit-log?action=auth.lockout', { key: DEMO_KEY });
    expect(log.body.data.some((e: { after: { address?: string } }) => e.after.address === '203.0.113.9')).toBe(true);
    later(61_000);
  });

  it('without it, X-Forwarded-For is ignored: changing it does not escape the count', async () => {
    for (let i = 0; i < 50; i++) {
      expect((await login(`other${i}@spray.test`, 'wrong', { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(401);
    }
    expect((await login('admin@demo.billwise.dev', DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.200' })).status).toBe(429);
  });
});
