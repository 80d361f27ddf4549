import { invalidateMetering } from '../metering/cache';
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { customerContacts, customers, payers, tenants } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid, notFound, type FieldIssue } from '../lib/errors';
import { recordAudit } from '../audit/record';
import { paginate } from '../lib/paginate';
import type { DbOrTx, Tx } from '../db/client';
import { customerOut } from './serialize';
import { checkCustomerRules, defaultCountry } from './rules';
import { insertPayer } from './payers';
import type { CustomerCreate, CustomerListQuery, CustomerPatch } from './schemas';

type CustomerRow = typeof customers.$inferSelect;
type ContactInput = NonNullable<CustomerCreate['contacts']>[number];

/** Customers with their contacts and payer name, in the order given. */
export async function hydrate(db: DbOrTx, tenantId: string, rows: CustomerRow[]) {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const contacts = await db.select().from(customerContacts)
    .where(and(eq(customerContacts.tenantId, tenantId), inArray(customerContacts.customerId, ids)))
    .orderBy(desc(customerContacts.isPrimary), asc(customerContacts.createdAt), asc(customerContacts.id));
  const payerIds = [...new Set(rows.map((r) => r.payerId).filter((x): x is string => !!x))];
  const payerRows = payerIds.length
    ? await db.select({ id: payers.id, name: payers.name }).from(payers).where(and(eq(payers.tenantId, tenantId), inArray(payers.id, payerIds)))
    : [];
  const pm = new Map(payerRows.map((p) => [p.id, p]));
  return rows.map((r) => customerOut(r, contacts.filter((c) => c.customerId === r.id), r.payerId ? pm.get(r.payerId) ?? null : null));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

export async function listCustomers({ ctx, query }: { ctx: Ctx; query: CustomerListQuery }) {
  assertPermission(ctx, 'customers:read');
  const where: SQL[] = [eq(customers.tenantId, ctx.tenantId)];
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`;
    where.push(or(ilike(customers.name, like), ilike(customers.externalId, like), ilike(customers.email, like), ilike(customers.businessRegNo, like))!);
  }
  if (query.type) where.push(eq(customers.type, query.type));
  if (query.status) where.push(eq(customers.status, query.status));
  if (query.segment) where.push(eq(customers.segment, query.segment));
  if (query.billingGroup) where.push(eq(customers.billingGroup, query.billingGroup));
  if (query.payerId) where.push(eq(customers.payerId, query.payerId));
  if (query.country) where.push(eq(customers.country, query.country));
  if (query.tag) where.push(sql`${query.tag} = any(${customers.tags})`);
  const cond = and(...where);
  const order = {
    name: [asc(customers.name)], '-name': [desc(customers.name)], createdAt: [asc(customers.createdAt)],
    '-createdAt': [desc(customers.createdAt)], externalId: [asc(customers.externalId)],
  }[query.sort];
  return paginate({ db: q(ctx), from: customers, where: cond, orderBy: [...order, asc(customers.id)], page: query,
    map: (rows) => hydrate(q(ctx), ctx.tenantId, rows) });
}

export async function getCustomer({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'customers:read');
  const [c] = await q(ctx).select().from(customers).where(and(eq(customers.id, id), eq(customers.tenantId, ctx.tenantId)));
  if (!c) throw notFound('Customer');
  return (await hydrate(q(ctx), ctx.tenantId, [c]))[0];
}

export async function tenantDefaults(db: DbOrTx, tenantId: string) {
  const [t] = await db.select({ currency: tenants.currency, timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, tenantId));
  return { currency: t?.currency ?? 'KRW', timezone: t?.timezone ?? 'Asia/Seoul', country: defaultCountry(t?.currency ?? 'KRW') };
}

export interface Prepared { values: typeof customers.$inferInsert; issues: FieldIssue[] }

/**
 * Applies tenant defaults and the cross-field rules to a validated create input. Shared by the
 * API and the CSV import so a row is accepted by exactly the same rules as a POST.
 */
export function prepareCustomer(ctx: Ctx, input: CustomerCreate, defaults: Awaited<ReturnType<typeof tenantDefaults>>, prefix = ''): Prepared {
  const issues: FieldIssue[] = [];
  const country = input.country ?? defaults.country;
  if (!country) issues.push({ path: `${prefix}country`, message: 'is required (the tenant currency does not imply a country)' });
  const rules = checkCustomerRules({ type: input.type, country: country ?? '', businessRegNo: input.businessRegNo, taxId: input.taxId, contacts: input.contacts }, prefix);
  issues.push(...rules.issues);
  const values: typeof customers.$inferInsert = {
    tenantId: ctx.tenantId, externalId: input.externalId, type: input.type, name: input.name, email: input.email ?? null, phone: input.phone ?? null,
    businessRegNo: rules.businessRegNo, taxId: input.taxId?.trim() || null, country: country ?? '', timezone: input.timezone ?? defaults.timezone,
    currency: input.currency ?? defaults.currency, segment: input.segment ?? null, tags: [...new Set(input.tags ?? [])], attributes: input.attributes ?? {},
    status: input.status ?? 'active', billingGroup: input.billingGroup ?? null, dunningExcluded: input.dunningExcluded ?? false,
    payerId: input.payerId ?? null, createdAt: ctx.now(), updatedAt: ctx.now(),
  };
  return { values, issues };
}

async function checkPayer(tx: Tx, ctx: Ctx, payerId: string | null | undefined, path = 'payerId'): Promise<FieldIssue[]> {
  if (!payerId) return [];
  const [p] = await tx.select({ id: payers.id }).from(payers).where(and(eq(payers.id, payerId), eq(payers.tenantId, ctx.tenantId)));
  return p ? [] : [{ path, message: 'no such payer' }];
}

async function replaceContacts(tx: Tx, ctx: Ctx, customerId: string, contacts: ContactInput[]) {
  await tx.delete(customerContacts).where(and(eq(customerContacts.tenantId, ctx.tenantId), eq(customerContacts.customerId, customerId)));
  if (contacts.length) {
    await tx.insert(customerContacts).values(contacts.map((c) => ({
      tenantId: ctx.tenantId, customerId, name: c.name, email: c.email ?? null, phone: c.phone ?? null, role: c.role ?? null,
      isPrimary: c.isPrimary ?? false, createdAt: ctx.now(),
    })));
  }
}

export async function createCustomer({ ctx, input }: { ctx: Ctx; input: CustomerCreate }) {
  assertPermission(ctx, 'customers:write');
  const id = await withTransaction(ctx, async (tx, tctx) => {
    const { values, issues } = prepareCustomer(tctx, input, await tenantDefaults(tx, ctx.tenantId));
    if (input.payer && input.payerId) issues.push({ path: 'payer', message: 'give either payer (to create one) or payerId, not both' });
    issues.push(...(await checkPayer(tx, tctx, input.payerId)));
    if (issues.length) throw invalid(issues);
    const [dup] = await tx.select({ id: customers.id }).from(customers)
      .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.externalId, input.externalId)));
    if (dup) throw conflict('A customer with this external id already exists', [{ path: 'externalId', message: 'already in use' }]);
    // 고객 정보 생성 후 납부자 정보 등록: the inline payer is created in the same transaction.
    if (input.payer) values.payerId = (await insertPayer(tx, tctx, input.payer, 'payer.')).id;
    const [c] = await tx.insert(customers).values(values).returning();
    await replaceContacts(tx, tctx, c.id, input.contacts ?? []);
    await recordAudit(tx, tctx, { action: 'customer.create', entityType: 'customer', entityId: c.id, after: { ...c, contacts: input.contacts ?? [] } });
    return c.id;
  });
  return getCustomer({ ctx, id });
}

export async function updateCustomer({ ctx, id, input }: { ctx: Ctx; id: string; input: CustomerPatch }) {
  assertPermission(ctx, 'customers:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const [before] = await tx.select().from(customers).where(and(eq(customers.id, id), eq(customers.tenantId, ctx.tenantId))).for('update');
    if (!before) throw notFound('Customer');
    const beforeContacts = await tx.select().from(customerContacts)
      .where(and(eq(customerContacts.tenantId, ctx.tenantId), eq(customerContacts.customerId, id)));
    // The cross-field rules run on the merged customer: changing only `type` to corporate must
    // still require a 사업자등록번호.
    const merged = {
      type: input.type ?? before.type, country: input.country ?? before.country,
      businessRegNo: input.businessRegNo !== undefined ? input.businessRegNo : before.businessRegNo,
      contacts: input.contacts,
    };
    const rules = checkCustomerRules(merged);
    const issues = [...rules.issues, ...(await checkPayer(tx, tctx, input.payerId))];
    if (issues.length) throw invalid(issues);
    if (input.externalId && input.externalId !== before.externalId) {
      const [dup] = await tx.select({ id: customers.id }).from(customers)
        .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.externalId, input.externalId)));
      if (dup) throw conflict('A customer with this external id already exists', [{ path: 'externalId', message: 'already in use' }]);
    }
    const patch: Partial<typeof customers.$inferInsert> = { updatedAt: ctx.now() };
    for (const k of ['externalId', 'type', 'name', 'email', 'phone', 'taxId', 'country', 'timezone', 'currency', 'segment', 'attributes',
      'status', 'billingGroup', 'dunningExcluded', 'payerId'] as const) {
      if (input[k] !== undefined) (patch as Record<string, unknown>)[k] = input[k];
    }
    if (input.tags !== undefined) patch.tags = [...new Set(input.tags)];
    if (input.businessRegNo !== undefined) patch.businessRegNo = rules.businessRegNo;
    const [after] = await tx.update(customers).set(patch).where(and(eq(customers.id, id), eq(customers.tenantId, ctx.tenantId))).returning();
    if (input.contacts) await replaceContacts(tx, tctx, id, input.contacts);
    await recordAudit(tx, tctx, {
      action: 'customer.update', entityType: 'customer', entityId: id,
      before: { ...before, contacts: beforeContacts }, after: { ...after, contacts: input.contacts ?? beforeContacts },
    });
  });
  // Ingest caches external id → customer for a few seconds; a changed id must not linger there.
  invalidateMetering(ctx.tenantId);
  return getCustomer({ ctx, id });
}
