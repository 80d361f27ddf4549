/**
 * The console's API client (web/src/api) against the real app over real HTTP: the app on an
 * in-memory PGlite served on a free port, and `fetch` given the server's origin for the console's
 * relative `/api/v1/...` URLs. Node has no cookie jar, so requests carry the demo API key, or the
 * session cookie of `loginAs`, instead of the browser's cookie.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { DEMO_KEY, makeTestApp, type TestApp } from '../../support/app';

export interface ConsoleServer {
  t: TestApp;
  /** Requests from now on carry this cookie instead of the API key (null: neither). */
  useCredentials(c: { cookie: string } | { key: string } | null): void;
  close(): Promise<void>;
}

export async function startConsoleServer(): Promise<ConsoleServer> {
  const t = await makeTestApp();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const realFetch = globalThis.fetch;
  let credentials: { cookie: string } | { key: string } | null = { key: DEMO_KEY };
  globalThis.fetch = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (credentials && 'key' in credentials) headers.set('authorization', `Bearer ${credentials.key}`);
    if (credentials && 'cookie' in credentials) headers.set('cookie', credentials.cookie);
    const url = typeof input === 'string' && input.startsWith('/') ? origin + input : input;
    return realFetch(url, { ...init, headers });
  };
  return {
    t,
    useCredentials(c) {
      credentials = c;
    },
    async close() {
      globalThis.fetch = realFetch;
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
}
