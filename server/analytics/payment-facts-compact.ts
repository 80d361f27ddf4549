/**
 * payment_facts, payment_allocation_facts, late_payer_facts, promotion_facts and promotion_roi_facts are append-only
 * delta rows (server/db/schema/payment-facts.ts): each writing statement's trigger inserts what it adds and
 * never updates a row, so writers never wait for each other. Readers sum the rows; this nightly job
 * folds a tenant's rows into one per key, the way `receivable-facts-compact.ts` does and for the
 * same reasons it is safe while writers run: one statement per table, the DELETE takes only rows
 * committed before it began, and the INSERT puts back exactly their sums.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { rowsOf } from '../db/bulk';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { registerSchedule } from '../jobs/schedules';
import { tenantSettings } from '../tenants/tenant-settings';
import { todayInZone } from '../lib/dates';

export const COMPACT_PAYMENT_FACTS_JOB = 'analytics.compact_payment_facts';

/** table, its key columns, its summed columns */
const TABLES: [string, string[], string[]][] = [
  ['payment_facts', ['day', 'hour', 'method', 'currency', 'status', 'decline_code'], ['n', 'amount']],
  ['payment_allocation_facts', ['month', 'method', 'currency', 'customer_type', 'bucket'], ['n', 'on_time', 'late']],
  ['late_payer_facts', ['month', 'currency', 'bill_to'], ['late', 'days_late']],
  ['promotion_facts', ['rule', 'month', 'currency', 'customer_id'], ['invoices', 'lines', 'amount']],
  ['promotion_roi_facts', ['kind', 'currency', 'rule', 'm', 'p', 'q', 'live'], ['n', 'rev']],
];

/** Folding changes no sum: the triggers that rebuild per party or customer on these tables' inserts skip it (migrations late_payer_months, promotion_roi_facts). */
const REBUILT_ON_INSERT = new Set(['late_payer_facts', 'promotion_facts']);

function fold(table: string, keys: string[], sums: string[], tenantId: string): SQL {
  const cols = [...keys, ...sums].join(', ');
  return sql`
    with gone as (delete from ${sql.raw(table)} where tenant_id = ${tenantId} returning ${sql.raw(cols)}),
    kept as (
      insert into ${sql.raw(table)} (tenant_id, ${sql.raw(cols)})
      select ${tenantId}, ${sql.raw([...keys, ...sums.map((s) => `sum(${s})`)].join(', '))}
      from gone group by ${sql.raw(keys.join(', '))} having ${sql.raw(sums.map((s) => `sum(${s}) <> 0`).join(' or '))}
      returning 1)
    select (select count(*) from gone)::int as before, (select count(*) from kept)::int as after`;
}

/**
 * Folds the tenant's payment and promotion fact rows; returns how many rows there were and are, over
 * the five tables. With `today` (the tenant's), first moves promotion_roi_facts' as-of date to it,
 * recomputing the customers with MRR movements dated in between (migration `promotion_roi_as_of`).
 */
export async function compactPaymentFacts(db: DbOrTx, tenantId: string, today?: string): Promise<{ before: number; after: number; rolled: number }> {
  let before = 0, after = 0, rolled = 0;
  if (today) rolled = Number(rowsOf<{ n: number }>(await db.execute(sql`select bw_promo_roi_roll(${tenantId}, ${today}::date) as n`))[0].n);
  for (const [table, keys, sums] of TABLES) {
    const folding = REBUILT_ON_INSERT.has(table);
    if (folding) await db.execute(sql`select set_config('bw.folding_facts', 'on', true)`);
    const [r] = rowsOf<Record<string, unknown>>(await db.execute(fold(table, keys, sums, tenantId)));
    if (folding) await db.execute(sql`select set_config('bw.folding_facts', 'off', true)`);
    before += Number(r.before);
    after += Number(r.after);
  }
  return { before, after, rolled };
}

async function run(job: Job, env: JobRunEnv) {
  const { tenantId } = job.payload as { tenantId: string };
  await env.db.transaction(async (tx) => {
    await env.holdLease(tx);
    await compactPaymentFacts(tx, tenantId, todayInZone((await tenantSettings(tx, tenantId)).timezone, env.now()));
  });
}

/** Called where a process starts (server/job-kinds.ts). */
export function registerPaymentFactsJobs() {
  registerJobKind({ kind: COMPACT_PAYMENT_FACTS_JOB, run, retry: { maxAttempts: 3 } });
  registerSchedule({ kind: COMPACT_PAYMENT_FACTS_JOB, everyDay: { at: '03:40' }, perTenant: true });
}
