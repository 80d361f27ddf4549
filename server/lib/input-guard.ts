/**
 * Refuses, as a 422 naming each field, text that PostgreSQL cannot store, before any route sees
 * it: the NUL character (U+0000: neither `text` nor `jsonb` can hold it, so it used to surface as
 * a 500 "invalid byte sequence 0x00" from whichever query touched it first) and unpaired UTF-16
 * surrogates (`"\ud800"`: `jsonb` refuses them; `text` would silently turn them into U+FFFD).
 *
 * Checked: the request path, every query parameter (name and value), and the body of writes —
 * every string and object key of a JSON body (its JSON path in the issue: `name`,
 * `contacts[0].name`, `attributes.a`), or the whole text of a `text/*` body (`$`). A JSON body
 * nested deeper than MAX_BODY_DEPTH levels is refused at `$` (nothing we accept is that deep,
 * and deep documents only cost stack further on). The walk is iterative: depth cannot overflow it.
 *
 * `POST /api/v1/events` keeps its body: usage events are judged one by one, and a bad event is
 * kept as a metering error rather than failing the batch (server/metering/validate.ts).
 *
 * Hono caches the body text, so reading it here does not consume it for the route's validator.
 */
import type { MiddlewareHandler } from 'hono';
import { formatPath, invalid, type FieldIssue } from './errors';
import type { AppEnv } from './http';

export const MAX_BODY_DEPTH = 64;
/** Enough to show every bad field of a real request; a body full of them gets the first ones. */
const MAX_ISSUES = 50;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
/** Paths whose body is checked by the route itself (per usage event). */
const OWN_BODY_CHECK = new Set(['/api/v1/events']);
/** Gateway webhooks check their own body too (server/payments/webhooks/receive.ts), read without building a fetch Request. */
const OWN_BODY_CHECK_PREFIX = '/api/v1/webhooks/payments/';

const NUL_MSG = 'must not contain the NUL character (\\u0000)';
const SURROGATE_MSG = 'must be valid Unicode text (it holds an unpaired surrogate)';
const DEPTH_MSG = 'is nested too deeply (at most 64 levels)'; // MAX_BODY_DEPTH

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL cannot store `s` as it is, or null when it can. */
export function unstorableText(s: string): 'nul' | 'surrogate' | null {
  if (s.includes('\0')) return 'nul';
  return LONE_SURROGATE.test(s) ? 'surrogate' : null;
}

/** `s` with each NUL and unpaired surrogate written as its visible escape (`\u0000`), so it can be stored. */
export function escapeUnstorable(s: string): string {
  if (!unstorableText(s)) return s;
  return s.replace(/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A path segment as it appears in an issue path (a NUL in a key shown as `\u0000`). */
const seg = (k: string | number) => (typeof k === 'number' ? k : escapeUnstorable(k));

interface Node { value: unknown; key: string | number | null; parent: Node | null; depth: number }

function pathOf(n: Node): Array<string | number> {
  const segs: Array<string | number> = [];
  for (let x: Node | null = n; x && x.key !== null; x = x.parent) segs.push(seg(x.key));
  return segs.reverse();
}

/**
 * The issues of a parsed JSON value: each string or key PostgreSQL cannot store (at its JSON path),
 * and one issue at `$` when it is nested deeper than MAX_BODY_DEPTH containers.
 * Iterative, so any depth is safe; stops after MAX_ISSUES issues.
 */
export function unstorableIssues(root: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let tooDeep = false;
  const stack: Node[] = [{ value: root, key: null, parent: null, depth: 0 }];
  const report = (n: Node, why: 'nul' | 'surrogate') =>
    issues.push({ path: formatPath(pathOf(n)), message: why === 'nul' ? NUL_MSG : SURROGATE_MSG });
  while (stack.length && issues.length < MAX_ISSUES) {
    const n = stack.pop()!;
    const v = n.value;
    if (typeof v === 'string') {
      const why = unstorableText(v);
      if (why) report(n, why);
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    const depth = n.depth + 1;
    if (depth > MAX_BODY_DEPTH) { tooDeep = true; continue; }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: n, depth });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child: Node = { value: (v as Record<string, unknown>)[keys[i]], key: keys[i], parent: n, depth };
      const why = unstorableText(keys[i]);
      if (why) report(child, why); // the key itself: its value is not looked at
      else stack.push(child);
    }
  }
  return tooDeep ? [{ path: '$', message: DEPTH_MSG }, ...issues] : issues;
}

/** The middleware (server/app.ts registers it for /api/v1/* after authentication). */
export function inputGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const issues: FieldIssue[] = [];
    // Path parameters: the route (and so the parameter's name) is not known yet.
    if (unstorableText(c.req.path)) issues.push({ path: 'params', message: NUL_MSG });
    const url = c.req.url;
    if (url.includes('?')) {
      const seen = new Set<string>();
      for (const [k, v] of new URL(url).searchParams) {
        const why = unstorableText(k) ?? unstorableText(v);
        const path = `query.${escapeUnstorable(k)}`;
        if (why && !seen.has(path)) {
          seen.add(path);
          issues.push({ path, message: why === 'nul' ? NUL_MSG : SURROGATE_MSG });
        }
      }
    }
    if (WRITE_METHODS.has(c.req.method) && !OWN_BODY_CHECK.has(c.req.path) && !c.req.path.startsWith(OWN_BODY_CHECK_PREFIX)) {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim();
      if (JSON_TYPE.test(type)) {
        const text = await c.req.text();
        let body: unknown;
        let parsed = false;
        if (text.trim()) {
          try { body = JSON.parse(text); parsed = true; } catch { /* the route answers malformed JSON */ }
        }
        if (parsed) issues.push(...unstorableIssues(body));
      } else if (type.toLowerCase().startsWith('text/')) {
        const why = unstorableText(await c.req.text());
        if (why) issues.push({ path: '$', message: why === 'nul' ? NUL_MSG : SURROGATE_MSG });
      }
    }
    if (issues.length) throw invalid(issues.slice(0, MAX_ISSUES));
    return next();
  };
}
