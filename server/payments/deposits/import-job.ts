/**
 * The bank-statement import as a job (kind `payments.bank_import`), the customer import's design
 * (server/customers/README.md, "Imports as jobs") for deposits:
 * 1. the whole file is read and every line checked first; any bad line → `invalid` with every
 *    problem by line and column, nothing stored (all or nothing);
 * 2. a dry run then plans each line (matched by which rule / unmatched and why / duplicate) and
 *    stores the plan; nothing else;
 * 3. a real import applies the lines in chunks, each its own transaction holding the job's lease,
 *    with the counters moved in the same transaction (guarded by the expected `processed`), so a
 *    job taken over after a crash resumes at the first unapplied line. Each deposit is stored once
 *    under its key anyway (record.ts), so even a second import of the file never pays twice.
 * 4. An import that fails for good part-way (its last attempt threw) keeps the chunks it committed:
 *    each of their deposits is a payment the bank really received, recorded and audited with its
 *    allocations in its chunk's transaction; undoing them would need refunds, not a rollback. The
 *    import is marked `failed` with the error and its counters (how many lines were applied), and
 *    audited `bank_import.failed` with the same, in one transaction. Importing the file again
 *    applies only the lines that were not (the others are duplicates by key).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { bankDeposits, bankImports, type BankPlanLine } from '../../db/schema';
import type { Ctx } from '../../lib/context';
import { Decimal, toMoneyString } from '../../lib/money';
import { recordAudit } from '../../audit/record';
import { registerJobKind, type Job, type JobRunEnv } from '../../jobs/registry';
import { readRecords, yieldToLoop } from '../../customers/import-job';
import { parseStatement, type StatementLine } from './statement';
import { matchDeposit } from './match';
import { recordDeposit } from './record';

export const BANK_IMPORT_JOB = 'payments.bank_import';
export const bankImportDedupeKey = (id: string) => `bank-import:${id}`;
/** Lines per write transaction: each matched line is a payment with its allocations and audit rows. */
const CHUNK = 50;

type ImportRow = typeof bankImports.$inferSelect;
/** Test seam: throw in `beforeChunk` to fail an import part-way (after the chunks before `from` committed). */
export const importHooks: { beforeChunk?: (from: number) => void } = {};
const where = (imp: ImportRow) => and(eq(bankImports.id, imp.id), eq(bankImports.tenantId, imp.tenantId));

/** The job acts, and audits, as whoever uploaded the file. */
const importCtx = (db: Db, imp: ImportRow, env: JobRunEnv): Ctx => ({
  db, tenantId: imp.tenantId, actor: imp.actor, permissions: new Set(['payments:write']), isPlatformAdmin: false, now: env.now, requestId: imp.requestId,
});

async function read(imp: ImportRow) {
  const { records, syntax } = await readRecords(imp.csv);
  if (syntax) return { lines: [], skipped: 0, errors: [syntax] };
  if (!records.length) return { lines: [], skipped: 0, errors: [{ line: 1, field: null, message: 'the file is empty' }] };
  return parseStatement(records, { mapping: imp.mapping, currency: imp.currency });
}

async function plan(ctx: Ctx, lines: StatementLine[], env: JobRunEnv): Promise<BankPlanLine[]> {
  const out: BankPlanLine[] = [];
  const known = new Set<string>();
  for (let i = 0; i < lines.length; i += CHUNK) {
    const keys = lines.slice(i, i + CHUNK).map((l) => l.key);
    const rows = await ctx.db.select({ key: bankDeposits.key }).from(bankDeposits).where(and(eq(bankDeposits.tenantId, ctx.tenantId), inArray(bankDeposits.key, keys)));
    rows.forEach((r) => known.add(r.key));
  }
  for (const l of lines) {
    env.signal.throwIfAborted();
    const base = { line: l.line, amount: toMoneyString(new Decimal(l.amount), l.currency), currency: l.currency, bookedOn: l.bookedOn, depositorName: l.depositorName };
    if (known.has(l.key)) { out.push({ ...base, outcome: 'duplicate', rule: null, reason: null, billTo: null, invoiceNumber: null }); continue; }
    known.add(l.key);
    const m = await matchDeposit(ctx.db, ctx, l);
    out.push(m.ok
      ? { ...base, outcome: 'matched', rule: m.rule, reason: null, billTo: m.owner.billTo, invoiceNumber: m.invoiceNumber }
      : { ...base, outcome: 'unmatched', rule: null, reason: m.reason, billTo: null, invoiceNumber: null });
  }
  return out;
}

async function finish(db: Db, imp: ImportRow, set: Partial<ImportRow>, env: JobRunEnv, audit?: (tx: Tx) => Promise<void>) {
  await db.transaction(async (tx) => {
    await env.holdLease(tx);
    await tx.update(bankImports).set({ ...set, csv: '', finishedAt: env.now() }).where(where(imp));
    if (audit) await audit(tx);
  });
}

async function applyChunk(tx: Tx, ctx: Ctx, imp: ImportRow, chunk: StatementLine[], from: number) {
  const n = { matched: 0, unmatched: 0, duplicates: 0 };
  for (const l of chunk) {
    const r = await recordDeposit(tx, ctx, { ...l, source: 'bank_file', importId: imp.id });
    n[r.outcome === 'duplicate' ? 'duplicates' : r.outcome]++;
  }
  const moved = await tx.update(bankImports).set({
    processed: from + chunk.length, matched: sql`${bankImports.matched} + ${n.matched}`, unmatched: sql`${bankImports.unmatched} + ${n.unmatched}`,
    duplicates: sql`${bankImports.duplicates} + ${n.duplicates}`,
  }).where(and(where(imp), eq(bankImports.processed, from))).returning({ id: bankImports.id });
  if (!moved.length) throw new Error(`bank import ${imp.id}: lines from ${from} were applied by another attempt`);
}

async function runImport(job: Job, env: JobRunEnv) {
  const { db } = env;
  const { importId } = job.payload as { importId: string };
  if (!job.tenantId) return;
  const [imp] = await db.select().from(bankImports).where(and(eq(bankImports.id, importId), eq(bankImports.tenantId, job.tenantId)));
  if (!imp || ['done', 'invalid', 'failed'].includes(imp.status)) return;
  const ctx = importCtx(db, imp, env);
  if (imp.status === 'queued') await db.update(bankImports).set({ status: 'validating', startedAt: env.now() }).where(where(imp));
  const parsed = await read(imp);
  await yieldToLoop();
  env.signal.throwIfAborted();
  const counts = { rows: parsed.lines.length, skipped: parsed.skipped };
  if (parsed.errors.length) {
    await finish(db, imp, { status: 'invalid', ...counts, errors: parsed.errors }, env);
    return;
  }
  if (imp.dryRun) {
    const p = await plan(ctx, parsed.lines, env);
    const count = (o: BankPlanLine['outcome']) => p.filter((x) => x.outcome === o).length;
    await finish(db, imp, { status: 'done', ...counts, processed: p.length, matched: count('matched'), unmatched: count('unmatched'), duplicates: count('duplicate'), plan: p }, env);
    return;
  }
  if (imp.status !== 'applying') {
    await db.update(bankImports).set({ status: 'applying', ...counts, processed: 0 }).where(where(imp));
    imp.processed = 0;
  }
  for (let from = imp.processed; from < parsed.lines.length; from += CHUNK) {
    env.signal.throwIfAborted();
    await db.transaction(async (tx) => {
      await env.holdLease(tx);
      importHooks.beforeChunk?.(from);
      await applyChunk(tx, { ...ctx, tx }, imp, parsed.lines.slice(from, from + CHUNK), from);
    });
    await yieldToLoop();
  }
  await finish(db, imp, { status: 'done' }, env, (tx) => auditImport(tx, ctx, imp.id));
}

/** One audit entry per import with its counts; each payment it recorded has its own. */
async function auditImport(tx: Tx, ctx: Ctx, id: string) {
  const [r] = await tx.select({ fileName: bankImports.fileName, status: bankImports.status, rows: bankImports.rows, matched: bankImports.matched,
    unmatched: bankImports.unmatched, duplicates: bankImports.duplicates, skipped: bankImports.skipped })
    .from(bankImports).where(and(eq(bankImports.id, id), eq(bankImports.tenantId, ctx.tenantId)));
  if (r) await recordAudit(tx, ctx, { action: 'bank_import.apply', entityType: 'bank_import', entityId: id, after: r });
}

/** After the last attempt: failed, with what was applied kept and audited (point 4 above). */
async function failImport(db: Db, job: Job, err: unknown) {
  const { importId } = job.payload as { importId: string };
  if (!job.tenantId) return;
  const error = err instanceof Error ? err.message : String(err);
  await db.transaction(async (tx) => {
    const [imp] = await tx.update(bankImports).set({ status: 'failed', error, csv: '', finishedAt: new Date() })
      .where(and(eq(bankImports.id, importId), eq(bankImports.tenantId, job.tenantId!))).returning();
    if (!imp) return;
    const ctx: Ctx = { db, tx, tenantId: imp.tenantId, actor: imp.actor, permissions: new Set(['payments:write']), isPlatformAdmin: false, now: () => new Date(), requestId: imp.requestId };
    await recordAudit(tx, ctx, { action: 'bank_import.failed', entityType: 'bank_import', entityId: imp.id, after: {
      fileName: imp.fileName, status: 'failed', error, rows: imp.rows, applied: imp.processed, matched: imp.matched, unmatched: imp.unmatched, duplicates: imp.duplicates, skipped: imp.skipped } });
  });
}

export function registerBankImportJobs() {
  registerJobKind({ kind: BANK_IMPORT_JOB, run: runImport, onFinalFailure: failImport });
}
