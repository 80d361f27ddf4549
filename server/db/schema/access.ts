import { pgTable, uuid, text, timestamp, boolean, integer, primaryKey, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Operator accounts of a tenant (사용자). E-mail is unique within a tenant, not across tenants: a
 * platform-wide check would tell any tenant admin which e-mails exist elsewhere. Login takes an
 * optional tenant code; without it, the oldest account with that e-mail (server/access/auth.ts).
 */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  email: text('email').notNull(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  locale: text('locale'),
  status: text('status').notNull().default('active'),
  isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('users_tenant_idx').on(t.tenantId), uniqueIndex('users_tenant_email_uq').on(t.tenantId, t.email), index('users_email_idx').on(t.email)]);

/** Groups carry permissions (그룹별 권한 관리); users are mapped to groups (사용자별 그룹 관리). */
export const groups = pgTable('groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  permissions: text('permissions').array().notNull().default([]),
  builtIn: boolean('built_in').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('groups_tenant_code_uq').on(t.tenantId, t.code)]);

export const userGroups = pgTable('user_groups', {
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  groupId: uuid('group_id').notNull().references(() => groups.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.userId, t.groupId] })]);

/** Web sessions: only the SHA-256 of the cookie token is stored. */
export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/**
 * Tenant API keys: shown once, stored as SHA-256, the prefix stays visible, revocable. A key bound
 * to a group has that group's permissions; a key without one has `permissions`, the creator's
 * permissions when it was created (server/access/grants.ts: nobody grants more than they hold).
 */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  groupId: uuid('group_id').references(() => groups.id),
  permissions: text('permissions').array(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [index('api_keys_tenant_idx').on(t.tenantId)]);

/**
 * Login attempts per account e-mail and per client address (server/access/throttle.ts), in the
 * database so every process sees the same counts. `key` is a SHA-256 of "email:..." or
 * "address:...": typed e-mails, known or not, are not kept in clear.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  attempts: integer('attempts').notNull().default(0),
  lockouts: integer('lockouts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
