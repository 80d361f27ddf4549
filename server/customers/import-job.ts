/**
 * The customer CSV import as a job (kind `customers.import`), so a large file never holds the
 * server: the file is read and checked in slices that give the event loop (and PGlite's single
 * connection) back between them, and written in chunks, each its own short transaction.
 *
 * All or nothing still holds for what a caller can see: the whole file is validated before the
 * first write, and a file with any bad row stores nothing. Once validation passed, chunks are
 * applied in file order; each chunk's upsert (by externalId) and the import's progress counters
 * commit together, so a job retried after a crash resumes at the first unapplied row and counts
 * nothing twice. Only when every chunk is in is the import `done` (and audited, once).
 * README.md ("Imports as jobs") gives the reasons.
 */
import { and, eq, sql } from 'drizzle-orm';
import { customerImports, customers } from '../db/schema';
import type { Db, Tx } from '../db/client';
import type { Ctx } from '../lib/context';
import { ZOD_ISSUE } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { invalidateMetering } from '../metering/cache';
import { registerJobKind, type Job, type JobKind, type JobRunEnv } from '../jobs/registry';
import { CsvSyntaxError, csvRecords, type CsvRecord } from './csv';
import { checkHeader, loadExisting, loadPayers, planRow, type Lookups, type PlannedRow, type RowIssue } from './csv-io';
import { tenantDefaults } from './customers';
import { upsertCustomers, writePlanned } from './import-write';

export const IMPORT_JOB = 'customers.import';
export const importDedupeKey = (importId: string) => `customer-import:${importId}`;

/**
 * Rows per validation slice and, on PGlite, per write transaction (`IMPORT_CHUNK_ROWS`, default
 * 200). The event loop is not given back inside a slice, so its length bounds how long another
 * request waits: a 200-row upsert is a few tens of milliseconds on an idle PGlite. Read when a
 * job runs, so tests can use small chunks.
 */
export const importChunkRows = () => Math.max(1, Number(process.env.IMPORT_CHUNK_ROWS ?? 200));

/**
 * Write chunks are sized by time, not rows. PGlite runs inside this process, so while a chunk's
 * statements run no other request is served: its chunks aim at ~60 ms of work
 * (`IMPORT_CHUNK_MS`), so another request waits about that long at most. A PostgreSQL server's
 * work does not hold the event loop and round trips dominate there, so its chunks aim at ~300 ms.
 * A chunk costs a fixed part (the transaction, the lease, the lookup, the counters: tens of ms on
 * a busy machine) plus its rows, so chunks never shrink below a floor (250 rows on PGlite, 1,000
 * on PostgreSQL) where the fixed part would dominate (50-row chunks ran at a fifth of the speed).
 * The size follows the last chunk's rows per ms, at most doubling or halving per step.
 * An explicit IMPORT_CHUNK_ROWS fixes the write chunk on either database (tests step through chunks).
 */
export class ChunkSizer {
  rows: number;
  constructor(start: number, private readonly targetMs: number, private readonly min: number, private readonly max: number) { this.rows = start; }
  /** After a chunk of `rows` rows took `ms`: the next chunk's size. */
  took(rows: number, ms: number): void {
    if (this.min === this.max || rows < this.rows) return; // fixed, or the last short chunk (it says nothing about the rate)
    const ideal = (rows * this.targetMs) / Math.max(ms, 1);
    this.rows = Math.round(Math.min(this.max, Math.max(this.min, this.rows / 2, Math.min(this.rows * 2, ideal))));
  }
}

function writeChunkSizer(db: Db): ChunkSizer {
  if (process.env.IMPORT_CHUNK_ROWS) return new ChunkSizer(importChunkRows(), 0, importChunkRows(), importChunkRows());
  const inProcess = (db as unknown as { $client?: { waitReady?: unknown } }).$client?.waitReady !== undefined;
  const target = Number(process.env.IMPORT_CHUNK_MS ?? (inProcess ? 60 : 300));
  return inProcess ? new ChunkSizer(500, target, 250, 5_000) : new ChunkSizer(2_000, target, 1_000, 10_000);
}

type ImportRow = typeof customerImports.$inferSelect;
type StoredIssue = ImportRow['errors'][number];

/** Gives the event loop back: requests that arrived meanwhile run before the next slice. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Yields when `ms` have passed since the last yield: a loop over records checks it per record
 * (performance.now() costs tens of nanoseconds). A fixed count (every 5,000 records) held the
 * server for 0.25-0.5 s at a time on a loaded machine, the probes' worst waits.
 */
export function timeSlicer(ms = 15): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < ms) return undefined;
    return yieldToLoop().then(() => { last = performance.now(); });
  };
}

/** The file's records, read in slices with a yield between them (parsing 100,000 rows takes a while). */
export async function readRecords(csv: string): Promise<{ records: CsvRecord[]; syntax?: RowIssue }> {
  const records: CsvRecord[] = [];
  const slice = timeSlicer();
  try {
    for (const r of csvRecords(csv)) {
      records.push(r);
      await slice();
    }
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    return { records, syntax: { line: e.line, field: null, message: e.message.replace(/^line \d+: /, '') } };
  }
  return { records };
}

/** The job acts as whoever asked for the import, with only the permission the import needs. */
function importCtx(db: Db, imp: ImportRow, env: JobRunEnv): Ctx {
  return {
    db, tenantId: imp.tenantId, actor: imp.actor, permissions: new Set(['customers:write']), isPlatformAdmin: false,
    now: env.now, requestId: imp.requestId,
  };
}

const store = (errors: RowIssue[]): StoredIssue[] =>
  errors.map((e) => ({ line: e.line, field: e.field, message: e.message, ...(e[ZOD_ISSUE] ? { zod: e[ZOD_ISSUE] } : {}) }));

/** `planned[i]` is row i as validation planned it (absent for a bad row). */
interface Validated { header: string[]; records: CsvRecord[]; errors: RowIssue[]; created: number; updated: number; planned: Array<PlannedRow | undefined> }

/**
 * Checks every row against the database as it is now, a slice at a time. Reads only; progress
 * (`processed`) is written between slices so a caller polling the import sees it move.
 */
async function validate(ctx: Ctx, imp: ImportRow, env: JobRunEnv): Promise<Validated> {
  const { db } = env;
  const { records, syntax } = await readRecords(imp.csv);
  const empty = { header: [], records: [], created: 0, updated: 0, planned: [] };
  if (syntax) return { ...empty, errors: [syntax] };
  if (!records.length) return { ...empty, errors: [{ line: 1, field: null, message: 'the file is empty; the first line must name the columns' }] };
  const [head, ...rows] = records;
  const { header, errors } = checkHeader(head);
  if (errors.length) return { ...empty, header, records: rows, errors };
  const base = { ...(await loadPayers(db, imp.tenantId)), defaults: await tenantDefaults(db, imp.tenantId) };
  const seen = new Map<string, number>();
  const planned: Validated['planned'] = [];
  let created = 0;
  let updated = 0;
  const size = importChunkRows();
  // Customers are read and progress written per block of slices: on a busy server each round trip
  // costs more than planning a slice, and the block's rows need only one query.
  const block = size * 10;
  let progressAt = -Infinity;
  for (let b = 0; b < rows.length; b += block) {
    const blockRows = rows.slice(b, b + block);
    const lk: Lookups = { ...base, existing: await loadExisting(db, imp.tenantId, header, blockRows) };
    for (let i = 0; i < blockRows.length; i += size) {
      env.signal.throwIfAborted();
      for (const rec of blockRows.slice(i, i + size)) {
        const r = planRow(ctx, header, rec, lk, seen);
        errors.push(...r.errors);
        planned.push(r.planned);
        if (r.planned) { if (r.planned.existing) updated++; else created++; }
      }
      await yieldToLoop();
    }
    // At most one progress write a second: one per block was ~10 % of validation on a busy PostgreSQL.
    if (performance.now() - progressAt >= 1000) {
      progressAt = performance.now();
      await db.update(customerImports).set({ processed: b + blockRows.length })
        .where(and(eq(customerImports.id, imp.id), eq(customerImports.tenantId, imp.tenantId)));
    }
  }
  return { header, records: rows, errors, created, updated, planned };
}

/** Thrown when a row that passed validation no longer does (the data changed while applying). */
class ChangedSinceValidation extends Error {
  constructor(readonly errors: RowIssue[]) { super('rows changed since validation'); }
}

/**
 * Writes one chunk and advances the counters in the same transaction.
 *
 * Planned rows (the usual case) go in ONE statement (`writePlanned`) that writes each row only
 * where its customer is still as validation saw it (same id and updatedAt, or still absent) and
 * moves the counters, guarded by the expected `processed`. The rows it left alone changed since
 * validation: they are planned again against the customer as it is inside this transaction, so
 * an update always merges over the current row, and written by an upsert. A resumed job (it did
 * not validate in this attempt, so it has no plans) plans its chunks that way from the start.
 * Any row that no longer passes fails the chunk (ChangedSinceValidation: nothing of it is kept).
 */
async function applyChunk(tx: Tx, ctx: Ctx, imp: ImportRow, header: string[], chunk: CsvRecord[], plans: Array<PlannedRow | undefined>, base: Omit<Lookups, 'existing'>, from: number) {
  const counters = { importId: imp.id, from, to: from + chunk.length };
  let again = chunk.map((_, i) => i);
  let moved = false;
  if (plans.length === chunk.length && plans.every((p) => p)) {
    const planned = plans as PlannedRow[];
    const w = await writePlanned(tx, imp.tenantId, planned.map((p) => p.values), planned.map((p) => p.existing && { id: p.existing.id, updatedAt: p.existing.updatedAt }), counters);
    if (!w.moved) throw new Error(`import ${imp.id}: rows from ${from} were applied by another attempt`);
    moved = true;
    again = w.skipped;
  }
  if (!again.length) return;
  const recs = again.map((i) => chunk[i]);
  const lk: Lookups = { ...base, existing: await loadExisting(tx, imp.tenantId, header, recs) };
  const seen = new Map<string, number>();
  const errors: RowIssue[] = [];
  const values: Array<typeof customers.$inferInsert> = [];
  for (const rec of recs) {
    const r = planRow(ctx, header, rec, lk, seen);
    errors.push(...r.errors);
    if (r.planned) values.push(r.planned.values);
  }
  if (errors.length) throw new ChangedSinceValidation(errors);
  const { created, updated } = await upsertCustomers(tx, values);
  // The guard on `processed` makes a chunk that another attempt already counted fail instead of counting twice
  // (unless writePlanned moved it already, in this transaction: then only its re-planned rows are added).
  const res = await tx.update(customerImports).set({
    processed: counters.to, created: sql`${customerImports.created} + ${created}`, updated: sql`${customerImports.updated} + ${updated}`,
  }).where(and(eq(customerImports.id, imp.id), eq(customerImports.tenantId, imp.tenantId), eq(customerImports.processed, moved ? counters.to : from)))
    .returning({ id: customerImports.id });
  if (!res.length) throw new Error(`import ${imp.id}: rows from ${from} were applied by another attempt`);
}

async function finish(db: Db, imp: ImportRow, set: Partial<ImportRow>, env: JobRunEnv, audit?: (tx: Tx) => Promise<void>) {
  await db.transaction(async (tx) => {
    await env.holdLease(tx);
    // The staged file is no longer needed once the import has an outcome.
    await tx.update(customerImports).set({ ...set, csv: '', finishedAt: env.now() })
      .where(and(eq(customerImports.id, imp.id), eq(customerImports.tenantId, imp.tenantId)));
    if (audit) await audit(tx);
  });
}

async function runImport(job: Job, env: JobRunEnv) {
  const { db } = env;
  const { importId } = job.payload as { importId: string };
  if (!job.tenantId) return;
  const [imp] = await db.select().from(customerImports).where(and(eq(customerImports.id, importId), eq(customerImports.tenantId, job.tenantId)));
  if (!imp || ['done', 'invalid', 'failed'].includes(imp.status)) return;
  const ctx = importCtx(db, imp, env);
  let header: string[];
  let rows: CsvRecord[];
  let plans: Validated['planned'] = [];
  if (imp.status !== 'applying') {
    await db.update(customerImports).set({ status: 'validating', processed: 0, startedAt: imp.startedAt ?? env.now() })
      .where(and(eq(customerImports.id, imp.id), eq(customerImports.tenantId, imp.tenantId)));
    const v = await validate(ctx, imp, env);
    env.signal.throwIfAborted();
    if (v.errors.length) {
      // All or nothing: nothing has been written, and every row's problems are reported at once.
      await finish(db, imp, { status: imp.dryRun ? 'done' : 'invalid', rows: v.records.length, processed: v.records.length, created: 0, updated: 0, errors: store(v.errors) }, env);
      return;
    }
    if (imp.dryRun) {
      await finish(db, imp, { status: 'done', rows: v.records.length, processed: v.records.length, created: v.created, updated: v.updated, errors: [] }, env);
      return;
    }
    await db.transaction(async (tx) => {
      await env.holdLease(tx);
      await tx.update(customerImports).set({ status: 'applying', rows: v.records.length, processed: 0, created: 0, updated: 0 })
        .where(and(eq(customerImports.id, imp.id), eq(customerImports.tenantId, imp.tenantId)));
    });
    imp.processed = 0;
    ({ header, records: rows, planned: plans } = v);
  } else {
    // A retry after a crash while applying: the file is unchanged and was valid, so read it again and resume.
    const { records } = await readRecords(imp.csv);
    header = checkHeader(records[0]).header;
    rows = records.slice(1);
  }
  const base = { ...(await loadPayers(db, imp.tenantId)), defaults: await tenantDefaults(db, imp.tenantId) };
  try {
    const sizer = writeChunkSizer(db);
    for (let from = imp.processed; from < rows.length;) {
      env.signal.throwIfAborted();
      const size = sizer.rows;
      const t0 = performance.now();
      await db.transaction(async (tx) => {
        await env.holdLease(tx);
        await applyChunk(tx, ctx, imp, header, rows.slice(from, from + size), plans.slice(from, from + size), base, from);
      });
      sizer.took(Math.min(size, rows.length - from), performance.now() - t0);
      from += size;
      await yieldToLoop();
    }
  } catch (e) {
    if (!(e instanceof ChangedSinceValidation)) throw e;
    await finish(db, imp, { status: 'failed', error: 'rows changed after validation; the rows before them were imported', errors: store(e.errors) }, env,
      (tx) => auditApplied(tx, ctx, imp.id));
    invalidateMetering(imp.tenantId);
    return;
  }
  await finish(db, imp, { status: 'done' }, env, (tx) => auditApplied(tx, ctx, imp.id));
  invalidateMetering(imp.tenantId); // external ids are new or changed
}

/** One audit entry per import that wrote anything, with its counts (not one per customer). */
async function auditApplied(tx: Tx, ctx: Ctx, importId: string) {
  const [r] = await tx.select({ status: customerImports.status, rows: customerImports.rows, processed: customerImports.processed, created: customerImports.created, updated: customerImports.updated, error: customerImports.error })
    .from(customerImports).where(and(eq(customerImports.id, importId), eq(customerImports.tenantId, ctx.tenantId)));
  if (r) await recordAudit(tx, ctx, { action: 'customer.import', entityType: 'customer_import', entityId: importId, after: r });
}

/** After the last attempt: the import is failed; chunks applied before that are audited, since they stay. */
async function failImport(db: Db, job: Job, err: unknown) {
  const { importId } = job.payload as { importId: string };
  if (!job.tenantId) return;
  const tenantId = job.tenantId;
  await db.transaction(async (tx) => {
    const [imp] = await tx.update(customerImports).set({ status: 'failed', error: err instanceof Error ? err.message : String(err), csv: '', finishedAt: new Date() })
      .where(and(eq(customerImports.id, importId), eq(customerImports.tenantId, tenantId))).returning();
    if (imp && !imp.dryRun && imp.created + imp.updated > 0) {
      const ctx: Ctx = { db, tenantId, actor: imp.actor, permissions: new Set(), isPlatformAdmin: false, now: () => new Date(), requestId: imp.requestId };
      await auditApplied(tx, ctx, importId);
    }
  });
}

const importJob: JobKind = { kind: IMPORT_JOB, run: runImport, onFinalFailure: failImport };

/** Registers the customers domain's job kinds; called where a process starts (server/job-kinds.ts). */
export function registerCustomerJobs() {
  registerJobKind(importJob);
}
