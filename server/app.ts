import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { csrf } from 'hono/csrf';
import { getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Db } from './db/client';
import { ping } from './db/client';
import type { AppEnv } from './lib/http';
import { problem } from './lib/http';
import { ServiceError } from './lib/errors';
import type { Ctx } from './lib/context';
import { idempotency } from './lib/idempotency';
import { inputGuard } from './lib/input-guard';
import { bodyLimits } from './lib/body-limit';
import { isHttps, securityHeaders } from './lib/security-headers';
import { principalFromApiKey, principalFromSession, SESSION_COOKIE } from './access/principal';
import { apiRoutes } from './modules';
import { payPageRoutes } from './dunning/pay-page';
import { registerLiveSource, type ListenFn } from './analytics/live';
import { listenForCredentialChanges } from './payments/gateways/credential-cache';

export interface AppDeps {
  db: Db;
  dbKind?: string;
  /** The clock; tests freeze it. */
  now?: () => Date;
  /** Folder of the built web console (web/dist); omitted in API tests. */
  webDist?: string;
  /** PUBLIC_URL: when it is https, session cookies are Secure and HSTS is sent. */
  publicUrl?: string;
  /** The database's LISTEN (DbHandle.listen): live analytics streams hear every process's changes through it. */
  listen?: ListenFn;
}

const PUBLIC_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/logout']);
const WEBHOOK_PREFIX = '/api/v1/webhooks/payments/';

/**
 * The API key a request carries (`Authorization: Bearer <key>` or `X-API-Key`), or null. The one
 * reading of it, so that the cross-site check and authentication cannot disagree about whether a
 * request is key-authenticated.
 */
function apiKeyOf(c: Context): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  const key = m ? m[1].trim() : (c.req.header('x-api-key') ?? '').trim();
  return key || null;
}

export function createApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date());
  if (deps.listen) registerLiveSource(deps.db, deps.listen);
  if (deps.listen) listenForCredentialChanges(deps.db, deps.listen);
  const app = new OpenAPIHono<AppEnv>();
  const secure = isHttps(deps.publicUrl);

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', securityHeaders({ https: secure }));
  app.use('*', async (c, next) => { c.set('secureCookies', secure); return next(); });
  // Before anything reads the body, authentication included: an anonymous 200 MB login body was
  // buffered whole (server/lib/limits.ts; it counts streamed bytes, so chunked bodies stop early too).
  app.use('/api/*', bodyLimits());
  // Cookie sessions are the only ambient credential, so only they need CSRF protection: an unsafe
  // request carried by the cookie must be JSON (which a cross-site form cannot send without a
  // CORS preflight we never grant) or come from our own origin. A request that carries an API key
  // is authenticated by that key alone (never by the cookie, see below), so it may skip the check;
  // any other Authorization header (Basic ...) proves nothing and must not.
  const sameOriginCsrf = csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin, secFetchSite: ['same-origin', 'none'] });
  app.use('/api/*', async (c, next) => {
    const json = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
    if (apiKeyOf(c) || json) return next();
    try {
      await sameOriginCsrf(c, async () => {});
    } catch (e) {
      if (e instanceof HTTPException && e.status === 403) throw new ServiceError('CROSS_SITE_REQUEST', 'A cross-site request cannot use the session cookie; send JSON from the console or use an API key');
      throw e;
    }
    return next();
  });

  app.use('/api/v1/*', async (c, next) => {
    const base: Omit<Ctx, 'tenantId' | 'actor' | 'permissions' | 'isPlatformAdmin'> = {
      db: deps.db, now, requestId: c.get('requestId'),
    };
    // Gateway webhooks carry no API key or cookie: the provider's signature over the body
    // authenticates them, checked by the adapter (server/payments/webhooks/receive.ts).
    if (PUBLIC_PATHS.has(c.req.path) || c.req.path.startsWith(WEBHOOK_PREFIX)) {
      c.set('ctx', { ...base, tenantId: '', actor: { type: 'system', id: null, name: 'anonymous' }, permissions: new Set(), isPlatformAdmin: false });
      return next();
    }
    const key = apiKeyOf(c);
    const cookie = getCookie(c, SESSION_COOKIE);
    const principal = key
      ? await principalFromApiKey(deps.db, key, now())
      : cookie ? await principalFromSession(deps.db, cookie, now()) : null;
    if (!principal) {
      throw new ServiceError('UNAUTHENTICATED', key ? 'The API key is unknown or revoked' : 'Log in or send an API key (Authorization: Bearer ...)');
    }
    c.set('ctx', { ...base, ...principal });
    return next();
  });
  app.use('/api/v1/*', inputGuard()); // NUL / unpaired surrogates / too deep JSON: a 422 naming the field (server/lib/input-guard.ts)
  // Writes with an Idempotency-Key run once; retries replay the stored response (server/lib/idempotency.ts).
  app.use('/api/v1/*', idempotency());

  app.get('/health', async (c) => {
    const ok = await ping(deps.db);
    return c.json({ status: ok ? 'ok' : 'unavailable', database: deps.dbKind ?? 'unknown' }, ok ? 200 : 503);
  });

  // Typed by every module's routes (server/modules.ts); returned so AppType carries them.
  const api = app.route('/api/v1', apiRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http', scheme: 'bearer', description: 'A tenant API key (bw_live_...)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Billwise API', version: '1.0.0',
      description: 'Rules-driven billing. Money travels as decimal strings in major units. Errors are application/problem+json with stable codes and the JSON path of every bad field.',
    },
    servers: [{ url: '/' }],
  });

  // Interactive docs from the swagger-ui-dist package, served locally (no CDN).
  const swaggerDir = join(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), '..');
  app.get('/api/docs', (c) => c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Billwise API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="ui" data-spec="/api/openapi.json"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`));
  // A file rather than an inline <script>: the Content-Security-Policy allows scripts from our origin only.
  app.get('/api/docs/init.js', (c) => c.body(
    "window.ui = SwaggerUIBundle({ url: document.getElementById('ui').dataset.spec, dom_id: '#ui', persistAuthorization: true });",
    200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' }));
  app.get('/api/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (!/^[\w.-]+$/.test(file) || !existsSync(join(swaggerDir, file))) return c.notFound();
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
    return c.body(await readFile(join(swaggerDir, file)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
  });

  // The payer's pay page behind a reminder's link: public, its signed token is the credential (server/dunning/pay-page.ts).
  app.route('/pay', payPageRoutes({ db: deps.db, now }));

  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) {
    const root = deps.webDist;
    const types: Record<string, string> = {
      '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml',
      '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.ico': 'image/x-icon', '.json': 'application/json',
    };
    app.get('*', async (c) => {
      const path = decodeURIComponent(c.req.path);
      if (path.startsWith('/api/')) return c.notFound();
      const file = join(root, path);
      if (file.startsWith(root) && !path.endsWith('/') && existsSync(file)) {
        const ext = file.slice(file.lastIndexOf('.'));
        const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        return c.body(await readFile(file), 200, { 'Content-Type': types[ext] ?? 'application/octet-stream', 'Cache-Control': cache });
      }
      // Single-page app: every other path is a console route.
      return c.html(await readFile(join(root, 'index.html'), 'utf8'));
    });
  }

  app.notFound((c) => problem(c, new ServiceError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    if (err instanceof ServiceError) return problem(c, err);
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      return problem(c, new ServiceError(code, err.message || undefined));
    }
    if (err instanceof SyntaxError) return problem(c, new ServiceError('BAD_REQUEST', 'The body is not valid JSON'));
    console.error(`[${c.get('requestId')}]`, err);
    return problem(c, new ServiceError('INTERNAL', 'Something went wrong on our side; the request id identifies it in the logs'));
  });
  return api;
}

/** The API's type with every route of every module, for `hc<AppType>()` from hono/client. */
export type AppType = ReturnType<typeof createApp>;
