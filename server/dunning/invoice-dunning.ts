/**
 * One invoice's dunning: its timeline (every decision of every run, newest first), the steps
 * taken, and the manual controls (pause, promise to pay) a person sets.
 */
import { dunningReasonOf } from './reasons';
import { and, asc, desc, eq } from 'drizzle-orm';
import { dunningActions, dunningControls, dunningTimeline, invoices } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { notFound } from '../lib/errors';
import { recordAudit } from '../audit/record';

type ActionRow = typeof dunningActions.$inferSelect;
type ControlRow = typeof dunningControls.$inferSelect;

export function actionOut(a: ActionRow) {
  return {
    id: a.id, invoiceId: a.invoiceId, billTo: a.billTo, ruleCode: a.ruleCode, ruleVersion: a.ruleVersion, step: a.step, action: a.action, status: a.status,
    runDate: a.runDate, lastAttemptOn: a.lastAttemptOn, attempts: a.attempts, result: a.result, error: a.error, reversedAt: a.reversedAt?.toISOString() ?? null,
  };
}
const controlOut = (c: ControlRow | undefined) => (c ? { pausedUntil: c.pausedUntil, promiseToPayOn: c.promiseToPayOn, note: c.note, updatedBy: c.updatedBy, updatedAt: c.updatedAt.toISOString() } : null);

async function assertInvoice(ctx: Ctx, id: string) {
  const [i] = await q(ctx).select({ id: invoices.id }).from(invoices).where(and(eq(invoices.tenantId, ctx.tenantId), eq(invoices.id, id)));
  if (!i) throw notFound('Invoice');
}

export async function invoiceDunning({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'dunning:read');
  await assertInvoice(ctx, id);
  const db = q(ctx);
  const [timeline, steps, [control]] = await Promise.all([
    db.select().from(dunningTimeline).where(and(eq(dunningTimeline.tenantId, ctx.tenantId), eq(dunningTimeline.invoiceId, id))).orderBy(desc(dunningTimeline.createdAt), desc(dunningTimeline.id)).limit(500),
    db.select().from(dunningActions).where(and(eq(dunningActions.tenantId, ctx.tenantId), eq(dunningActions.invoiceId, id))).orderBy(asc(dunningActions.createdAt), asc(dunningActions.step)),
    db.select().from(dunningControls).where(and(eq(dunningControls.tenantId, ctx.tenantId), eq(dunningControls.invoiceId, id))),
  ]);
  return {
    invoiceId: id,
    control: controlOut(control),
    steps: steps.map(actionOut),
    timeline: timeline.map((t) => ({ id: t.id, runDate: t.runDate, ruleCode: t.ruleCode, ruleVersion: t.ruleVersion, action: t.action, decision: t.decision, reason: t.reason, ...dunningReasonOf(t.reason), facts: t.facts, trace: t.trace ?? null, createdAt: t.createdAt.toISOString() })),
  };
}

export interface ControlIn { pausedUntil?: string | null; promiseToPayOn?: string | null; note?: string | null }

/** Sets or clears the invoice's manual controls (absent fields keep their value, null clears). */
export async function setControl({ ctx, id, input }: { ctx: Ctx; id: string; input: ControlIn }) {
  assertPermission(ctx, 'dunning:write');
  await assertInvoice(ctx, id);
  return withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(dunningControls).where(and(eq(dunningControls.tenantId, ctx.tenantId), eq(dunningControls.invoiceId, id))).for('update');
    const next = {
      pausedUntil: input.pausedUntil !== undefined ? input.pausedUntil : (before?.pausedUntil ?? null),
      promiseToPayOn: input.promiseToPayOn !== undefined ? input.promiseToPayOn : (before?.promiseToPayOn ?? null),
      note: input.note !== undefined ? input.note : (before?.note ?? null),
      updatedBy: ctx.actor.name, updatedAt: ctx.now(),
    };
    const [after] = await tx.insert(dunningControls).values({ tenantId: ctx.tenantId, invoiceId: id, ...next })
      .onConflictDoUpdate({ target: [dunningControls.tenantId, dunningControls.invoiceId], set: next }).returning();
    await recordAudit(tx, tctx, { action: 'dunning.control', entityType: 'invoice', entityId: id, before: controlOut(before), after: controlOut(after) });
    return controlOut(after)!;
  });
}
