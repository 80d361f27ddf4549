import type { InferSelectModel } from 'drizzle-orm';
import type { apiKeys, users, tenants } from '../db/schema';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function userOut(u: InferSelectModel<typeof users>, groups: { id: string; code: string; name: string }[]) {
  return {
    id: u.id, email: u.email, name: u.name, locale: u.locale, status: u.status as 'active' | 'disabled',
    isPlatformAdmin: u.isPlatformAdmin, groups, lastLoginAt: iso(u.lastLoginAt), createdAt: u.createdAt.toISOString(),
  };
}

export function tenantOut(t: InferSelectModel<typeof tenants>) {
  return {
    id: t.id, code: t.code, name: t.name, currency: t.currency, timezone: t.timezone,
    roundingMode: t.roundingMode as 'half_up' | 'half_even' | 'down' | 'up', locale: t.locale as 'ko' | 'en',
    paymentTermsDays: t.paymentTermsDays, status: t.status, businessRegNo: t.businessRegNo, address: t.address, createdAt: t.createdAt.toISOString(),
  };
}

export function apiKeyOut(k: InferSelectModel<typeof apiKeys>) {
  return {
    id: k.id, name: k.name, prefix: k.prefix, groupId: k.groupId, createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt),
  };
}
