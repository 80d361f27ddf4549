/**
 * receivable_facts, mrr_facts and open_receivable_facts are append-only delta rows (README.md
 * "Billed vs collected", "Speed"): each writing statement's trigger inserts what it adds per key
 * (month and currency; …) and never updates a row, so writers of one tenant and month never wait
 * for each other. Readers sum the rows; this job folds a tenant's rows into one per key every
 * night so that the sums stay short.
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

/** Folds the tenant's receivable_facts rows; returns how many rows there were and are. */
export async function compactReceivableFacts(db: DbOrTx, tenantId: string): Promise<{ before: number; after: number }> {
  return fold(db, tenantId, 'receivable_facts', ['month', 'currency'], ['billed', 'issued_count', 'collected', 'received_count', 'outstanding_delta']);
}

/** The same for mrr_facts and open_receivable_facts (server/db/schema/mrr-facts.ts). */
export async function compactMrrAndOpenFacts(db: DbOrTx, tenantId: string) {
  return {
    mrr: await fold(db, tenantId, 'mrr_facts', ['month', 'currency', 'cohort_month', 'kind'], ['amount', 'movements']),
    open: await fold(db, tenantId, 'open_receivable_facts', ['currency', 'issue_date', 'due_date'], ['open', 'invoices']),
  };
}

/** The same for the bill-based dashboard's invoice_period_facts and subscription_span_facts (server/db/schema/dashboard-facts.ts). */
export async function compactDashboardFacts(db: DbOrTx, tenantId: string) {
  return {
    invoices: await fold(db, tenantId, 'invoice_period_facts', ['month', 'currency', 'status'], ['invoices', 'total']),
    subscriptions: await fold(db, tenantId, 'subscription_span_facts', ['plan_code', 'start_month', 'end_month'], ['subscriptions']),
  };
}

/**
 * One statement: delete the tenant's rows and insert their sums per key, dropping keys whose sums
 * are all zero. `keys` and `sums` are column names written here, never input.
 */
async function fold(db: DbOrTx, tenantId: string, table: string, keys: string[], sums: string[]) {
  const [k, v] = [keys.join(', '), sums.join(', ')];
  const [r] = rowsOf(await db.execute(sql`
    with gone as (delete from ${sql.raw(table)} where tenant_id = ${tenantId} returning ${sql.raw(`${k}, ${v}`)}),
    kept as (
      insert into ${sql.raw(table)} (tenant_id, ${sql.raw(`${k}, ${v}`)})
      select ${tenantId}, ${sql.raw(`${k}, ${sums.map((c) => `sum(${c})`).join(', ')}`)} from gone group by ${sql.raw(k)}
      having ${sql.raw(sums.map((c) => `sum(${c}) <> 0`).join(' or '))}
      returning 1)
    select (select count(*) from gone)::int as before, (select count(*) from kept)::int as after`));
  return { before: Number(r.before), after: Number(r.after) };
}

/** The nightly job's folds, in its order: receivable, MRR and open, dashboard facts; returns the receivable facts' row counts. */
export async function compactAnalyticsFacts(db: DbOrTx, tenantId: string): Promise<{ before: number; after: number }> {
  const r = await compactReceivableFacts(db, tenantId);
  await compactMrrAndOpenFacts(db, tenantId);
  await compactDashboardFacts(db, tenantId);
  return r;
}

async function run(job: Job, env: JobRunEnv) {
  const { tenantId } = job.payload as { tenantId: string };
  await env.db.transaction(async (tx) => {
    await env.holdLease(tx);
    await compactAnalyticsFacts(tx, tenantId);
  });
}

/** Called where a process starts (server/job-kinds.ts). */
export function registerAnalyticsJobs() {
  registerJobKind({ kind: COMPACT_FACTS_JOB, run, retry: { maxAttempts: 3 } });
  registerSchedule({ kind: COMPACT_FACTS_JOB, everyDay: { at: '03:30' }, perTenant: true });
}
