import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security } from '../lib/http';
import { TenantCreateIn, TenantOut, TenantPatchIn, UserOut } from '../access/schemas';
import { getTenant, listTenants, updateTenant } from './settings';
import { onboardTenant } from './onboard';

export const tenantRoutes = newRouter()
  .openapi(createRoute({
    method: 'get', path: '/tenant', tags: ['Tenants'], summary: 'The caller\'s tenant and its settings', security,
    responses: jsonOk(TenantOut),
  }), async (c) => c.json(await getTenant({ ctx: c.get('ctx') }), 200))
  .openapi(createRoute({
    method: 'patch', path: '/tenant', tags: ['Tenants'], summary: 'Change tenant settings (currency, time zone, rounding, locale)', security,
    request: jsonBody(TenantPatchIn), responses: { ...jsonOk(TenantOut), ...errorResponses },
  }), async (c) => c.json(await updateTenant({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/tenants', tags: ['Tenants'], summary: 'All tenants (platform administrators)', security,
    responses: { ...jsonOk(z.object({ data: z.array(TenantOut) })), 403: errorResponses[403] },
  }), async (c) => c.json({ data: await listTenants({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({
    method: 'post', path: '/tenants', tags: ['Tenants'], summary: 'Onboard a tenant with its first admin user (platform administrators)', security,
    request: jsonBody(TenantCreateIn),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ tenant: TenantOut, admin: UserOut }) } } }, ...errorResponses },
  }), async (c) => {
    const r = await onboardTenant({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.json({ tenant: r.tenant, admin: r.admin }, 201);
  });
