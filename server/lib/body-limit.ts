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

const limit = (bytes: number) => bodyLimit({
  maxSize: bytes,
  onError: () => { throw new ServiceError('PAYLOAD_TOO_LARGE', `The body is larger than the limit of ${bytes / MB} MB for this endpoint`); },
});

export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const normal = limit(MAX_BODY_BYTES);
  const bulk = limit(MAX_BULK_BODY_BYTES);
  const csv = limit(MAX_CSV_BODY_BYTES);
  return (c, next) => (CSV_BODY_PATHS.has(c.req.path) ? csv : BULK_BODY_PATHS.has(c.req.path) ? bulk : normal)(c, next);
}
