import { pgTable, uuid, text, timestamp, integer, jsonb, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { users } from './access';

/*
 * Outbound webhooks (server/webhooks/README.md): endpoints a tenant registers, the events written
 * in the same transaction as the change they describe (the outbox), and every delivery attempt.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  url: text('url').notNull(),
  description: text('description'),
  /** `whsec_<base64>` (Standard Webhooks); shown in full only when created. */
  secret: text('secret').notNull(),
  /** Event types it receives; `subscription.*` matches every subscription event. */
  eventTypes: jsonb('event_types').$type<string[]>().notNull(),
  /** active | disabled (by a person, or after deliveries kept failing for a day) */
  status: text('status').$type<'active' | 'disabled'>().notNull().default('active'),
  disabledReason: text('disabled_reason'),
  /** Who is told when it is disabled. */
  ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('webhook_endpoints_tenant_idx').on(t.tenantId)]);

/** The outbox: one row per event, written in the transaction of the change. */
export const webhookEvents = pgTable('webhook_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  type: text('type').notNull(),
  data: jsonb('data').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('webhook_events_tenant_idx').on(t.tenantId, t.createdAt)]);

/** Each attempt to deliver an event to an endpoint: the answer's status code and how long it took. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  endpointId: uuid('endpoint_id').notNull().references(() => webhookEndpoints.id),
  eventId: uuid('event_id').notNull().references(() => webhookEvents.id),
  attempt: integer('attempt').notNull(),
  /** null when no HTTP answer came (connection refused, timeout). */
  statusCode: integer('status_code'),
  durationMs: integer('duration_ms').notNull(),
  error: text('error'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.createdAt)]);
