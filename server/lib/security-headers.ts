/**
 * Response headers that keep the console out of frames, stop MIME sniffing, keep URLs out of
 * Referer headers to other sites, and restrict what a page may load (Content-Security-Policy).
 *
 * The policy is what the built console and /api/docs need, nothing more:
 * - scripts only from our origin: the console is bundled by Vite, vue-i18n compiles messages
 *   without `new Function` (its JIT compiler, the default since v10), and the docs page loads its
 *   start-up script from /api/docs/init.js instead of an inline <script>;
 * - styles from our origin plus 'unsafe-inline': Element Plus, ECharts and Swagger UI write inline
 *   styles (the console also ran without it in the e2e test, since styles set through the DOM
 *   are not checked, but a style attribute in markup would break silently; inline styles run no
 *   script, so allowing them costs little);
 * - images from our origin, data: URIs (Element Plus and Swagger UI icons) and blob: (ECharts
 *   "save as image");
 * - connections only to our own API; no plugins; no <base> or form posts elsewhere; never framed.
 * Strict-Transport-Security only when the server is reached over https (PUBLIC_URL).
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Whether a configured public URL is https (then cookies are Secure and HSTS is sent). */
export function isHttps(publicUrl: string | undefined): boolean {
  if (!publicUrl) return false;
  try { return new URL(publicUrl).protocol === 'https:'; } catch { return false; }
}

export function securityHeaders({ https }: { https: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
    xContentTypeOptions: true,
    strictTransportSecurity: https ? 'max-age=15552000; includeSubDomains' : false,
  });
}
