import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { Ctx } from './context';
import { ServiceError, ErrorCodes, formatPath, invalid, type FieldIssue } from './errors';
import { fromZodIssue, pickLanguage, translateIssueMessage, translateMessage, type Lang } from './i18n';

/** Hono environment shared by every module: the tenant context set by the auth middleware. */
export interface AppEnv {
  /** secureCookies: set cookies with the Secure flag (the server's PUBLIC_URL is https). */
  Variables: { ctx: Ctx; requestId: string; secureCookies: boolean };
}

const TARGET_PREFIX: Record<string, string> = { json: '', query: 'query.', param: 'params.', header: 'headers.', form: '', cookie: 'cookies.' };

/** Field issues from a zod error; each keeps its zod issue so the edge can word it per language. */
export function zodIssues(error: ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => {
    const p = formatPath(i.path);
    return fromZodIssue(i, p === '$' ? prefix.replace(/\.$/, '') || '$' : prefix + p);
  });
}

/** Every sub-app validates with zod and reports each bad field by its JSON path (422). */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalid(zodIssues(result.error, TARGET_PREFIX[result.target] ?? ''));
    },
  });
}

/**
 * RFC 9457 problem+json body, in `lang`: the title, the detail and every issue message are
 * translated (server/lib/i18n.ts); type, code, paths and issue codes never change.
 */
export function problemBody(err: ServiceError, requestId: string | undefined, lang: Lang = 'en') {
  const def = ErrorCodes[err.code];
  const title = lang === 'ko' ? def.titleKo : def.title;
  const issues = lang === 'en' ? err.issues : err.issues.map((i) => ({ ...i, message: translateIssueMessage(i, lang) }));
  // invalid(issues) without a detail joins "path: message"; join the translated messages instead.
  const joined = (list: FieldIssue[]) => list.map((i) => `${i.path}: ${i.message}`).join('; ');
  const detail = err.detail === undefined ? title
    : lang !== 'en' && err.issues.length && err.detail === joined(err.issues) ? joined(issues)
      : translateMessage(err.detail, lang);
  return {
    type: `https://billwise.dev/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status: def.status,
    code: err.code,
    errorNumber: def.num,
    detail,
    ...(issues.length ? { issues } : {}),
    requestId,
  };
}

/** The problem+json response for an error, in the language the request's Accept-Language prefers. */
export function problem(c: Context, err: ServiceError) {
  const lang = pickLanguage(c.req.header('accept-language'));
  const body = problemBody(err, c.get('requestId'), lang);
  return c.body(JSON.stringify(body), err.status as 400, {
    'Content-Type': 'application/problem+json',
    'Content-Language': lang,
    Vary: 'Accept-Language',
    ...(err.retryAfter !== undefined ? { 'Retry-After': String(err.retryAfter) } : {}),
  });
}

/* Reusable OpenAPI fragments. */
export const ProblemSchema = z
  .object({
    type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
export const errorResponses = {
  401: { description: 'Not authenticated', content: problemContent },
  403: { description: 'Missing permission', content: problemContent },
  404: { description: 'Not found (also for other tenants\' resources)', content: problemContent },
  422: { description: 'Invalid fields, each named by its JSON path', content: problemContent },
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
export const jsonOk = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  200: { description, content: { 'application/json': { schema } } },
});
export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) });
export const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];
