/**
 * Request body limits, checked before anything reads the body (authentication included: an
 * anonymous 200 MB body to /auth/login used to be buffered whole, 688 MB → 1,449 MB of memory).
 * hono's bodyLimit trusts a Content-Length only when there is no Transfer-Encoding, and otherwise
 * counts the bytes as they stream in and stops reading at the limit, so a chunked body of any size
 * costs at most the limit. Too large: 413 PAYLOAD_TOO_LARGE (problem+json).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ServiceError } from './errors';
import type { AppEnv } from './http';

const MB = 1024 * 1024;
/** Any JSON body: the largest real one (a plan document, a rating preview) is a few kilobytes. */
export const MAX_BODY_BYTES = 1 * MB;
/** Batches: 1,000 usage events, a rule pack, a bank statement (tens of thousands of lines). */
export const MAX_BULK_BODY_BYTES = 5 * MB;
export const BULK_BODY_PATHS: ReadonlySet<string> = new Set(['/api/v1/events', '/api/v1/catalog/import', '/api/v1/churn/models', '/api/v1/payments/bank-imports']);
/** A customer CSV of up to 100,000 rows (MAX_IMPORT_ROWS) is 7-15 MB with attributes and payers. */
export const MAX_CSV_BODY_BYTES = 20 * MB;
export const CSV_BODY_PATHS: ReadonlySet<string> = new Set(['/api/v1/customers/import']);

const tooLarge = (bytes: number) => new ServiceError('PAYLOAD_TOO_LARGE', `The body is larger than the limit of ${bytes / MB} MB for this endpoint`);
const limit = (bytes: number) => ({ bytes, streamed: bodyLimit({ maxSize: bytes, onError: () => { throw tooLarge(bytes); } }) });

/**
 * The declared length decides without touching the body, as hono's bodyLimit decides too; but
 * hono asks `c.req.raw.body` first, and on @hono/node-server that builds the whole fetch Request
 * (an AbortController, a web stream over the socket) for every request, GETs included: the largest
 * single cost of an inbound gateway webhook in `npm run bench:payments`. A body without a
 * Content-Length (chunked) still goes through hono, which counts the bytes as they stream in.
 */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const normal = limit(MAX_BODY_BYTES);
  const bulk = limit(MAX_BULK_BODY_BYTES);
  const csv = limit(MAX_CSV_BODY_BYTES);
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const l = CSV_BODY_PATHS.has(c.req.path) ? csv : BULK_BODY_PATHS.has(c.req.path) ? bulk : normal;
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > l.bytes) throw tooLarge(l.bytes);
      return next();
    }
    return l.streamed(c, next);
  };
}
