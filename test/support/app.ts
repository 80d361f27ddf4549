import { freshDb } from './db';
import { createApp } from '../../server/app';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { insertApiKey } from '../../server/access/api-keys';
import { withTransaction } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import type { DbHandle } from '../../server/db/client';

export const DEMO_KEY = 'bw_live_demo_test_key_000000000000';

export interface TestApp {
  handle: DbHandle;
  app: ReturnType<typeof createApp>;
  demoTenantId: string;
  /** Calls the app in-process, as a client would over HTTP. */
  call(method: string, path: string, opts?: { key?: string; cookie?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  login(email: string, password?: string): Promise<string>;
  /** A second tenant with its own admin and API key, for isolation tests. */
  otherTenant(code?: string): Promise<{ tenantId: string; key: string; adminEmail: string }>;
  close(): Promise<void>;
}

export async function makeTestApp(opts: { now?: () => Date; /** seed the demo catalog, customers and history too */ demoData?: boolean; /** PUBLIC_URL */ publicUrl?: string } = {}): Promise<TestApp> {
  const handle = await freshDb();
  const seeded = await seedDemo(handle.db, { apiKey: DEMO_KEY, now: opts.now, withData: opts.demoData ?? false });
  const app = createApp({ db: handle.db, dbKind: handle.kind, now: opts.now, publicUrl: opts.publicUrl, listen: handle.listen });
  const call: TestApp['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.body !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body) });
    const text = await res.text();
    let body: any = text;
    try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    handle, app, demoTenantId: seeded.tenantId, call,
    async login(email, password = DEMO_PASSWORD) {
      const res = await app.request('/api/v1/auth/login', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
      });
      if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status}`);
      const set = res.headers.get('set-cookie') ?? '';
      return set.split(';')[0];
    },
    async otherTenant(code = 'acme') {
      const boot = systemCtx(handle.db, '', PERMISSION_CODES);
      const r = await onboardTenant({
        ctx: boot,
        input: { code, name: `${code} Inc.`, currency: 'USD', timezone: 'America/New_York', locale: 'en', roundingMode: 'half_up',
          admin: { email: `admin@${code}.test`, name: 'Other admin', password: 'other-pass-1' } },
      });
      const ctx = systemCtx(handle.db, r.tenant.id, PERMISSION_CODES);
      const key = await withTransaction(ctx, (tx, tctx) => insertApiKey(tx, tctx, { name: 'other' }));
      return { tenantId: r.tenant.id, key: key.key, adminEmail: `admin@${code}.test` };
    },
    close: () => handle.close(),
  };
}
