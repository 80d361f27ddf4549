import { and, asc, count, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { customers, payers } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { paginate } from '../lib/paginate';
import type { Tx } from '../db/client';
import { payerOut } from './serialize';
import type { PayerCreate, PayerListQuery, PayerPatch } from './schemas';

async function customerCounts(ctx: Ctx, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await q(ctx).select({ payerId: customers.payerId, n: count() }).from(customers)
    .where(and(eq(customers.tenantId, ctx.tenantId), inArray(customers.payerId, ids))).groupBy(customers.payerId);
  return new Map(rows.map((r) => [r.payerId!, Number(r.n)]));
}

export async function listPayers({ ctx, query }: { ctx: Ctx; query: PayerListQuery }) {
  assertPermission(ctx, 'customers:read');
  const where: SQL[] = [eq(payers.tenantId, ctx.tenantId)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(or(ilike(payers.name, like), ilike(payers.externalId, like), ilike(payers.email, like))!);
  }
  return paginate({ db: q(ctx), from: payers, where: and(...where), orderBy: [asc(payers.name), asc(payers.id)], page: query,
    map: async (rows) => {
      const counts = await customerCounts(ctx, rows.map((r) => r.id));
      return rows.map((p) => payerOut(p, counts.get(p.id) ?? 0));
    } });
}

export async function getPayer({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'customers:read');
  const [p] = await q(ctx).select().from(payers).where(and(eq(payers.id, id), eq(payers.tenantId, ctx.tenantId)));
  if (!p) throw notFound('Payer');
  return payerOut(p, (await customerCounts(ctx, [p.id])).get(p.id) ?? 0);
}

/** The address without absent keys, as stored in jsonb. */
function cleanAddress(a: PayerCreate['billingAddress']): Record<string, string | null> | null {
  if (!a) return null;
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, string | null>;
}

/** Inserts a payer inside the caller's transaction (used by createPayer and by createCustomer's inline payer). */
export async function insertPayer(tx: Tx, ctx: Ctx, input: PayerCreate, pathPrefix = '') {
  if (input.externalId) {
    const [dup] = await tx.select({ id: payers.id }).from(payers)
      .where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.externalId, input.externalId)));
    if (dup) throw conflict('A payer with this external id already exists', [{ path: `${pathPrefix}externalId`, message: 'already in use' }]);
  }
  const [p] = await tx.insert(payers).values({
    tenantId: ctx.tenantId, externalId: input.externalId ?? null, name: input.name, email: input.email ?? null, phone: input.phone ?? null,
    billingAddress: cleanAddress(input.billingAddress), paymentMethodType: input.paymentMethodType ?? null,
    paymentMethodLabel: input.paymentMethodLabel ?? null, paymentTermsDays: input.paymentTermsDays ?? null, createdAt: ctx.now(), updatedAt: ctx.now(),
  }).returning();
  await recordAudit(tx, ctx, { action: 'payer.create', entityType: 'payer', entityId: p.id, after: p });
  return p;
}

export async function createPayer({ ctx, input }: { ctx: Ctx; input: PayerCreate }) {
  assertPermission(ctx, 'customers:write');
  const id = await withTransaction(ctx, async (tx, tctx) => (await insertPayer(tx, tctx, input)).id);
  return getPayer({ ctx, id });
}

export async function updatePayer({ ctx, id, input }: { ctx: Ctx; id: string; input: PayerPatch }) {
  assertPermission(ctx, 'customers:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(payers).where(and(eq(payers.id, id), eq(payers.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Payer');
    if (input.externalId && input.externalId !== before.externalId) {
      const [dup] = await tx.select({ id: payers.id }).from(payers)
        .where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.externalId, input.externalId)));
      if (dup) throw conflict('A payer with this external id already exists', [{ path: 'externalId', message: 'already in use' }]);
    }
    const patch: Partial<typeof payers.$inferInsert> = { updatedAt: ctx.now() };
    if (input.billingAddress !== undefined) patch.billingAddress = cleanAddress(input.billingAddress);
    for (const k of ['externalId', 'name', 'email', 'phone', 'paymentMethodType', 'paymentMethodLabel', 'paymentTermsDays', 'status'] as const) {
      if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k];
    }
    const [after] = await tx.update(payers).set(patch).where(and(eq(payers.id, id), eq(payers.tenantId, ctx.tenantId))).returning();
    await recordAudit(tx, tctx, { action: 'payer.update', entityType: 'payer', entityId: id, before, after });
  });
  return getPayer({ ctx, id });
}
