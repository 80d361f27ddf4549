import { pgTable, uuid, text, timestamp, boolean, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

/**
 * Whether a tenant uses a payment gateway (server/payments/gateways/settings.ts). No row means
 * enabled, so every existing tenant keeps working. Kept apart from `gateway_accounts` because the
 * sandbox has no credentials row and can be switched off too.
 */
export const gatewaySettings = pgTable('gateway_settings', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  provider: text('provider').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('gateway_settings_tenant_provider_uq').on(t.tenantId, t.provider)]);
