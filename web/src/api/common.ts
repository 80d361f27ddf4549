/** Endpoint functions of the Common (공통) module: one function per operation, fully typed. */
import { api } from './client';
import type {
  ApiKey, ApiKeyCreate, AuditEntry, AuditQuery, CreatedApiKey, Group, GroupCreate, GroupPatch,
  ListResponse, LoginInput, PagedResponse, Permission, Session, Tenant, TenantOnboard,
  TenantOnboardResult, TenantPatch, User, UserCreate, UserPatch,
} from './types';

const enc = encodeURIComponent;

export const authApi = {
  login: (input: LoginInput) => api.post<Session>('/auth/login', input),
  logout: () => api.post<void>('/auth/logout'),
  me: () => api.get<Session>('/auth/me'),
};

export const tenantApi = {
  get: () => api.get<Tenant>('/tenant'),
  update: (patch: TenantPatch) => api.patch<Tenant>('/tenant', patch),
};

export const usersApi = {
  list: () => api.get<ListResponse<User>>('/users'),
  create: (input: UserCreate) => api.post<User>('/users', input),
  update: (id: string, patch: UserPatch) => api.patch<User>(`/users/${enc(id)}`, patch),
};

export const permissionsApi = {
  list: () => api.get<ListResponse<Permission>>('/permissions'),
};

export const groupsApi = {
  list: () => api.get<ListResponse<Group>>('/groups'),
  create: (input: GroupCreate) => api.post<Group>('/groups', input),
  update: (id: string, patch: GroupPatch) => api.patch<Group>(`/groups/${enc(id)}`, patch),
};

export const apiKeysApi = {
  list: () => api.get<ListResponse<ApiKey>>('/api-keys'),
  create: (input: ApiKeyCreate) => api.post<CreatedApiKey>('/api-keys', input),
  revoke: (id: string) => api.del<ApiKey>(`/api-keys/${enc(id)}`),
};

export const auditApi = {
  list: (q: AuditQuery) => api.get<PagedResponse<AuditEntry>>('/audit-log', { ...q }),
};

export const tenantsApi = {
  list: () => api.get<ListResponse<Tenant>>('/tenants'),
  onboard: (input: TenantOnboard) => api.post<TenantOnboardResult>('/tenants', input),
};
