/**
 * The reminder outbox, run side: a claimed reminder's row in `dunning_outbox` is written in the
 * same transaction as its claim (apply.ts), so a crash neither loses nor doubles an e-mail; the
 * `dunning.outbox` job (outbox-send.ts) sends what is pending. One row per attempt of a step
 * (unique step + attempt): writing it twice is a no-op.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { dunningOutbox } from '../db/schema';
import { insertRows } from '../db/bulk';
import { enqueue } from '../jobs/queue';
import { toMoneyString } from '../lib/money';
import type { InvoiceDecision } from './decide';
import type { ActionRow } from './load';
import type { Fired } from './policy';
import type { StepEnv } from './steps';

export const DUNNING_OUTBOX = 'dunning.outbox';

export interface OutboxItem { d: InvoiceDecision; row: ActionRow; f: Fired }

/** What the sender needs besides the invoice row: the rule, the step, the words, and the facts and trace for the timeline. */
export interface OutboxPayload {
  ruleCode: string;
  ruleVersion: number;
  step: number;
  template: string;
  facts: Record<string, unknown>;
  trace: unknown;
  amountOwed: string;
  daysOverdue: number;
}

const COLUMNS = ['id', 'tenant_id', 'action_id', 'attempt', 'invoice_id', 'run_date', 'status', 'tries', 'next_attempt_at', 'payload', 'created_at', 'updated_at'] as const;

/** One pending outbox row per claimed reminder (its step's current attempt); returns how many were new. */
export async function queueReminders(tx: Tx, env: StepEnv, items: OutboxItem[]): Promise<number> {
  if (!items.length) return 0;
  const now = env.ctx.now();
  const rows = items.map(({ d, row, f }) => ({
    id: randomUUID(), tenant_id: env.ctx.tenantId, action_id: row.id, attempt: row.attempts, invoice_id: d.od.inv.id, run_date: env.today, status: 'pending', tries: 0, next_attempt_at: now,
    payload: { ruleCode: f.rule.id, ruleVersion: f.rule.version, step: row.step, template: f.rule.params.template ?? 'overdue', facts: f.facts, trace: f.trace,
      amountOwed: toMoneyString(d.od.owed, d.od.inv.currency), daysOverdue: d.daysOverdue } satisfies OutboxPayload,
    created_at: now, updated_at: now,
  }));
  return (await insertRows(tx, 'dunning_outbox', COLUMNS, rows, { onConflictDoNothing: true, returning: ['id'] })).length;
}

/** Pending reminders of stopped steps (exclusion, payment) are never sent. */
export async function cancelOutbox(tx: Tx, tenantId: string, actionIds: string[], now: Date) {
  for (let i = 0; i < actionIds.length; i += 1000) {
    await tx.update(dunningOutbox).set({ status: 'cancelled', error: 'the step was stopped', updatedAt: now })
      .where(and(eq(dunningOutbox.tenantId, tenantId), inArray(dunningOutbox.actionId, actionIds.slice(i, i + 1000)), eq(dunningOutbox.status, 'pending')));
  }
}

/** A sender job for the tenant, in the caller's transaction (so it exists exactly when the rows it sends do). */
export async function enqueueOutboxSend(tx: Tx, tenantId: string, dedupeKey: string, runAt?: Date) {
  await enqueue(tx, [{ tenantId, kind: DUNNING_OUTBOX, payload: { tenantId }, dedupeKey, runAt }]);
}
