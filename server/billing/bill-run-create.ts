/**
 * Creating a bill run (정기 청구 작업): finds the payers with subscriptions active in the period
 * and enqueues one job per chunk of payers; the worker rates and writes each chunk
 * (bill-run-job.ts → bill-run-load.ts, bill-run-write.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { billRuns, customers, subscriptionPhases, subscriptions } from '../db/schema';
import { assertPermission, withTransaction, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { addDays, addInterval, isIsoDate, periodContaining } from '../lib/dates';
import { enqueue } from '../jobs/queue';
import { tenantToday } from '../tenants/tenant-settings';
import { billRunOut } from './bill-run-queries';
import { groupByCode } from './bill-run-groups';

export const BILL_RUN_JOB = 'bill_run.chunk';
export const DEFAULT_CHUNK = Number(process.env.BILL_RUN_CHUNK ?? 500);

export interface BillRunInput {
  groupCode?: string; periodStart?: string; periodEnd?: string; dryRun?: boolean; chunkSize?: number;
  /** A real run of a period that has not ended yet (usage still arriving) must say so explicitly. */
  allowOpenPeriod?: boolean;
  /** Internal (re-bill after a void): only these bill-to keys, not every payer of the group. */
  billTos?: string[];
}

/** The bill-to key of a customer: its payer, or itself when it pays its own invoices. */
const billToSql = sql<string>`coalesce(${customers.payerId}, ${customers.id})`;

/** Creates a run and its jobs; the worker does the rest. */
export async function createBillRun({ ctx, input }: { ctx: Ctx; input: BillRunInput }) {
  assertPermission(ctx, 'billing:write');
  // A previous run may have just written many bills and invoices; fresh planner statistics keep
  // this run's "already billed / already invoiced" lookups on their indexes (a re-run of a 100,000
  // subscription period otherwise scans: README "Performance"). ANALYZE samples, so it is cheap.
  if (!ctx.tx) await ctx.db.execute(sql`analyze bills, invoices, subscriptions, subscription_phases`);
  return withTransaction(ctx, async (tx, tctx) => {
    let cycleDay = 1;
    let anniversary = false;
    if (input.groupCode) {
      const g = await groupByCode(tx, ctx.tenantId, input.groupCode);
      if (!g) throw invalid([{ path: 'groupCode', message: `no bill-run group "${input.groupCode}"` }]);
      // Anniversary groups run per calendar month (README "Anniversary groups").
      anniversary = g.mode === 'anniversary';
      cycleDay = anniversary ? 1 : g.cycleDay;
    }
    // Default: the latest period of the group that has ended, in the tenant's time zone.
    const today = await tenantToday(tx, tctx);
    const start = input.periodStart ?? periodContaining(addDays(periodContaining(today, cycleDay).start, -1), cycleDay).start;
    if (!isIsoDate(start)) throw invalid([{ path: 'periodStart', message: 'must be a date YYYY-MM-DD' }]);
    if (periodContaining(start, cycleDay).start !== start) {
      throw invalid([{ path: 'periodStart', message: `must fall on the group's cycle day ${cycleDay} (periods of one group never overlap)` }]);
    }
    const end = input.periodEnd ?? addInterval(start, 'month', 1, cycleDay);
    if (!isIsoDate(end) || end <= start) throw invalid([{ path: 'periodEnd', message: 'must be a date after periodStart' }]);
    if (anniversary && end !== addInterval(start, 'month', 1, 1)) throw invalid([{ path: 'periodEnd', message: 'an anniversary run covers one calendar month; leave periodEnd out' }]);
    // A period has ended when today (tenant time zone) is on or after its exclusive end. Billing an
    // open period for real freezes usage that is still arriving, so it needs an explicit choice.
    if (!input.dryRun && today < end && !input.allowOpenPeriod) {
      throw invalid([{ path: 'allowOpenPeriod', message: `the period ends on ${addDays(end, -1)} and has not ended yet; send allowOpenPeriod: true to bill it anyway, or make a dry run` }]);
    }
    // Anniversary: the periods due in the run month start at the earliest in the month before.
    const from = anniversary ? addInterval(start, 'month', -1, 1) : start;

    const payerRows = await tx.selectDistinct({ billTo: billToSql }).from(subscriptions)
      .innerJoin(customers, eq(customers.id, subscriptions.customerId))
      .where(and(
        eq(subscriptions.tenantId, ctx.tenantId),
        input.groupCode ? eq(subscriptions.billingGroup, input.groupCode) : sql`${subscriptions.billingGroup} is null`,
        input.billTos ? inArray(billToSql, input.billTos) : undefined,
        sql`exists (select 1 from ${subscriptionPhases} p where p.subscription_id = ${subscriptions.id} and p.start_date < ${end} and (p.end_date is null or p.end_date > ${from}))`,
      )).orderBy(billToSql);
    const billTos = payerRows.map((r) => r.billTo);
    const chunk = Math.max(1, input.chunkSize ?? DEFAULT_CHUNK);
    const now = ctx.now();
    const [run] = await tx.insert(billRuns).values({
      tenantId: ctx.tenantId, groupCode: input.groupCode ?? null, periodStart: start, periodEnd: end, dryRun: input.dryRun ?? false,
      status: billTos.length ? 'queued' : 'completed', totalPayers: billTos.length, totalJobs: Math.ceil(billTos.length / chunk),
      createdBy: ctx.actor.name, createdAt: now, finishedAt: billTos.length ? null : now,
    }).returning();
    const list = [];
    for (let i = 0, k = 0; i < billTos.length; i += chunk, k++) {
      list.push({ tenantId: ctx.tenantId, kind: BILL_RUN_JOB, payload: { billRunId: run.id, billTo: billTos.slice(i, i + chunk) }, dedupeKey: `billrun:${run.id}:${k}` });
    }
    await enqueue(tx, list);
    await recordAudit(tx, tctx, { action: 'bill_run.create', entityType: 'bill_run', entityId: run.id, after: run });
    return billRunOut(tx, run);
  });
}
