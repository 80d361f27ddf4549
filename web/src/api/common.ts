/** Endpoint functions of the Common (공통) module: one function per operation, typed by path. */
import { api } from './client';
import type { AuditQuery, GroupCreate, GroupPatch, ApiKeyCreate, LoginInput, TenantOnboard, TenantPatch, UserCreate, UserPatch } from './types';

export const authApi = {
  login: (input: LoginInput) => api.post('/auth/login', { body: input }),
  logout: () => api.post('/auth/logout'),
  me: () => api.get('/auth/me'),
};

export const tenantApi = {
  get: () => api.get('/tenant'),
  update: (patch: TenantPatch) => api.patch('/tenant', { body: patch }),
};

export const usersApi = {
  list: () => api.get('/users'),
  create: (input: UserCreate) => api.post('/users', { body: input }),
  update: (id: string, patch: UserPatch) => api.patch('/users/{id}', { path: { id }, body: patch }),
};

export const permissionsApi = {
  list: () => api.get('/permissions'),
};

export const groupsApi = {
  list: () => api.get('/groups'),
  create: (input: GroupCreate) => api.post('/groups', { body: input }),
  update: (id: string, patch: GroupPatch) => api.patch('/groups/{id}', { path: { id }, body: patch }),
};

export const apiKeysApi = {
  list: () => api.get('/api-keys'),
  create: (input: ApiKeyCreate) => api.post('/api-keys', { body: input }),
  revoke: (id: string) => api.del('/api-keys/{id}', { path: { id } }),
};

export const auditApi = {
  list: (q: AuditQuery) => api.get('/audit-log', { query: q }),
};

export const tenantsApi = {
  list: () => api.get('/tenants'),
  onboard: (input: TenantOnboard) => api.post('/tenants', { body: input }),
};
