import { and, desc, eq, type SQL } from 'drizzle-orm';
import { contracts, customers } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound, type FieldIssue } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { paginate } from '../lib/paginate';
import type { Tx } from '../db/client';
import { contractOut } from './serialize';
import type { ContractCreate, ContractListQuery, ContractPatch } from './schemas';

export async function listContracts({ ctx, query }: { ctx: Ctx; query: ContractListQuery }) {
  assertPermission(ctx, 'customers:read');
  const where: SQL[] = [eq(contracts.tenantId, ctx.tenantId)];
  if (query.customerId) where.push(eq(contracts.customerId, query.customerId));
  if (query.status) where.push(eq(contracts.status, query.status));
  return paginate({ db: q(ctx), from: contracts, where: and(...where), orderBy: [desc(contracts.termStart), desc(contracts.id)],
    page: query, map: (rows) => rows.map(contractOut) });
}

export async function getContract({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'customers:read');
  const [k] = await q(ctx).select().from(contracts).where(and(eq(contracts.id, id), eq(contracts.tenantId, ctx.tenantId)));
  if (!k) throw notFound('Contract');
  return contractOut(k);
}

function termIssues(start: string, end: string | null | undefined): FieldIssue[] {
  return end && end <= start ? [{ path: 'termEnd', message: 'must be after termStart' }] : [];
}

async function checkCode(tx: Tx, ctx: Ctx, code: string | null | undefined, selfId?: string) {
  if (!code) return;
  const [dup] = await tx.select({ id: contracts.id }).from(contracts).where(and(eq(contracts.tenantId, ctx.tenantId), eq(contracts.code, code)));
  if (dup && dup.id !== selfId) throw conflict('A contract with this code already exists', [{ path: 'code', message: 'already in use' }]);
}

export async function createContract({ ctx, input }: { ctx: Ctx; input: ContractCreate }) {
  assertPermission(ctx, 'customers:write');
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const [cust] = await tx.select({ id: customers.id, currency: customers.currency }).from(customers)
      .where(and(eq(customers.id, input.customerId), eq(customers.tenantId, ctx.tenantId)));
    const issues: FieldIssue[] = [...(cust ? [] : [{ path: 'customerId', message: 'no such customer' }]), ...termIssues(input.termStart, input.termEnd)];
    if (issues.length) throw invalid(issues);
    await checkCode(tx, tctx, input.code);
    const [k] = await tx.insert(contracts).values({
      tenantId: ctx.tenantId, customerId: input.customerId, code: input.code ?? null, termStart: input.termStart, termEnd: input.termEnd ?? null,
      commitmentAmount: input.commitmentAmount ?? null, currency: input.currency ?? cust.currency, discountNote: input.discountNote ?? null,
      status: input.status ?? 'active', createdAt: ctx.now(), updatedAt: ctx.now(),
    }).returning();
    await recordAudit(tx, tctx, { action: 'contract.create', entityType: 'contract', entityId: k.id, after: k });
    return k.id;
  });
  return getContract({ ctx, id });
}

export async function updateContract({ ctx, id, input }: { ctx: Ctx; id: string; input: ContractPatch }) {
  assertPermission(ctx, 'customers:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(contracts).where(and(eq(contracts.id, id), eq(contracts.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Contract');
    const issues = termIssues(input.termStart ?? before.termStart, input.termEnd !== undefined ? input.termEnd : before.termEnd);
    if (issues.length) throw invalid(issues);
    if (input.code !== undefined) await checkCode(tx, tctx, input.code, id);
    const patch: Partial<typeof contracts.$inferInsert> = { updatedAt: ctx.now() };
    for (const k of ['code', 'termStart', 'termEnd', 'commitmentAmount', 'currency', 'discountNote', 'status'] as const) {
      if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k];
    }
    const [after] = await tx.update(contracts).set(patch).where(and(eq(contracts.id, id), eq(contracts.tenantId, ctx.tenantId))).returning();
    await recordAudit(tx, tctx, { action: 'contract.update', entityType: 'contract', entityId: id, before, after });
  });
  return getContract({ ctx, id });
}
