/**
 * Bank-statement imports as a resource: `POST /payments/bank-imports` stages the file and enqueues
 * its job in one transaction (so a rolled-back request leaves no job), answers 202 with the import
 * to poll (`GET /payments/bank-imports/{id}`: status, progress, counts, line problems, the dry
 * run's plan). The worker runs it; `wait: true` semantics are not offered (a statement can be long).
 */
import { and, desc, eq } from 'drizzle-orm';
import { bankImports, type BankPlanLine } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { invalid, notFound } from '../../lib/errors';
import { isCurrencyCode } from '../../lib/money';
import { paginate } from '../../lib/paginate';
import { enqueue } from '../../jobs/queue';
import { BANK_IMPORT_JOB, bankImportDedupeKey } from './import-job';
import type { BankImportInput } from './schemas';

type ImportRow = typeof bankImports.$inferSelect;

export function bankImportOut(i: ImportRow) {
  return {
    id: i.id, fileName: i.fileName, dryRun: i.dryRun, status: i.status, currency: i.currency, rows: i.rows, processed: i.processed, matched: i.matched,
    unmatched: i.unmatched, duplicates: i.duplicates, skipped: i.skipped, errors: i.errors, plan: i.plan, error: i.error, createdBy: i.actor.name,
    createdAt: i.createdAt.toISOString(), finishedAt: i.finishedAt?.toISOString() ?? null,
  };
}

export async function startBankImport({ ctx, input }: { ctx: Ctx; input: BankImportInput }) {
  assertPermission(ctx, 'payments:write');
  if (!isCurrencyCode(input.currency)) throw invalid([{ path: 'currency', message: 'is not an ISO 4217 currency code' }]);
  const imp = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(bankImports).values({
      tenantId: ctx.tenantId, fileName: input.fileName ?? null, dryRun: input.dryRun, csv: input.csv, currency: input.currency, mapping: input.mapping ?? {},
      actor: ctx.actor, requestId: ctx.requestId, createdAt: ctx.now(),
    }).returning();
    await enqueue(tx, [{ tenantId: ctx.tenantId, kind: BANK_IMPORT_JOB, payload: { importId: row.id }, dedupeKey: bankImportDedupeKey(row.id) }]);
    return row;
  });
  return bankImportOut(imp);
}

export async function getBankImport({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'payments:read');
  const [imp] = await q(ctx).select().from(bankImports).where(and(eq(bankImports.tenantId, ctx.tenantId), eq(bankImports.id, id)));
  if (!imp) throw notFound('Bank import');
  return bankImportOut(imp);
}

export async function listBankImports({ ctx, page }: { ctx: Ctx; page: { limit: number; offset: number } }) {
  assertPermission(ctx, 'payments:read');
  return paginate({ db: q(ctx), from: bankImports, where: eq(bankImports.tenantId, ctx.tenantId), orderBy: [desc(bankImports.createdAt), desc(bankImports.id)], page,
    map: (rows) => rows.map((r) => ({ ...bankImportOut(r), plan: [] as BankPlanLine[] })) });
}
