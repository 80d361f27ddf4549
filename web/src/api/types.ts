/**
 * Wire types of the Common (공통) module, mirroring the API contract in the server brief.
 * Timestamps are ISO-8601 strings; amounts (later modules) are decimal strings, never numbers.
 */

export type Locale = 'ko' | 'en';
export type RoundingMode = 'half_up' | 'half_even' | 'down' | 'up';
export type UserStatus = 'active' | 'disabled';

export interface GroupRef {
  id: string;
  code: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Locale | null;
  status: UserStatus;
  groups: GroupRef[];
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Tenant {
  id: string;
  code: string;
  name: string;
  currency: string;
  timezone: string;
  roundingMode: RoundingMode;
  locale: Locale;
  status: string;
  createdAt: string;
}

export interface Session {
  user: User;
  tenant: Tenant;
  permissions: string[];
  isPlatformAdmin: boolean;
}

export interface Permission {
  code: string;
  module: string;
  label: { ko: string; en: string };
}

export interface Group {
  id: string;
  code: string;
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
  memberCount: number;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  groupId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The full secret, returned only by the create call. */
  key: string;
}

export type ActorType = 'user' | 'api_key' | 'system';

export interface AuditEntry {
  id: string | number;
  actorType: ActorType;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}

export interface ListResponse<T> {
  data: T[];
}

export interface PagedResponse<T> extends ListResponse<T> {
  total: number;
}

// ---- request bodies ----
export interface LoginInput {
  email: string;
  password: string;
}

export interface TenantPatch {
  name?: string;
  currency?: string;
  timezone?: string;
  roundingMode?: RoundingMode;
  locale?: Locale;
}

export interface UserCreate {
  email: string;
  name: string;
  password: string;
  locale?: Locale;
  groupIds: string[];
}

export interface UserPatch {
  name?: string;
  status?: UserStatus;
  locale?: Locale;
  groupIds?: string[];
  password?: string;
}

export interface GroupCreate {
  code: string;
  name: string;
  description?: string;
  permissions: string[];
}

export interface GroupPatch {
  name?: string;
  description?: string;
  permissions?: string[];
}

export interface ApiKeyCreate {
  name: string;
  groupId?: string;
}

export interface AuditQuery {
  entityType?: string;
  action?: string;
  limit: number;
  offset: number;
}

export interface TenantOnboard {
  code: string;
  name: string;
  currency: string;
  timezone: string;
  locale: Locale;
  roundingMode: RoundingMode;
  admin: { email: string; name: string; password: string };
}

export interface TenantOnboardResult {
  tenant: Tenant;
  admin: User;
}
