/**
 * A small fetch client for the Billwise API (`/api/v1`), typed by the server's OpenAPI document
 *   (schema.gen.ts, `npm run api:types`): paths, path and query parameters, bodies and responses.
 * - Sends the session cookie (`credentials: 'include'`).
 * - Writes send JSON with `Content-Type: application/json` (the server requires it).
 * - Non-2xx answers become an `ApiError` parsed from RFC 9457 problem+json, so pages can branch
 *   on the stable `code` and put `issues[].path` messages on the matching form fields.
 * - Every request sends `Accept-Language` with the console's current locale, so the server writes
 *   problem+json `title`, `detail` and `issues[].message` in the language the user reads.
 */
import { i18n } from '@/locales';
import type { paths } from './schema.gen';

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly issues: FieldIssue[];
  readonly requestId?: string;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    issues?: FieldIssue[];
    requestId?: string;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? '';
    this.issues = init.issues ?? [];
    this.requestId = init.requestId;
  }
}

export const BASE_URL = '/api/v1';

/** The console's current locale (`ko` or `en`), as the `Accept-Language` of API requests. */
export function acceptLanguage(): string {
  return i18n.global.locale.value === 'en' ? 'en' : 'ko';
}

type UnauthorizedHandler = (err: ApiError) => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called on 401 from any request except the auth endpoints themselves (login/me handle it). */
export function setUnauthorizedHandler(fn: UnauthorizedHandler | null): void {
  onUnauthorized = fn;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toIssues(v: unknown): FieldIssue[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter(isRecord)
    .map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? '') }));
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (isRecord(body)) {
    return new ApiError({
      status: typeof body.status === 'number' ? body.status : res.status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      title: typeof body.title === 'string' ? body.title : res.statusText,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      issues: toIssues(body.issues),
      requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
    });
  }
  return new ApiError({ status: res.status, code: `HTTP_${res.status}`, title: res.statusText || 'Error', detail: text.slice(0, 300) });
}

function withQuery(path: string, query?: object): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** `/invoices/{id}` with `{ id }` → `/invoices/<id>`, each value URL-encoded. */
export function fillPath(template: string, params?: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(v));
  });
}

interface RequestInitLike {
  path?: Record<string, string | number>;
  query?: object;
  body?: unknown;
  /** A non-JSON body (CSV import); `body` is ignored then. */
  raw?: { contentType: string; text: string };
}

async function request(method: string, template: string, init: RequestInitLike = {}): Promise<unknown> {
  const path = withQuery(fillPath(template, init.path), init.query);
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage(),
  };
  const req: RequestInit = { method, credentials: 'include', headers };
  if (init.raw) {
    headers['Content-Type'] = init.raw.contentType;
    req.body = init.raw.text;
  } else if (init.body !== undefined || method === 'POST') {
    // A POST without a body still sends `{}` as JSON: the server's CSRF check lets a cookie session
    // write from elsewhere than a same-origin form only with a JSON content type.
    headers['Content-Type'] = 'application/json';
    req.body = JSON.stringify(init.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(BASE_URL + path, req);
  } catch (e) {
    throw new ApiError({ status: 0, code: 'NETWORK', title: 'Network error', detail: e instanceof Error ? e.message : String(e) });
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (err.status === 401 && !path.startsWith('/auth/') && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  if (res.status === 204) return undefined;
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Prefixed<P extends string> = `/api/v1${P}`;

/** The API's paths that answer `M`, as the console writes them (without `/api/v1`). */
export type ApiPath<M extends Method> = {
  [K in keyof paths]: K extends Prefixed<infer P> ? ([NonNullable<paths[K][M]>] extends [never] ? never : P) : never;
}[keyof paths];

/** The OpenAPI operation behind `M path`. */
export type Operation<M extends Method, P extends ApiPath<M>> = Prefixed<P> extends keyof paths ? NonNullable<paths[Prefixed<P>][M]> : never;

type Params<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = Params<O> extends { path: infer X } ? X : never;
type QueryParams<O> = Params<O> extends { query?: infer X } ? NonNullable<X> : never;
type JsonContent<B> = B extends { content: { 'application/json': infer J } } ? J : never;
type JsonBody<O> = O extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
type Success<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;

/** What `M path` answers on success (`void` for 204 No Content). */
export type ApiResponse<M extends Method, P extends ApiPath<M>> =
  Success<Operation<M, P>> extends { content: { 'application/json': infer J } } ? J : void;
/** The JSON body `M path` accepts. */
export type ApiBody<M extends Method, P extends ApiPath<M>> = JsonBody<Operation<M, P>>;
/** The query parameters `GET path` accepts. */
export type ApiQuery<P extends ApiPath<'get'>> = QueryParams<Operation<'get', P>>;

type IfNever<T, Then, Else> = [T] extends [never] ? Then : Else;
/** Path parameters when the path has any, the query and body when the operation declares them. */
type Init<O> = IfNever<PathParams<O>, { path?: undefined }, { path: PathParams<O> }> &
  IfNever<QueryParams<O>, { query?: undefined }, { query?: QueryParams<O> }> &
  IfNever<JsonBody<O>, { body?: undefined }, { body: JsonBody<O> }> & { raw?: RequestInitLike['raw'] };
/** The init argument may be left out when nothing in it is required. */
type InitArgs<O> = {} extends Init<O> ? [init?: Init<O>] : [init: Init<O>];

function typed<M extends Method>(method: M) {
  return <P extends ApiPath<M>>(path: P, ...[init]: InitArgs<Operation<M, P>>) =>
    request(method.toUpperCase(), path, init as RequestInitLike | undefined) as Promise<ApiResponse<M, P>>;
}

/**
 * Requests typed by the server's OpenAPI document (schema.gen.ts): `api.get('/invoices/{id}',
 * { path: { id } })` answers the invoice type, a wrong path, parameter or body does not compile.
 */
export const api = {
  get: typed('get'),
  post: typed('post'),
  put: typed('put'),
  patch: typed('patch'),
  del: typed('delete'),
  /** A link the browser follows itself (downloads, server-sent events). */
  url: <P extends ApiPath<'get'>>(path: P, params?: PathParams<Operation<'get', P>>) =>
    BASE_URL + fillPath(path, params as Record<string, string> | undefined),
};
