import { pgTable, uuid, text, timestamp, integer, jsonb, date, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Plans and rules are stored documents with versions. An entry is the stable identity (kind +
 * code, e.g. plan "api-pro" or rule "kr-vat"); each version holds one full JSON document.
 * draft → published (immutable, with an effective date); editing a published entry makes a new
 * draft; retiring an entry stops it from applying to periods that start on or after retiredFrom.
 */
export const catalogEntries = pgTable('catalog_entries', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  kind: text('kind').notNull(), // 'plan' | 'rule'
  code: text('code').notNull(),
  name: text('name').notNull(),
  retiredFrom: date('retired_from'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('catalog_entries_uq').on(t.tenantId, t.kind, t.code)]);

export const catalogVersions = pgTable('catalog_versions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  entryId: uuid('entry_id').notNull().references(() => catalogEntries.id),
  version: integer('version').notNull(),
  status: text('status').notNull(), // 'draft' | 'published'
  effectiveFrom: date('effective_from'),
  document: jsonb('document').notNull(),
  note: text('note'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  publishedBy: text('published_by'),
  publishedAt: timestamp('published_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('catalog_versions_uq').on(t.entryId, t.version),
  index('catalog_versions_tenant_idx').on(t.tenantId, t.status),
]);
