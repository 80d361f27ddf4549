/**
 * The nightly churn scoring (kind `churn.score`): once a day per tenant at 02:30 in its time zone
 * (server/jobs schedules), every subscriber is scored with the active model as of the tenant's
 * date and the scores are stored (one row per customer, model and day: a rerun replaces, never
 * adds). A tenant without an active model is skipped.
 */
import { postgresJsClient } from '../db/driver';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { registerSchedule } from '../jobs/schedules';
import { activeModel } from './models';
import { scoreCustomers } from './score';

export const CHURN_SCORE_JOB = 'churn.score';

async function run(job: Job, env: JobRunEnv) {
  const { tenantId, localDate } = job.payload as { tenantId: string; localDate: string };
  const model = await activeModel(env.db, tenantId);
  if (!model) return;
  await env.db.transaction(async (tx) => {
    await env.holdLease(tx);
    // On PostgreSQL the features are read through the pool (two connections at once); PGlite has one
    // connection, which this transaction holds, so they are read in it.
    await scoreCustomers(tx, tenantId, model, localDate, { store: true, now: env.now(), readDb: postgresJsClient(env.db) ? env.db : undefined });
  });
}

const kind = { kind: CHURN_SCORE_JOB, run, retry: { maxAttempts: 3, backoff: { baseMs: 60_000, capMs: 3_600_000 } } };
const nightly = { kind: CHURN_SCORE_JOB, everyDay: { at: '02:30' }, perTenant: true } as const;

/** Called where a process starts (server/job-kinds.ts); the same definitions each time, so repeating it is a no-op. */
export function registerChurnJobs() {
  registerJobKind(kind);
  registerSchedule(nightly);
}
