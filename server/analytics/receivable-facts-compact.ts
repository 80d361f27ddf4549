/**
 * receivable_facts are append-only delta rows (README.md "Billed vs collected"): each writing
 * statement's trigger inserts what it adds per month and currency and never updates a row, so
 * writers of one tenant and month never wait for each other. Readers sum the rows; this job folds
 * a tenant's rows into one per month and currency every night so that the sums stay short.
 *
 * Safe while writers run (READ COMMITTED): the DELETE takes only rows committed before it began
 * (a writer's rows not yet committed stay, and are folded the next night), and the INSERT puts
 * back exactly the sums of the rows it deleted, in the same transaction, so readers see the same
 * totals before and after. Two compactions at once: a row is deleted, and so summed, by one only.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { registerSchedule } from '../jobs/schedules';

export const COMPACT_FACTS_JOB = 'analytics.compact_receivable_facts';
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

/** Folds the tenant's fact rows; returns how many rows there were and are. */
export async function compactReceivableFacts(db: DbOrTx, tenantId: string): Promise<{ before: number; after: number }> {
  const [r] = rowsOf(await db.execute(sql`
    with gone as (
      delete from receivable_facts where tenant_id = ${tenantId}
      returning month, currency, billed, issued_count, collected, received_count, outstanding_delta),
    kept as (
      insert into receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
      select ${tenantId}, month, currency, sum(billed), sum(issued_count), sum(collected), sum(received_count), sum(outstanding_delta)
      from gone group by month, currency
      having sum(billed) <> 0 or sum(issued_count) <> 0 or sum(collected) <> 0 or sum(received_count) <> 0 or sum(outstanding_delta) <> 0
      returning 1)
    select (select count(*) from gone)::int as before, (select count(*) from kept)::int as after`));
  return { before: Number(r.before), after: Number(r.after) };
}

async function run(job: Job, env: JobRunEnv) {
  const { tenantId } = job.payload as { tenantId: string };
  await env.db.transaction(async (tx) => {
    await env.holdLease(tx);
    await compactReceivableFacts(tx, tenantId);
  });
}

/** Called where a process starts (server/job-kinds.ts). */
export function registerAnalyticsJobs() {
  registerJobKind({ kind: COMPACT_FACTS_JOB, run, retry: { maxAttempts: 3 } });
  registerSchedule({ kind: COMPACT_FACTS_JOB, everyDay: { at: '03:30' }, perTenant: true });
}
