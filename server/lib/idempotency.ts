/**
 * `Idempotency-Key` on writes (POST, PUT, PATCH, DELETE under /api/v1), as Stripe does it: a
 * client that did not get an answer (a timeout, a dropped connection) retries with the same key
 * and never creates a second order, credit note or bill run.
 *
 * - The request runs in ONE transaction that first claims the key (tenant, key); every service
 *   joins it (ctx.tx), and the successful response is stored in that same transaction. Either the
 *   work and its stored response are committed together, or neither is.
 * - Keys are scoped to the caller (the user or API key): a response, which may hold a secret such
 *   as a new API key, is only ever replayed to whoever made the request; another caller's use of
 *   the key is refused like a different request.
 * - A retry with the same key and the same method, path and body gets the stored response again
 *   (header `Idempotent-Replayed: true`); a concurrent retry waits for the first to commit (the
 *   key's primary key) and then replays it.
 * - The same key with a different request is a 422 naming `headers.Idempotency-Key`.
 * - Error responses (4xx/5xx) are not stored: the transaction rolls back, so nothing was done and
 *   a retry runs again.
 * - Keys are kept 24 hours; after that a key may be used for a new request.
 * Without the header nothing changes. Usage events are idempotent by their own ids.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema';
import { invalid } from './errors';
import type { AppEnv } from './http';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_RE = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_TTL_HOURS = 24;

class Rollback extends Error {}

export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    const ctx = c.get('ctx');
    if (key === undefined || !WRITE_METHODS.has(c.req.method) || !ctx?.tenantId) return next();
    if (!KEY_RE.test(key)) throw invalid([{ path: 'headers.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters (a UUID is a good key)' }]);
    const body = await c.req.text();
    const requestHash = createHash('sha256').update(`${c.req.method}\n${c.req.path}\n${body}`).digest('hex');
    const actor = `${ctx.actor.type}:${ctx.actor.id ?? ctx.actor.name}`;
    const mine = and(eq(idempotencyKeys.tenantId, ctx.tenantId), eq(idempotencyKeys.key, key));
    const cutoff = new Date(ctx.now().getTime() - IDEMPOTENCY_TTL_HOURS * 3_600_000);

    const out: { replay?: Response } = {};
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.delete(idempotencyKeys).where(and(mine, lt(idempotencyKeys.createdAt, cutoff)));
        const claimed = await tx.insert(idempotencyKeys)
          .values({ tenantId: ctx.tenantId, key, actor, requestHash, method: c.req.method, path: c.req.path, createdAt: ctx.now() })
          .onConflictDoNothing().returning({ key: idempotencyKeys.key });
        if (!claimed.length) {
          const [prior] = await tx.select().from(idempotencyKeys).where(mine);
          if (prior && prior.actor !== actor) {
            throw invalid([{ path: 'headers.Idempotency-Key', message: 'was already used by another user or API key; use a new key' }]);
          }
          if (!prior || prior.requestHash !== requestHash) {
            throw invalid([{ path: 'headers.Idempotency-Key', message: `was already used for another request (${prior?.method ?? '?'} ${prior?.path ?? '?'}); use a new key for a new request` }]);
          }
          out.replay = new Response(prior.body, {
            status: prior.status ?? 200,
            headers: { 'Content-Type': prior.contentType ?? 'application/json', 'Idempotent-Replayed': 'true' },
          });
          return;
        }
        c.set('ctx', { ...ctx, tx });
        await next();
        if (c.res.status >= 400) throw new Rollback();
        const text = await c.res.clone().text();
        await tx.update(idempotencyKeys)
          .set({ status: c.res.status, contentType: c.res.headers.get('content-type'), body: text })
          .where(mine);
      });
    } catch (e) {
      if (e instanceof Rollback) return; // the error response stays as the handler made it
      throw e;
    }
    if (out.replay) return out.replay;
  };
}
