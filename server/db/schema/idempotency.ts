import { pgTable, uuid, text, timestamp, integer, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Idempotency keys (`Idempotency-Key` header on writes): the first request with a key runs and
 * its successful response is stored in the same transaction as the work it did; a retry with the
 * same key and the same request replays that response instead of doing the work again.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  key: text('key').notNull(),
  /** Who sent it (`user:<id>`, `api_key:<id>`): a key is only ever replayed to the same caller. */
  actor: text('actor').notNull(),
  /** SHA-256 of method, path and body: a key reused for another request is refused. */
  requestHash: text('request_hash').notNull(),
  method: text('method').notNull(),
  path: text('path').notNull(),
  status: integer('status'),
  contentType: text('content_type'),
  body: text('body'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.key] })]);
