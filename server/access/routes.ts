import { createRoute, z } from '@hono/zod-openapi';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { newRouter, jsonBody, jsonOk, errorResponses, IdParam, security } from '../lib/http';
import {
  ApiKeyCreatedOut, ApiKeyCreateIn, ApiKeyOut, GroupCreateIn, GroupOut, GroupPatchIn, LoginIn, PasswordChangeIn, SessionOut,
  UserCreateIn, UserOut, UserPatchIn,
} from './schemas';
import { changeOwnPassword, login, logout, sessionView } from './auth';
import { clientAddress } from './client-address';
import { SESSION_COOKIE, SESSION_HOURS } from './principal';
import { createUser, getUser, listUsers, updateUser } from './users';
import { createGroup, listGroups, updateGroup } from './groups';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { PERMISSIONS } from './permissions';
import { ServiceError } from '../lib/errors';

const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export const authRoutes = newRouter()
  .openapi(createRoute({
    method: 'post', path: '/auth/login', tags: ['Access'], summary: 'Log in to the console (sets an httpOnly session cookie)',
    request: jsonBody(LoginIn),
    responses: {
      ...jsonOk(SessionOut), 401: errorResponses[401], 422: errorResponses[422],
      429: { description: 'Too many attempts for this e-mail or from this address; Retry-After says when to try again', content: errorResponses[401].content },
    },
  }), async (c) => {
    const ctxNow = c.get('ctx')?.now ?? (() => new Date());
    const { token, view } = await login(c.get('ctx').db, c.req.valid('json'), ctxNow(), { address: clientAddress(c), requestId: c.get('requestId') ?? null });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true, sameSite: 'Lax', path: '/', maxAge: SESSION_HOURS * 3600,
      secure: c.get('secureCookies') || new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
    });
    return c.json(view, 200);
  })
  .openapi(createRoute({
    method: 'post', path: '/auth/logout', tags: ['Access'], summary: 'Log out', responses: { 204: { description: 'Logged out' } },
  }), async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await logout(c.get('ctx').db, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.get('secureCookies') });
    return c.body(null, 204);
  });

export const accessRoutes = newRouter()
  .openapi(createRoute({
    method: 'get', path: '/auth/me', tags: ['Access'], summary: 'The logged-in user, tenant and permissions', security,
    responses: { ...jsonOk(SessionOut), 401: errorResponses[401] },
  }), async (c) => {
    const ctx = c.get('ctx');
    if (ctx.actor.type !== 'user' || !ctx.actor.id) throw new ServiceError('UNAUTHENTICATED', 'This endpoint needs a console session');
    return c.json(await sessionView(ctx.db, ctx.actor.id), 200);
  })
  .openapi(createRoute({
    method: 'post', path: '/auth/password', tags: ['Access'], security,
    summary: 'Change your own password (console session); your other sessions end, this one stays',
    request: jsonBody(PasswordChangeIn), responses: { 204: { description: 'Changed' }, 401: errorResponses[401], 422: errorResponses[422] },
  }), async (c) => {
    await changeOwnPassword({ ctx: c.get('ctx'), input: c.req.valid('json'), address: clientAddress(c) });
    return c.body(null, 204);
  })
  .openapi(createRoute({
    method: 'get', path: '/permissions', tags: ['Access'], summary: 'The permission catalog', security,
    responses: jsonOk(list(z.object({ code: z.string(), module: z.string(), label: z.object({ ko: z.string(), en: z.string() }) }))),
  }), (c) => c.json({ data: PERMISSIONS }, 200))
  .openapi(createRoute({
    method: 'get', path: '/users', tags: ['Access'], summary: 'List users', security,
    responses: { ...jsonOk(list(UserOut)), 403: errorResponses[403] },
  }), async (c) => c.json({ data: await listUsers({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({
    method: 'get', path: '/users/{id}', tags: ['Access'], summary: 'Get a user', security, request: { params: IdParam },
    responses: { ...jsonOk(UserOut), 404: errorResponses[404] },
  }), async (c) => c.json(await getUser({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'post', path: '/users', tags: ['Access'], summary: 'Create a user', security, request: jsonBody(UserCreateIn),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: UserOut } } }, ...errorResponses },
  }), async (c) => c.json(await createUser({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/users/{id}', tags: ['Access'], summary: 'Change a user (name, status, groups, password)', security,
    request: { params: IdParam, ...jsonBody(UserPatchIn) }, responses: { ...jsonOk(UserOut), ...errorResponses },
  }), async (c) => c.json(await updateUser({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/groups', tags: ['Access'], summary: 'List groups and their permissions', security,
    responses: { ...jsonOk(list(GroupOut)), 403: errorResponses[403] },
  }), async (c) => c.json({ data: await listGroups({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({
    method: 'post', path: '/groups', tags: ['Access'], summary: 'Create a group', security, request: jsonBody(GroupCreateIn),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: GroupOut } } }, ...errorResponses },
  }), async (c) => c.json(await createGroup({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/groups/{id}', tags: ['Access'], summary: 'Change a group\'s name or permissions', security,
    request: { params: IdParam, ...jsonBody(GroupPatchIn) }, responses: { ...jsonOk(GroupOut), ...errorResponses },
  }), async (c) => c.json(await updateGroup({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/api-keys', tags: ['Access'], summary: 'List API keys (prefix only)', security,
    responses: { ...jsonOk(list(ApiKeyOut)), 403: errorResponses[403] },
  }), async (c) => c.json({ data: await listApiKeys({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({
    method: 'post', path: '/api-keys', tags: ['Access'], summary: 'Create an API key; the key is shown once', security,
    description: 'A key never holds a permission its creator lacks: with `groupId` it has that group\'s permissions (each must be yours), without one a copy of your permissions at creation.',
    request: jsonBody(ApiKeyCreateIn),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: ApiKeyCreatedOut } } }, ...errorResponses },
  }), async (c) => c.json(await createApiKey({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'delete', path: '/api-keys/{id}', tags: ['Access'], summary: 'Revoke an API key', security,
    request: { params: IdParam }, responses: { ...jsonOk(ApiKeyOut), ...errorResponses },
  }), async (c) => c.json(await revokeApiKey({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200));
