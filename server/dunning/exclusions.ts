/**
 * Exclusions (미납 제외 대상): a customer or a payer exempt from dunning, with a reason code, a
 * note, who set it and an optional date range. Lifting one keeps the row (endedAt) for the record.
 * `activeExclusions` is what the daily run reads; `exclusionFor` decides one invoice.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { customers, dunningExclusions, payers } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';

type Row = typeof dunningExclusions.$inferSelect;

export interface ExclusionIn {
  customerId?: string;
  payerId?: string;
  reasonCode: string;
  note?: string;
  validFrom?: string;
  validTo?: string;
}

export function exclusionOut(r: Row) {
  return {
    id: r.id, customerId: r.customerId, payerId: r.payerId, reasonCode: r.reasonCode, note: r.note, setBy: r.setBy,
    validFrom: r.validFrom, validTo: r.validTo, createdAt: r.createdAt.toISOString(), endedAt: r.endedAt?.toISOString() ?? null, endedBy: r.endedBy,
  };
}

export async function listExclusions({ ctx, includeEnded }: { ctx: Ctx; includeEnded: boolean }) {
  assertPermission(ctx, 'dunning:read');
  const where = includeEnded ? eq(dunningExclusions.tenantId, ctx.tenantId) : and(eq(dunningExclusions.tenantId, ctx.tenantId), isNull(dunningExclusions.endedAt));
  const rows = await q(ctx).select().from(dunningExclusions).where(where).orderBy(desc(dunningExclusions.createdAt), desc(dunningExclusions.id));
  return { data: rows.map(exclusionOut) };
}

export async function createExclusion({ ctx, input }: { ctx: Ctx; input: ExclusionIn }) {
  assertPermission(ctx, 'dunning:write');
  if (!!input.customerId === !!input.payerId) throw invalid([{ path: 'customerId', message: 'give exactly one of customerId or payerId' }]);
  if (input.validFrom && input.validTo && input.validTo < input.validFrom) throw invalid([{ path: 'validTo', message: 'must not be before validFrom' }]);
  return withTransaction(ctx, async (tx, tctx) => {
    if (input.customerId) {
      const [c] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, input.customerId)));
      if (!c) throw invalid([{ path: 'customerId', message: 'no such customer' }]);
    } else {
      const [p] = await tx.select({ id: payers.id }).from(payers).where(and(eq(payers.tenantId, ctx.tenantId), eq(payers.id, input.payerId!)));
      if (!p) throw invalid([{ path: 'payerId', message: 'no such payer' }]);
    }
    const [row] = await tx.insert(dunningExclusions).values({
      tenantId: ctx.tenantId, customerId: input.customerId ?? null, payerId: input.payerId ?? null, reasonCode: input.reasonCode, note: input.note ?? null,
      setBy: ctx.actor.name, validFrom: input.validFrom ?? null, validTo: input.validTo ?? null, createdAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'dunning.exclusion.create', entityType: 'dunning_exclusion', entityId: row.id, after: exclusionOut(row) });
    return exclusionOut(row);
  });
}

export async function endExclusion({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'dunning:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(dunningExclusions).where(and(eq(dunningExclusions.tenantId, ctx.tenantId), eq(dunningExclusions.id, id)));
    if (!before) throw notFound('Exclusion');
    if (before.endedAt) return exclusionOut(before);
    const [after] = await tx.update(dunningExclusions).set({ endedAt: ctx.now(), endedBy: ctx.actor.name }).where(eq(dunningExclusions.id, id)).returning();
    await recordAudit(tx, tctx, { action: 'dunning.exclusion.end', entityType: 'dunning_exclusion', entityId: id, before: exclusionOut(before), after: exclusionOut(after) });
    return exclusionOut(after);
  });
}

export async function activeExclusions(db: DbOrTx, tenantId: string): Promise<Row[]> {
  return db.select().from(dunningExclusions).where(and(eq(dunningExclusions.tenantId, tenantId), isNull(dunningExclusions.endedAt)));
}

/** The record exclusion that covers this invoice's customer or payer on `date`, if any. */
export function exclusionFor(list: Row[], party: { customerIds: string[]; payerId: string | null }, date: string): Row | undefined {
  return list.find((e) => (!e.validFrom || e.validFrom <= date) && (!e.validTo || date <= e.validTo)
    && ((e.customerId && party.customerIds.includes(e.customerId)) || (e.payerId && e.payerId === party.payerId)));
}
