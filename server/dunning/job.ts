/**
 * The dunning job kind: one run per tenant and local date, every day at DUNNING_AT tenant time
 * (registerSchedule, server/job-kinds.ts), or started by hand (POST /dunning/runs). The run is
 * idempotent per invoice and step (run.ts), so a retried or duplicated job does nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { registerJobKind, type JobKind } from '../jobs/registry';
import { enqueue } from '../jobs/queue';
import { registerSchedule, type DailySchedule } from '../jobs/schedules';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { recordAudit } from '../audit/record';
import { tenantToday } from '../tenants/tenant-settings';
import { runDunning } from './run';
import { DUNNING_OUTBOX } from './outbox';
import { sendOutbox } from './outbox-send';
import { mailerFromEnv } from '../mail';

export const DUNNING_DAILY = 'dunning.daily';
/** Local time of the daily run: after the night's bill runs, before the working day. */
export const DUNNING_AT = process.env.DUNNING_AT ?? '06:00';

interface Payload { tenantId: string; localDate: string }

const kind: JobKind = {
  kind: DUNNING_DAILY,
  run: async (job, { db, now, signal, holdLease }) => {
    const p = job.payload as Payload;
    await runDunning({ db, tenantId: p.tenantId, date: p.localDate, now, signal, holdLease: (tx) => holdLease(tx) });
  },
  // Each attempt resumes where the last stopped (claimed steps are skipped), so retrying is safe.
  retry: { maxAttempts: 5, backoff: { baseMs: 60_000, capMs: 30 * 60_000 } },
};
/** The reminder outbox's sender (outbox-send.ts): idempotent per row, so a retried job sends nothing twice. */
const outboxKind: JobKind = {
  kind: DUNNING_OUTBOX,
  run: async (job, { db, now, signal, holdLease }) => {
    const { tenantId } = job.payload as { tenantId: string };
    const mailer = mailerFromEnv();
    try {
      await sendOutbox({ db, tenantId, now, signal, mailer, holdLease: (tx) => holdLease(tx) });
    } finally {
      mailer?.close();
    }
  },
  retry: { maxAttempts: 5, backoff: { baseMs: 60_000, capMs: 30 * 60_000 } },
};
const schedule: DailySchedule = { kind: DUNNING_DAILY, everyDay: { at: DUNNING_AT }, perTenant: true };

export function registerDunningJobs() {
  registerJobKind(kind);
  registerJobKind(outboxKind);
  registerSchedule(schedule);
}

/** Starts a run by hand: a job for today (tenant time) or the given date, picked up by the worker. */
export async function startDunningRun({ ctx, date }: { ctx: Ctx; date?: string }) {
  assertPermission(ctx, 'dunning:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const localDate = date ?? (await tenantToday(tx, tctx));
    const dedupeKey = `dunning:manual:${ctx.tenantId}:${localDate}:${randomUUID()}`;
    await enqueue(tx, [{ tenantId: ctx.tenantId, kind: DUNNING_DAILY, payload: { tenantId: ctx.tenantId, localDate } satisfies Payload, dedupeKey }]);
    await recordAudit(tx, tctx, { action: 'dunning.run', entityType: 'dunning_run', entityId: null, after: { localDate, dedupeKey } });
    return { localDate, dedupeKey };
  });
}
