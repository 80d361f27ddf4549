import type { Db, Tx, DbOrTx } from '../db/client';
import { forbidden } from './errors';

/** Who is acting: a logged-in operator, a tenant API key, or the system itself (seeds, jobs). */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  name: string;
}

/**
 * Everything a service needs to act for one tenant. Services take `ctx` and never read the
 * tenant from anywhere else, so every query they make is scoped to `ctx.tenantId`.
 */
export interface Ctx {
  db: Db;
  tenantId: string;
  actor: Actor;
  permissions: ReadonlySet<string>;
  isPlatformAdmin: boolean;
  /** The current time; tests freeze it. */
  now: () => Date;
  requestId: string | null;
  /** The console session making the request (its stored id), when it is one. */
  sessionId?: string;
  /** Set inside withTransaction so nested service calls join the same transaction. */
  tx?: Tx;
}

export function assertPermission(ctx: Ctx, permission: string): void {
  if (!ctx.permissions.has(permission)) throw forbidden(permission);
}

/** The query handle for this context: the open transaction if there is one. */
export function q(ctx: Ctx): DbOrTx {
  return ctx.tx ?? ctx.db;
}

/** Runs `fn` in one transaction (joining an open one) so a write and its audit row land together. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Tx, ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx.tx, ctx);
  return ctx.db.transaction(async (tx) => fn(tx, { ...ctx, tx }));
}

/** A context for work the system does on a tenant's behalf (seeding, scheduled jobs). */
export function systemCtx(db: Db, tenantId: string, permissions: Iterable<string>, now: () => Date = () => new Date()): Ctx {
  return {
    db,
    tenantId,
    actor: { type: 'system', id: null, name: 'system' },
    permissions: new Set(permissions),
    isPlatformAdmin: true,
    now,
    requestId: null,
  };
}
