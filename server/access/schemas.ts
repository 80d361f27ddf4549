import { checkBusinessRegNo } from '../customers/brn';
import { z } from '@hono/zod-openapi';
import { isCurrencyCode } from '../lib/money';

export const GroupRef = z.object({ id: z.string(), code: z.string(), name: z.string() });
export const UserOut = z.object({
  id: z.string(), email: z.string(), name: z.string(), locale: z.string().nullable(),
  status: z.enum(['active', 'disabled']), isPlatformAdmin: z.boolean(), groups: z.array(GroupRef),
  lastLoginAt: z.string().nullable(), createdAt: z.string(),
}).openapi('User');

export const TenantOut = z.object({
  id: z.string(), code: z.string(), name: z.string(), currency: z.string(), timezone: z.string(),
  roundingMode: z.enum(['half_up', 'half_even', 'down', 'up']), locale: z.enum(['ko', 'en']), paymentTermsDays: z.number().int(), status: z.string(),
  businessRegNo: z.string().nullable(), address: z.string().nullable(),
  createdAt: z.string(),
}).openapi('Tenant');

export const SessionOut = z.object({
  user: UserOut, tenant: TenantOut, permissions: z.array(z.string()), isPlatformAdmin: z.boolean(),
}).openapi('Session');

const password = z.string().min(8, 'must be at least 8 characters').max(200);
const email = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address'));

export const LoginIn = z.object({
  email: z.string().trim().toLowerCase().min(1), password: z.string().min(1),
  tenant: z.string().trim().toLowerCase().min(1).max(41).optional()
    .openapi({ description: 'Tenant code; needed only when the e-mail has accounts in several tenants (without it, the oldest account)' }),
}).openapi('LoginRequest');

export const PasswordChangeIn = z.object({ currentPassword: z.string().min(1), newPassword: password }).openapi('PasswordChange');

export const UserCreateIn = z.object({
  email, name: z.string().trim().min(1).max(200), password,
  locale: z.enum(['ko', 'en']).optional(), groupIds: z.array(z.string().uuid()).default([]),
}).openapi('UserCreate');

export const UserPatchIn = z.object({
  name: z.string().trim().min(1).max(200).optional(), status: z.enum(['active', 'disabled']).optional(),
  locale: z.enum(['ko', 'en']).nullable().optional(), groupIds: z.array(z.string().uuid()).optional(), password: password.optional(),
}).openapi('UserPatch');

export const GroupOut = z.object({
  id: z.string(), code: z.string(), name: z.string(), description: z.string(), permissions: z.array(z.string()),
  builtIn: z.boolean(), memberCount: z.number().int(),
}).openapi('Group');
export const GroupCreateIn = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/, 'lowercase letters, digits, _ or -, 2-41 characters'),
  name: z.string().trim().min(1).max(100), description: z.string().max(500).optional(), permissions: z.array(z.string()).default([]),
}).openapi('GroupCreate');
export const GroupPatchIn = z.object({
  name: z.string().trim().min(1).max(100).optional(), description: z.string().max(500).optional(), permissions: z.array(z.string()).optional(),
}).openapi('GroupPatch');

export const ApiKeyOut = z.object({
  id: z.string(), name: z.string(), prefix: z.string(), groupId: z.string().nullable(), createdAt: z.string(),
  lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(),
}).openapi('ApiKey');
export const ApiKeyCreateIn = z.object({
  name: z.string().trim().min(1).max(100),
  groupId: z.string().uuid().nullable().optional().openapi({
    description: 'The group whose permissions the key has (they must all be yours: 403 otherwise). Without a group, the key gets a copy of your own permissions as they are now.',
  }),
}).openapi('ApiKeyCreate');
export const ApiKeyCreatedOut = ApiKeyOut.extend({ key: z.string().openapi({ description: 'The full key; shown only in this response' }) }).openapi('ApiKeyCreated');

const ianaZone = z.string().refine((tz) => {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}, 'must be an IANA time zone such as Asia/Seoul');
const currency = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as KRW or USD', abort: true }).refine(isCurrencyCode, 'is not an ISO 4217 currency code');

export const TenantPatchIn = z.object({
  name: z.string().trim().min(1).max(200).optional(), currency: currency.optional(), timezone: ianaZone.optional(),
  roundingMode: z.enum(['half_up', 'half_even', 'down', 'up']).optional(), locale: z.enum(['ko', 'en']).optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional().openapi({ description: 'Days from issue to due date set at finalize (a payer may override it)' }),
  businessRegNo: z.string().trim().max(20).nullable().optional()
    .refine((v) => !v || checkBusinessRegNo(v).ok, 'must be a valid 사업자등록번호 written XXX-XX-XXXXX')
    .transform((v) => (v ? (checkBusinessRegNo(v) as { formatted?: string }).formatted ?? v : v ?? null))
    .openapi({ description: 'The seller\'s 사업자등록번호, printed on invoices (checksum-validated)' }),
  address: z.string().trim().max(300).nullable().optional().openapi({ description: 'The seller\'s address, printed on invoices' }),
}).openapi('TenantPatch');

export const TenantCreateIn = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'lowercase letters, digits or -, 2-41 characters'),
  name: z.string().trim().min(1).max(200), currency: currency.default('KRW'), timezone: ianaZone.default('Asia/Seoul'),
  locale: z.enum(['ko', 'en']).default('ko'), roundingMode: z.enum(['half_up', 'half_even', 'down', 'up']).default('half_up'),
  admin: z.object({ email, name: z.string().trim().min(1).max(200), password }),
}).openapi('TenantCreate');

export const AuditOut = z.object({
  id: z.number().int(), actorType: z.string(), actorId: z.string().nullable(), actorName: z.string().nullable(),
  action: z.string(), entityType: z.string(), entityId: z.string().nullable(), before: z.any(), after: z.any(),
  requestId: z.string().nullable(), createdAt: z.string(),
}).openapi('AuditEntry');

export type UserCreate = z.infer<typeof UserCreateIn>;
export type UserPatch = z.infer<typeof UserPatchIn>;
export type GroupCreate = z.infer<typeof GroupCreateIn>;
export type GroupPatch = z.infer<typeof GroupPatchIn>;
export type TenantPatch = z.infer<typeof TenantPatchIn>;
export type TenantCreate = z.infer<typeof TenantCreateIn>;
