/**
 * Payment methods of a bill-to party (a payer, or a customer paying its own invoices): list,
 * change the default or auto-collection, remove. Adding one talks to the provider first
 * (add-payment-method.ts). The provider's token never leaves the server.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { paymentMethods } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { conflict, notFound } from '../../lib/errors';
import { recordAudit } from '../../audit/record';
import { findBillTo } from '../../customers/bill-to';
import type { PaymentMethodPatch } from './schemas';

export type MethodRow = typeof paymentMethods.$inferSelect;

export function methodOut(m: MethodRow) {
  return { id: m.id, billTo: m.billTo, payerId: m.payerId, customerId: m.customerId, type: m.type, provider: m.provider, brand: m.brand, last4: m.last4,
    expMonth: m.expMonth, expYear: m.expYear, bankName: m.bankName, accountNumber: m.accountNumber, accountHolder: m.accountHolder,
    isDefault: m.isDefault, autoCollect: m.autoCollect, status: m.status, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() };
}

export async function listPaymentMethods({ ctx, billTo }: { ctx: Ctx; billTo: string }) {
  assertPermission(ctx, 'payments:read');
  if (!(await findBillTo(q(ctx), ctx, billTo))) throw notFound('Payer');
  const rows = await q(ctx).select().from(paymentMethods)
    .where(and(eq(paymentMethods.tenantId, ctx.tenantId), eq(paymentMethods.billTo, billTo), eq(paymentMethods.status, 'active')))
    .orderBy(desc(paymentMethods.isDefault), asc(paymentMethods.createdAt));
  return { data: rows.map(methodOut) };
}

export async function findMethod(tx: Tx | Ctx['db'], ctx: Ctx, id: string, lock = false): Promise<MethodRow> {
  const sel = tx.select().from(paymentMethods).where(and(eq(paymentMethods.tenantId, ctx.tenantId), eq(paymentMethods.id, id), eq(paymentMethods.status, 'active')));
  const [m] = lock ? await sel.for('update') : await sel;
  if (!m) throw notFound('Payment method');
  return m;
}

/** The party's default method, if it has an active one. */
export async function defaultMethod(db: Tx | Ctx['db'], tenantId: string, billTo: string): Promise<MethodRow | null> {
  const [m] = await db.select().from(paymentMethods)
    .where(and(eq(paymentMethods.tenantId, tenantId), eq(paymentMethods.billTo, billTo), eq(paymentMethods.isDefault, true), eq(paymentMethods.status, 'active')));
  return m ?? null;
}

/** Makes `m` the default: the old default steps down first (one default per party, a unique index). */
export async function makeDefault(tx: Tx, ctx: Ctx, m: Pick<MethodRow, 'id' | 'billTo'>) {
  await tx.update(paymentMethods).set({ isDefault: false, updatedAt: ctx.now() })
    .where(and(eq(paymentMethods.tenantId, ctx.tenantId), eq(paymentMethods.billTo, m.billTo), eq(paymentMethods.isDefault, true)));
  await tx.update(paymentMethods).set({ isDefault: true, updatedAt: ctx.now() }).where(eq(paymentMethods.id, m.id));
}

export async function updatePaymentMethod({ ctx, id, input }: { ctx: Ctx; id: string; input: PaymentMethodPatch }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const before = await findMethod(tx, tctx, id, true);
    if (input.autoCollect && before.type === 'virtual_account') throw conflict('A virtual account is paid by the payer\'s transfer; it cannot be charged automatically', [{ path: 'autoCollect', message: 'not for a virtual account' }]);
    if (input.isDefault) await makeDefault(tx, tctx, before);
    if (input.autoCollect !== undefined) await tx.update(paymentMethods).set({ autoCollect: input.autoCollect, updatedAt: ctx.now() }).where(eq(paymentMethods.id, id));
    const after = await findMethod(tx, tctx, id);
    await recordAudit(tx, tctx, { action: 'payment_method.update', entityType: 'payment_method', entityId: id, before: methodOut(before), after: methodOut(after) });
    return methodOut(after);
  });
}

export async function removePaymentMethod({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'payments:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const before = await findMethod(tx, tctx, id, true);
    // Kept (removed) for the payments and attempts that name it; never charged again.
    const [after] = await tx.update(paymentMethods).set({ status: 'removed', isDefault: false, autoCollect: false, updatedAt: ctx.now() }).where(eq(paymentMethods.id, id)).returning();
    await recordAudit(tx, tctx, { action: 'payment_method.remove', entityType: 'payment_method', entityId: id, before: methodOut(before), after: methodOut(after) });
    return methodOut(after);
  });
}
