/**
 * Customer CSV imports as a resource: `POST /customers/import` stages the file and enqueues the
 * job (import-job.ts); small files are then run right away and answered as before (200 with the
 * report, or 422 with every row problem), larger ones answer 202 with the import to poll.
 */
import { and, eq, getTableColumns } from 'drizzle-orm';
import { customerImports, jobs } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound, ZOD_ISSUE } from '../lib/errors';
import { enqueue } from '../jobs/queue';
import { drainJobs } from '../jobs/worker';
import { csvRecords, CsvSyntaxError } from './csv';
import { rowProblems, type RowIssue } from './csv-io';
import { IMPORT_JOB, importDedupeKey, timeSlicer } from './import-job';

/** Data rows per file. 100,000 rows import in well under a minute on PGlite (bench:import). */
export const MAX_IMPORT_ROWS = 100_000;
/** Files up to this many rows are answered when done, unless the caller asks for 202 (wait=false). */
export const SYNC_IMPORT_ROWS = 1_000;

/**
 * An import without its staged file: what status reads need. The file is up to 20 MB of text;
 * reading it back on every poll (and from the insert's RETURNING) cost more than the poll itself,
 * and on PGlite that time holds every other request.
 */
const { csv: _csv, ...STATUS_COLUMNS } = getTableColumns(customerImports);
type ImportRow = Omit<typeof customerImports.$inferSelect, 'csv'>;
const FINAL = new Set(['done', 'invalid', 'failed']);

export function importOut(imp: ImportRow) {
  return {
    id: imp.id, status: imp.status as 'queued' | 'validating' | 'applying' | 'done' | 'invalid' | 'failed', dryRun: imp.dryRun,
    rows: imp.rows, processed: imp.processed, created: imp.created, updated: imp.updated,
    errors: imp.errors.map((e) => ({ line: e.line, field: e.field, message: e.message })), error: imp.error,
    createdAt: imp.createdAt.toISOString(), startedAt: imp.startedAt?.toISOString() ?? null, finishedAt: imp.finishedAt?.toISOString() ?? null,
  };
}
export type ImportOut = ReturnType<typeof importOut>;

/**
 * Counts data rows, stopping past the cap, with yields so a large upload does not hold the
 * server while it is counted. A syntax error stops the count; the job reports it with its line.
 */
async function countRows(csv: string): Promise<number> {
  let n = 0;
  const slice = timeSlicer();
  try {
    for (const _ of csvRecords(csv)) {
      if (++n > MAX_IMPORT_ROWS + 1) break;
      await slice();
    }
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
  }
  return Math.max(0, n - 1);
}

/** Stages the file and enqueues its job, in the caller's transaction when there is one (Idempotency-Key). */
export async function startImport({ ctx, csv, dryRun }: { ctx: Ctx; csv: string; dryRun: boolean }): Promise<ImportRow> {
  assertPermission(ctx, 'customers:write');
  const rows = await countRows(csv);
  if (rows > MAX_IMPORT_ROWS) {
    throw invalid([{ path: 'csv', message: `has more than ${MAX_IMPORT_ROWS} rows; import at most ${MAX_IMPORT_ROWS} rows per file (split it)` }]);
  }
  return withTransaction(ctx, async (tx) => {
    const [imp] = await tx.insert(customerImports).values({
      tenantId: ctx.tenantId, dryRun, csv, rows, actor: ctx.actor, requestId: ctx.requestId, createdAt: ctx.now(),
    }).returning(STATUS_COLUMNS);
    await enqueue(tx, [{ tenantId: ctx.tenantId, kind: IMPORT_JOB, payload: { importId: imp.id }, dedupeKey: importDedupeKey(imp.id) }]);
    return imp;
  });
}

export async function getImport({ ctx, id }: { ctx: Ctx; id: string }): Promise<ImportRow> {
  assertPermission(ctx, 'customers:read');
  const [imp] = await q(ctx).select(STATUS_COLUMNS).from(customerImports).where(and(eq(customerImports.id, id), eq(customerImports.tenantId, ctx.tenantId)));
  if (!imp) throw notFound('Import');
  return imp;
}

/**
 * Runs the import's job in this request (a worker may have taken it already: then waits for that
 * worker) until it ends. Returns the import as it stands when its job is not running any more:
 * ended, or waiting for a retry after a failed attempt (the caller then answers 202).
 */
export async function runImportNow(ctx: Ctx, imp: ImportRow): Promise<ImportRow> {
  const dedupeKey = importDedupeKey(imp.id);
  try {
    await drainJobs(ctx.db, { now: ctx.now, filter: { kinds: [IMPORT_JOB], tenantId: ctx.tenantId, dedupeKeyPrefix: dedupeKey } });
  } catch {
    // The attempt failed and the job is queued for its retry; the import says how far it got.
  }
  for (;;) {
    const cur = await getImport({ ctx, id: imp.id });
    if (FINAL.has(cur.status)) return cur;
    const [job] = await ctx.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.dedupeKey, dedupeKey));
    if (job?.status !== 'running') return cur;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `POST /customers/import`: 200 with the finished import, 422 with every row problem for a
 * real import with bad rows (nothing stored), or 202 with the import still running.
 * An open transaction (the Idempotency-Key middleware's) cannot wait: its job only becomes
 * visible to a worker once that transaction commits, so such a request always gets 202.
 */
export async function importCustomers({ ctx, csv, dryRun, wait }: { ctx: Ctx; csv: string; dryRun: boolean; wait?: boolean }) {
  const imp = await startImport({ ctx, csv, dryRun });
  if (ctx.tx || !(wait ?? imp.rows <= SYNC_IMPORT_ROWS)) return { status: 202 as const, body: importOut(imp) };
  const done = await runImportNow(ctx, imp);
  if (!FINAL.has(done.status)) return { status: 202 as const, body: importOut(done) };
  if (done.status === 'invalid') {
    throw rowProblems(done.errors.map((e): RowIssue => ({ line: e.line, field: e.field, message: e.message, ...(e.zod ? { [ZOD_ISSUE]: e.zod } : {}) })));
  }
  return { status: 200 as const, body: importOut(done) };
}
