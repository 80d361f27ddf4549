/**
 * Bill-run groups (배치 그룹): a group's cycle day and billing mode (calendar, or anniversary:
 * each subscription on its own start day). The one place a group is looked up by its code.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { billRunGroups, billRuns } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { recordAudit } from '../audit/record';

export type BillingMode = 'calendar' | 'anniversary';

/** The tenant's group with this code, or undefined. */
export async function groupByCode(db: DbOrTx, tenantId: string, code: string) {
  const [g] = await db.select().from(billRunGroups).where(and(eq(billRunGroups.tenantId, tenantId), eq(billRunGroups.code, code)));
  return g;
}

/** A subscription's billing: its group's cycle day and mode (day 1, calendar for the default group or an unknown code). */
export async function billingGroupOf(db: DbOrTx, tenantId: string, groupCode: string | null): Promise<{ cycleDay: number; mode: BillingMode }> {
  const g = groupCode ? await groupByCode(db, tenantId, groupCode) : undefined;
  // The column only ever holds what upsertGroup's schema allows.
  return g ? { cycleDay: g.cycleDay, mode: g.mode as BillingMode } : { cycleDay: 1, mode: 'calendar' };
}

export async function listGroups({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'billing:read');
  const rows = await q(ctx).select().from(billRunGroups).where(eq(billRunGroups.tenantId, ctx.tenantId)).orderBy(asc(billRunGroups.code));
  return rows.map((g) => ({ id: g.id, code: g.code, name: g.name, cycleDay: g.cycleDay, mode: g.mode }));
}

export async function upsertGroup({ ctx, input }: { ctx: Ctx; input: { code: string; name: string; cycleDay: number; mode?: BillingMode } }) {
  assertPermission(ctx, 'billing:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const before = await groupByCode(tx, ctx.tenantId, input.code);
    // Switching the mode of a group that has bill runs would make its periods overlap or leave gaps.
    if (before && input.mode && input.mode !== before.mode) {
      const [run] = await tx.select({ id: billRuns.id }).from(billRuns).where(and(eq(billRuns.tenantId, ctx.tenantId), eq(billRuns.groupCode, input.code))).limit(1);
      if (run) throw invalid([{ path: 'mode', message: `group "${input.code}" already has bill runs; its mode cannot change` }]);
    }
    const [g] = before
      ? await tx.update(billRunGroups).set({ name: input.name, cycleDay: input.cycleDay, ...(input.mode ? { mode: input.mode } : {}) }).where(eq(billRunGroups.id, before.id)).returning()
      : await tx.insert(billRunGroups).values({ tenantId: ctx.tenantId, code: input.code, name: input.name, cycleDay: input.cycleDay, mode: input.mode ?? 'calendar', createdAt: ctx.now() }).returning();
    await recordAudit(tx, tctx, { action: before ? 'bill_run_group.update' : 'bill_run_group.create', entityType: 'bill_run_group', entityId: g.code, before, after: g });
    return { id: g.id, code: g.code, name: g.name, cycleDay: g.cycleDay, mode: g.mode };
  });
}
