/**
 * What the daily run reads, set-based: the overdue invoices with what each still owes, and per
 * chunk of them their customers, payers, last declines, steps taken and manual controls.
 *
 * Only the columns dunning uses, as plain driver rows (dates and money cast to text in SQL, so they
 * read alike on PostgreSQL and PGlite): the run reads every overdue invoice every day, and full ORM
 * rows cost node more than deciding the invoice did (server/dunning/README.md, Benchmark).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { anyUuid, rowsOf } from '../db/bulk';
import type { customers, dunningActions, dunningControls, payers } from '../db/schema';
import { Decimal } from '../lib/money';
import { latestChurnFacts, readsChurnFacts, type ChurnFacts } from '../churn/facts';
import { creditedTotals, outstanding, OPEN_INVOICE_STATUSES } from '../invoices/invoices';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

/** An open invoice as dunning reads it: what its policy, its steps, the timeline and the board use. */
export interface DunningInvoice {
  id: string; tenantId: string; billTo: string; payerId: string | null; customerId: string | null;
  currency: string; status: string; number: string | null; dueDate: string; amountDue: string; amountPaid: string;
  /** Charged by dunning as a late fee: dunned like any debt (reminders, suspension), never charged a fee itself. */
  lateFee: boolean;
}
export type CustomerRow = Pick<Row<typeof customers>, 'id' | 'externalId' | 'name' | 'payerId' | 'type' | 'segment' | 'country' | 'tags' | 'dunningExcluded' | 'attributes'> & { createdAt: Date };
export type ActionRow = Row<typeof dunningActions>;
/** A step taken, as deciding reads it (`amount`: a late fee's charged amount). */
export type StepState = Pick<ActionRow, 'id' | 'invoiceId' | 'ruleCode' | 'step' | 'status' | 'lastAttemptOn' | 'action'> & { amount: string | null };
export type ControlRow = Pick<Row<typeof dunningControls>, 'invoiceId' | 'pausedUntil' | 'promiseToPayOn' | 'note'>;
export interface Overdue { inv: DunningInvoice; owed: Decimal }

const CHUNK = 500;
const CUSTOMER_COLUMNS = sql.raw(`id, external_id as "externalId", name, payer_id as "payerId", type, segment, country, tags, dunning_excluded as "dunningExcluded", attributes,
  (created_at at time zone 'UTC')::date::text as "createdOn", created_at`);
/** How a late-fee invoice's trace says so (steps.ts writes it; `@>` finds it). */
export const LATE_FEE_TRACE = [{ dunning: { action: 'late_fee' } }];

/**
 * A tenant's issued, unpaid invoices with what each still owes (> 0): all of them, or those due
 * before `dueBefore` (the run's overdue set), oldest due first.
 */
export async function openInvoices(db: DbOrTx, tenantId: string, dueBefore?: string): Promise<Overdue[]> {
  const rows = rowsOf<DunningInvoice>(await db.execute(sql`select id, tenant_id as "tenantId", bill_to as "billTo", payer_id as "payerId", customer_id as "customerId",
      currency, status, number, due_date::text as "dueDate", amount_due::text as "amountDue", amount_paid::text as "amountPaid",
      trace @> ${JSON.stringify(LATE_FEE_TRACE)}::jsonb as "lateFee"
    from invoices where tenant_id = ${tenantId} and status = any(${`{${OPEN_INVOICE_STATUSES.join(',')}}`}::text[])${dueBefore ? sql` and due_date < ${dueBefore}` : sql``}
    order by due_date, id`));
  const out: Overdue[] = [];
  const credited = await creditedTotals(db, tenantId, rows.map((r) => r.id));
  for (const inv of rows) {
    const owed = outstanding(inv, credited.get(inv.id) ?? '0');
    if (owed.greaterThan(0)) out.push({ inv, owed });
  }
  return out;
}

/** Issued, unpaid invoices whose due date is before `today`, oldest due first, with what each still owes (> 0). */
export const loadOverdue = (db: DbOrTx, tenantId: string, today: string) => openInvoices(db, tenantId, today);

export interface ChunkData {
  /** billTo → the customers it stands for. */
  customersOf: Map<string, CustomerRow[]>;
  /** billTo → the payer's payment method type (payers only). */
  methodOf: Map<string, string | null>;
  lastDecline: Map<string, string | null>;
  actionsOf: Map<string, StepState[]>;
  controlOf: Map<string, ControlRow>;
  /** Customer id → the churn facts of its latest score of the active model (server/churn/facts.ts). */
  churnOf: Map<string, ChurnFacts>;
}

/** One chunk's context; churn scores only when `referencedFacts` (the policy's) read a churn fact. */
export async function loadChunk(db: DbOrTx, tenantId: string, part: Overdue[], referencedFacts: Iterable<string>): Promise<ChunkData> {
  const billTos = [...new Set(part.map((o) => o.inv.billTo))];
  const ids = part.map((o) => o.inv.id);
  const party = (column: string) => anyUuid(sql.raw(column), billTos);
  const read = async <T>(q: SQL) => rowsOf<T>(await db.execute(q));
  const [custs, pays, declines, acts, ctls] = await Promise.all([
    // A party is a payer (its customers) or a customer without one: two index scans (one OR of both made PostgreSQL recheck
    // every row against both lists, 5× the time). Tenure counts from the UTC date of creation (factCustomer): that date is all that is read.
    read<Omit<CustomerRow, 'createdAt'> & { createdOn: string; created_at: unknown }>(sql`select * from (
        select ${CUSTOMER_COLUMNS} from customers where tenant_id = ${tenantId} and ${party('id')} and payer_id is null
        union all select ${CUSTOMER_COLUMNS} from customers where tenant_id = ${tenantId} and ${party('payer_id')}) c order by c.created_at, c.id`),
    read<{ id: string; method: string | null }>(sql`select id, payment_method_type as method from payers where tenant_id = ${tenantId} and ${party('id')}`),
    read<{ billTo: string; code: string | null }>(sql`select distinct on (bill_to) bill_to as "billTo", decline_code as code from payments
      where tenant_id = ${tenantId} and ${party('bill_to')} and status = 'failed' order by bill_to, created_at desc`),
    read<StepState>(sql`select id, invoice_id as "invoiceId", rule_code as "ruleCode", step, status, last_attempt_on::text as "lastAttemptOn", action,
        case when action = 'late_fee' then result->>'amount' end as amount
      from dunning_actions where tenant_id = ${tenantId} and ${anyUuid(sql.raw('invoice_id'), ids)} order by step`),
    read<ControlRow>(sql`select invoice_id as "invoiceId", paused_until::text as "pausedUntil", promise_to_pay_on::text as "promiseToPayOn", note
      from dunning_controls where tenant_id = ${tenantId} and ${anyUuid(sql.raw('invoice_id'), ids)}`),
  ]);
  const churnOf = readsChurnFacts(referencedFacts) ? await latestChurnFacts(db, tenantId, custs.map((c) => c.id)) : new Map<string, ChurnFacts>();
  const customersOf = new Map<string, CustomerRow[]>();
  const billToSet = new Set(billTos);
  for (const c of custs) {
    const key = c.payerId ?? c.id;
    if (!billToSet.has(key)) continue;
    const { createdOn, created_at: _, ...rest } = c;
    const row = { ...rest, createdAt: new Date(`${createdOn}T00:00:00Z`) };
    const list = customersOf.get(key);
    if (list) list.push(row); else customersOf.set(key, [row]);
  }
  const actionsOf = new Map<string, StepState[]>();
  for (const a of acts) {
    const list = actionsOf.get(a.invoiceId);
    if (list) list.push(a); else actionsOf.set(a.invoiceId, [a]);
  }
  return {
    customersOf, methodOf: new Map(pays.map((p) => [p.id, p.method])), lastDecline: new Map(declines.map((d) => [d.billTo, d.code])),
    actionsOf, controlOf: new Map(ctls.map((c) => [c.invoiceId, c])), churnOf,
  };
}
