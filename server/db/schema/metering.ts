import { pgTable, uuid, text, timestamp, jsonb, numeric, date, integer, primaryKey, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';
import { customers } from './customers';

/**
 * Meters: how usage events of one kind are aggregated over a period. `field` names the event
 * property aggregated (sum/max/latest: a number; unique_count: any scalar); `filters` restrict
 * which events count ({ property: value | [values] }).
 */
export const meters = pgTable('meters', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  /** count | sum | max | unique_count | latest */
  aggregation: text('aggregation').notNull(),
  field: text('field'),
  filters: jsonb('filters').$type<Record<string, string | number | boolean | Array<string | number | boolean>>>().notNull().default({}),
  unit: text('unit'),
  status: text('status').notNull().default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('meters_tenant_code_uq').on(t.tenantId, t.code)]);

/**
 * Usage events (사용량). The client's event id is the idempotency key: (tenant, event_id) is the
 * primary key, so a retried event is a conflict and is never counted twice. `value` is the
 * meter field parsed as a decimal (sum/max/latest); `received_at` lets a bill run tell late events.
 *
 * An append-only, high-volume table: no foreign keys (ingest resolves the customer and the meter
 * within the tenant before it writes, and customers, meters and tenants are never deleted, only
 * closed or deactivated; the three per-row RI checks more than halved the insert rate) and only
 * the two indexes every read needs. See server/metering/README.md (Performance).
 */
export const usageEvents = pgTable('usage_events', {
  tenantId: uuid('tenant_id').notNull(),
  eventId: text('event_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  meterId: uuid('meter_id').notNull(),
  timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
  value: numeric('value', { precision: 40, scale: 15 }),
  properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.tenantId, t.eventId] }),
  index('usage_events_lookup_idx').on(t.tenantId, t.customerId, t.meterId, t.timestamp),
  // The dashboard's "usage events today" counter (analytics/live.ts) reads by arrival time. A
  // BRIN index (a summary per range of pages), not a b-tree: received_at grows with the table,
  // so an insert rarely touches it (the b-tree on it was dropped for costing every insert, README).
  index('usage_events_received_brin').using('brin', t.receivedAt),
]);

/**
 * Metering errors (미터링 오류 내역): events rejected at ingest, with the reason and the raw
 * payload, until they are reprocessed. One row per client event id (a retried bad event bumps
 * `occurrences`); events without a usable id get a row each.
 */
export const meteringErrors = pgTable('metering_errors', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  eventId: text('event_id'),
  customerRef: text('customer_ref'),
  meterCode: text('meter_code'),
  /** unknown_customer | unknown_meter | invalid_value | missing_field | invalid_timestamp | invalid_event */
  reason: text('reason').notNull(),
  message: text('message').notNull(),
  payload: jsonb('payload').notNull(),
  /**
   * The event exactly as received, as JSON text: a NUL or an unpaired surrogate stays a JSON
   * escape, which text can hold and JSON.parse turns back into the character, so a reprocess
   * judges the real event. `payload` (jsonb) shows them as the visible text `\u0000`, which is
   * another string. Null for rows stored before it, and for events nested too deep to serialize.
   */
  rawPayload: text('raw_payload'),
  /** open | reprocessed | resolved (the same event id was later accepted directly) */
  status: text('status').notNull().default('open'),
  occurrences: integer('occurrences').notNull().default(1),
  firstReceivedAt: timestamp('first_received_at', { withTimezone: true }).notNull().defaultNow(),
  lastReceivedAt: timestamp('last_received_at', { withTimezone: true }).notNull().defaultNow(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('metering_errors_event_uq').on(t.tenantId, t.eventId),
  index('metering_errors_status_idx').on(t.tenantId, t.status, t.lastReceivedAt),
]);

/** Daily rollups (일별 사용 내역): one row per customer, meter and tenant-local day; recomputed, never incremented. */
export const usageDaily = pgTable('usage_daily', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  customerId: uuid('customer_id').notNull().references(() => customers.id),
  meterId: uuid('meter_id').notNull().references(() => meters.id),
  day: date('day').notNull(),
  value: numeric('value', { precision: 40, scale: 15 }).notNull(),
  eventCount: integer('event_count').notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.meterId, t.day] }), index('usage_daily_day_idx').on(t.tenantId, t.day)]);
