import { and, asc, eq, sql } from 'drizzle-orm';
import { customers, payers } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { assertPermission, q, type Ctx } from '../lib/context';
import { invalid, ZOD_ISSUE, type FieldIssue, type ZodIssueLike } from '../lib/errors';
import { formatPath } from '../lib/errors';
import { toCsv, unguardField, type CsvRecord } from './csv';
import { CustomerCreateIn, type CustomerCreate } from './schemas';
import { prepareCustomer, tenantDefaults } from './customers';

/**
 * Customer CSV: planning rows (pure, given the lookups) and the export. The import runs as a job
 * (import-job.ts) that calls these in slices. The columns below plus one `attr.<name>` column per custom attribute. Tags are
 * separated by `;`. Import is an upsert by externalId (documented in README.md): a new id creates
 * a customer, a known id updates the columns the file has.
 */
export const CSV_COLUMNS = [
  'externalId', 'type', 'name', 'email', 'phone', 'businessRegNo', 'taxId', 'country', 'timezone', 'currency',
  'segment', 'tags', 'status', 'billingGroup', 'dunningExcluded', 'payerExternalId',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['externalId', 'type', 'name'];
/** Empty cell = null (clears the field). The other columns: empty keeps the current value or the default. */
const NULLABLE = new Set<Column>(['email', 'phone', 'businessRegNo', 'taxId', 'segment', 'billingGroup', 'payerExternalId']);
const ATTR_PREFIX = 'attr.';

/** One bad cell or row: `line` is the file's line (the header is line 1), `field` the column. */
export interface RowIssue { line: number; field: string | null; message: string; [ZOD_ISSUE]?: ZodIssueLike }

function parseBool(s: string): boolean | undefined {
  const v = s.trim().toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(v)) return true;
  if (['false', '0', 'no', 'n'].includes(v)) return false;
  return undefined;
}

/** Attribute cells: plain numbers and true/false become typed facts; anything else stays text ("01234" stays text). */
function attrValue(s: string): string | number | boolean {
  if (/^-?(0|[1-9]\d{0,14})(\.\d{1,10})?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
}

export type Existing = typeof customers.$inferSelect;

function existingAsInput(c: Existing, payerExternalId: string | null): Record<string, unknown> {
  return {
    externalId: c.externalId, type: c.type, name: c.name, email: c.email, phone: c.phone, businessRegNo: c.businessRegNo, taxId: c.taxId,
    country: c.country, timezone: c.timezone, currency: c.currency, segment: c.segment, tags: c.tags, status: c.status,
    billingGroup: c.billingGroup, dunningExcluded: c.dunningExcluded, payerExternalId, attributes: { ...(c.attributes ?? {}) },
  };
}

/** A checked row: the customer it was merged over (null: new) and the values to write. */
export interface PlannedRow { line: number; existing: Existing | null; values: typeof customers.$inferInsert }

/** What planning a row needs from the database: read once per file (payers) or per slice (customers). */
export interface Lookups {
  existing: Map<string, Existing>;
  /** The payer column holds the payer's external id, or its id when it has none (as exported). */
  payerByExt: Map<string, string>;
  payerExtById: Map<string, string | null>;
  defaults: Awaited<ReturnType<typeof tenantDefaults>>;
}

/** The header's problems (unknown, repeated or missing columns); an empty list means rows can be read. */
export function checkHeader(head: CsvRecord): { header: string[]; errors: RowIssue[] } {
  const header = head.fields.map((h) => h.trim());
  const errors: RowIssue[] = [];
  header.forEach((h, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(h) && !(h.startsWith(ATTR_PREFIX) && /^[A-Za-z_]\w{0,63}$/.test(h.slice(ATTR_PREFIX.length)))) {
      errors.push({ line: head.line, field: h || `column ${i + 1}`, message: `unknown column; use ${CSV_COLUMNS.join(', ')} or attr.<name>` });
    }
    if (header.indexOf(h) !== i) errors.push({ line: head.line, field: h, message: 'the column appears twice' });
  });
  for (const r of REQUIRED) if (!header.includes(r)) errors.push({ line: head.line, field: r, message: 'required column is missing' });
  return { header, errors };
}

/** One column's cell of a record, formula guard removed and trimmed; undefined when the file has no such column. */
export function cell(header: string[], r: string[], name: string): string | undefined {
  const i = header.indexOf(name);
  return i < 0 ? undefined : unguardField(r[i] ?? '').trim();
}

/**
 * The slice's customers that already exist, by external id (tenant-scoped). The ids go as ONE
 * JSON parameter, 5,000 at a time: a 1,000-parameter `IN (...)` cost more to build and plan than
 * to run (bench:import, "validate" phase).
 */
export async function loadExisting(db: DbOrTx, tenantId: string, header: string[], recs: CsvRecord[]): Promise<Map<string, Existing>> {
  const ids = [...new Set(recs.map((r) => cell(header, r.fields, 'externalId')).filter((x): x is string => !!x))];
  const existing = new Map<string, Existing>();
  for (let i = 0; i < ids.length; i += 5000) {
    const json = JSON.stringify(ids.slice(i, i + 5000));
    const chunk = await db.select().from(customers)
      .where(and(eq(customers.tenantId, tenantId), sql`${customers.externalId} in (select json_array_elements_text(${json}::json))`));
    for (const c of chunk) existing.set(c.externalId, c);
  }
  return existing;
}

/** Every payer of the tenant, by external id and by id, for the payer column. */
export async function loadPayers(db: DbOrTx, tenantId: string): Promise<Pick<Lookups, 'payerByExt' | 'payerExtById'>> {
  const payerRows = await db.select({ id: payers.id, externalId: payers.externalId }).from(payers).where(eq(payers.tenantId, tenantId));
  const payerByExt = new Map<string, string>([
    ...payerRows.map((p) => [p.id, p.id] as [string, string]),
    ...payerRows.filter((p) => p.externalId).map((p) => [p.externalId!, p.id] as [string, string]),
  ]);
  return { payerByExt, payerExtById: new Map(payerRows.map((p) => [p.id, p.externalId])) };
}

/**
 * Turns one record into the customer it describes (merged over the existing one for a known
 * external id) and checks it by the rules of a POST. `seen` spans the file, so a repeated
 * external id is reported at its second line. Pure: every lookup comes in `lk`.
 */
export function planRow(ctx: Ctx, header: string[], rec: CsvRecord, lk: Lookups, seen: Map<string, number>): { errors: RowIssue[]; planned?: PlannedRow } {
  const r = rec.fields;
  const rowErrors: RowIssue[] = [];
  if (r.length !== header.length) return { errors: [{ line: rec.line, field: null, message: `has ${r.length} fields; the header has ${header.length}` }] };
  const ext = cell(header, r, 'externalId') ?? '';
  const prev = ext ? lk.existing.get(ext) ?? null : null;
  const obj: Record<string, unknown> = prev ? existingAsInput(prev, prev.payerId ? lk.payerExtById.get(prev.payerId) ?? prev.payerId : null) : { attributes: {} };
  header.forEach((h, i) => {
    const value = unguardField(r[i]).trim();
    if (h.startsWith(ATTR_PREFIX)) {
      const attrs = obj.attributes as Record<string, unknown>;
      if (value === '') delete attrs[h.slice(ATTR_PREFIX.length)];
      else attrs[h.slice(ATTR_PREFIX.length)] = attrValue(value);
      return;
    }
    const c = h as Column;
    if (value === '') {
      if (NULLABLE.has(c)) obj[c] = null;
      else if (c === 'tags') obj.tags = [];
      else if (!prev) delete obj[c];
      return;
    }
    if (c === 'tags') obj.tags = value.split(';').map((s) => s.trim()).filter(Boolean);
    else if (c === 'dunningExcluded') {
      const b = parseBool(value);
      if (b === undefined) rowErrors.push({ line: rec.line, field: c, message: 'must be true or false' });
      else obj.dunningExcluded = b;
    } else obj[c] = value;
  });
  if (ext) {
    if (seen.has(ext)) rowErrors.push({ line: rec.line, field: 'externalId', message: `repeats the external id of line ${seen.get(ext)}` });
    else seen.set(ext, rec.line);
  }
  const payerExternalId = obj.payerExternalId as string | null | undefined;
  delete obj.payerExternalId;
  if (payerExternalId) {
    const pid = lk.payerByExt.get(payerExternalId);
    if (!pid) rowErrors.push({ line: rec.line, field: 'payerExternalId', message: 'no payer has this external id (or id)' });
    else obj.payerId = pid;
  } else if (payerExternalId === null) obj.payerId = null;
  const parsed = CustomerCreateIn.safeParse(obj);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const p = formatPath(i.path);
      const field = p.startsWith('attributes.') ? ATTR_PREFIX + p.slice('attributes.'.length) : p.replace(/\[\d+\]$/, '');
      rowErrors.push({ line: rec.line, field, message: i.message, [ZOD_ISSUE]: i });
    }
    return { errors: rowErrors };
  }
  const prep = prepareCustomer(ctx, parsed.data, lk.defaults);
  for (const i of prep.issues) rowErrors.push({ line: rec.line, field: i.path, message: i.message });
  return rowErrors.length ? { errors: rowErrors } : { errors: [], planned: { line: rec.line, existing: prev, values: prep.values } };
}

/** A real import's row problems as the 422 of a write: `csv[7].email`, with line and field kept. */
export function rowProblems(errors: RowIssue[]) {
  const issues = errors.map((e) => ({ path: `csv[${e.line}]${e.field ? `.${e.field}` : ''}`, message: e.message, line: e.line, field: e.field, [ZOD_ISSUE]: e[ZOD_ISSUE] }));
  return invalid(issues as FieldIssue[], `${errors.length} problem(s) in the file; nothing was imported`);
}

/** All of the tenant's customers as CSV (with a BOM so Excel reads the Korean text as UTF-8). */
export async function exportCustomers({ ctx }: { ctx: Ctx }): Promise<string> {
  assertPermission(ctx, 'customers:read');
  const rows = await q(ctx).select({ c: customers, payerExternalId: payers.externalId }).from(customers)
    .leftJoin(payers, and(eq(payers.id, customers.payerId), eq(payers.tenantId, ctx.tenantId)))
    .where(eq(customers.tenantId, ctx.tenantId)).orderBy(asc(customers.externalId));
  const attrNames = [...new Set(rows.flatMap((r) => Object.keys(r.c.attributes ?? {})))].sort();
  const lines: Array<Array<string | number | boolean | null>> = [[...CSV_COLUMNS, ...attrNames.map((a) => ATTR_PREFIX + a)]];
  for (const { c, payerExternalId } of rows) {
    lines.push([
      c.externalId, c.type, c.name, c.email, c.phone, c.businessRegNo, c.taxId, c.country, c.timezone, c.currency, c.segment,
      // A payer without an external id is referenced by its id, so an export imports back unchanged.
      c.tags.join(';'), c.status, c.billingGroup, c.dunningExcluded, payerExternalId ?? c.payerId,
      ...attrNames.map((a) => (c.attributes?.[a] ?? null) as string | number | boolean | null),
    ]);
  }
  return '\uFEFF' + toCsv(lines);
}
