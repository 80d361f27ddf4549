/**
 * The tenant's points policy per currency (what a point is worth, the per-invoice cap), read by
 * the rating preview and by bill runs alike, so both take points off the same way
 * (server/rating/balances.ts). No row = 1 point is 1 unit of the currency, no cap.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { pointsPolicies } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { Decimal, isCurrencyCode, isDecimalString, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import type { PointsPolicy } from '../rating/balances';
import { tooLarge } from './ledger';

type Row = typeof pointsPolicies.$inferSelect;

/** Every currency's policy of a tenant (one query; bill-run chunks and previews call it once). */
export async function loadPointsPolicies(db: DbOrTx, tenantId: string): Promise<Map<string, PointsPolicy>> {
  const rows = await db.select().from(pointsPolicies).where(eq(pointsPolicies.tenantId, tenantId));
  return new Map(rows.map((r) => [r.currency, toPolicy(r)]));
}

function toPolicy(r: Row): PointsPolicy {
  return { pointValue: new Decimal(r.pointValue).toString(), maxPointsPerInvoice: r.maxPointsPerInvoice === null ? null : new Decimal(r.maxPointsPerInvoice).toString() };
}

export function policyOut(currency: string, p: PointsPolicy | undefined) {
  return {
    currency,
    pointValue: new Decimal(p?.pointValue ?? '1').toString(),
    maxPointsPerInvoice: p?.maxPointsPerInvoice == null ? null : toMoneyString(new Decimal(p.maxPointsPerInvoice), currency),
  };
}

export async function listPointsPolicies({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'payments:read');
  const rows = await q(ctx).select().from(pointsPolicies).where(eq(pointsPolicies.tenantId, ctx.tenantId)).orderBy(asc(pointsPolicies.currency));
  return { data: rows.map((r) => policyOut(r.currency, toPolicy(r))) };
}

export async function putPointsPolicy({ ctx, currency, input }: { ctx: Ctx; currency: string; input: { pointValue: string; maxPointsPerInvoice?: string | null } }) {
  assertPermission(ctx, 'payments:write');
  const issues = [];
  if (!isCurrencyCode(currency)) issues.push({ path: 'currency', message: 'is not an ISO 4217 currency code' });
  if (!isDecimalString(input.pointValue) || !new Decimal(input.pointValue).greaterThan(0) || tooLarge(input.pointValue) || new Decimal(input.pointValue).decimalPlaces() > 15) issues.push({ path: 'pointValue', message: 'must be a decimal string greater than 0 and less than 10^18, at most 15 decimals' });
  const cap = input.maxPointsPerInvoice;
  if (cap != null && (!isDecimalString(cap) || new Decimal(cap).isNegative() || tooLarge(cap) || new Decimal(cap).decimalPlaces() > 15)) issues.push({ path: 'maxPointsPerInvoice', message: 'must be a decimal string of 0 or more, or null for no cap' });
  if (issues.length) throw invalid(issues);
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(pointsPolicies).where(and(eq(pointsPolicies.tenantId, ctx.tenantId), eq(pointsPolicies.currency, currency)));
    const values = { pointValue: new Decimal(input.pointValue).toString(), maxPointsPerInvoice: cap == null ? null : new Decimal(cap).toString(), updatedAt: ctx.now() };
    const [row] = await tx.insert(pointsPolicies).values({ tenantId: ctx.tenantId, currency, ...values })
      .onConflictDoUpdate({ target: [pointsPolicies.tenantId, pointsPolicies.currency], set: values }).returning();
    const out = policyOut(currency, toPolicy(row));
    await recordAudit(tx, tctx, { action: 'wallet.points_policy', entityType: 'points_policy', entityId: null, before: before ? policyOut(currency, toPolicy(before)) : null, after: out });
    return out;
  });
}
