import { pgTable, uuid, text, timestamp, jsonb, bigserial, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/** Every write: who, what, when, before/after. Append-only. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  actorType: text('actor_type').notNull(),
  actorId: text('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  requestId: text('request_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('audit_tenant_time_idx').on(t.tenantId, t.createdAt)]);
