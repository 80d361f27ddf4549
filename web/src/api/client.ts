/**
 * A small typed fetch client for the Billwise API (`/api/v1`).
 * - Sends the session cookie (`credentials: 'include'`).
 * - Writes send JSON with `Content-Type: application/json` (the server requires it).
 * - Non-2xx answers become an `ApiError` parsed from RFC 9457 problem+json, so pages can branch
 *   on the stable `code` and put `issues[].path` messages on the matching form fields.
 * - Every request sends `Accept-Language` with the console's current locale, so the server writes
 *   problem+json `title`, `detail` and `issues[].message` in the language the user reads.
 */
import { i18n } from '@/locales';

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

export type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage(),
  };
  const init: RequestInit = { method, credentials: 'include', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(BASE_URL + withQuery(path, query), init);
  } catch (e) {
    throw new ApiError({ status: 0, code: 'NETWORK', title: 'Network error', detail: e instanceof Error ? e.message : String(e) });
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (err.status === 401 && !path.startsWith('/auth/') && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
