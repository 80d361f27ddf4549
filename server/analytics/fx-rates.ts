/**
 * The tenant's FX-rate table (README.md "Currencies"): entered through the API/console or imported
 * as CSV (`date,base,quote,rate`), never fetched. `rateFinder` is the one lookup the reports use:
 * the last rate on or before a date, taken directly (base → quote) or inverted (quote → base).
 */
import { and, asc, desc, eq, lte, or, sql } from 'drizzle-orm';
import { fxRates } from '../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { invalid, notFound, type FieldIssue } from '../lib/errors';
import { Decimal, isCurrencyCode, isDecimalString } from '../lib/money';
import { recordAudit } from '../audit/record';

export interface FxRateInput { date: string; base: string; quote: string; rate: string }
type Row = typeof fxRates.$inferSelect;

const out = (r: Row) => ({ id: r.id, date: r.date, base: r.base, quote: r.quote, rate: new Decimal(r.rate).toString(), source: r.source });

export async function listFxRates({ ctx, query }: { ctx: Ctx; query: { base?: string; quote?: string } }) {
  assertPermission(ctx, 'analytics:read');
  const where = [eq(fxRates.tenantId, ctx.tenantId)];
  if (query.base) where.push(eq(fxRates.base, query.base));
  if (query.quote) where.push(eq(fxRates.quote, query.quote));
  const rows = await q(ctx).select().from(fxRates).where(and(...where)).orderBy(desc(fxRates.date), asc(fxRates.base), asc(fxRates.quote)).limit(2000);
  return { data: rows.map(out) };
}

/** What is wrong with one rate, as field issues under `path`. */
function rateIssues(r: FxRateInput, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isCurrencyCode(r.base)) issues.push({ path: `${path}.base`, message: 'is not an ISO 4217 currency code' });
  if (!isCurrencyCode(r.quote)) issues.push({ path: `${path}.quote`, message: 'is not an ISO 4217 currency code' });
  else if (r.base === r.quote) issues.push({ path: `${path}.quote`, message: 'must differ from base' });
  if (!isDecimalString(r.rate) || !new Decimal(r.rate).greaterThan(0) || new Decimal(r.rate).decimalPlaces() > 12 || new Decimal(r.rate).greaterThanOrEqualTo('1e18')) {
    issues.push({ path: `${path}.rate`, message: 'must be a decimal string greater than 0 and less than 10^18, at most 12 decimals' });
  }
  return issues;
}

/** Sets rates (a later entry for the same pair and date replaces the earlier one); audited as one change. */
export async function putFxRates({ ctx, input, source = 'api' }: { ctx: Ctx; input: { rates: FxRateInput[] }; source?: 'api' | 'csv' }) {
  assertPermission(ctx, 'tenant:write');
  const issues = source === 'csv' ? [] : input.rates.flatMap((r, i) => rateIssues(r, `rates[${i}]`)); // CSV lines are checked by the import
  if (issues.length) throw invalid(issues);
  return withTransaction(ctx, async (tx, tctx) => {
    const rows: Row[] = [];
    for (const r of input.rates) {
      const values = { rate: new Decimal(r.rate).toString(), source, updatedAt: ctx.now() };
      const [row] = await tx.insert(fxRates).values({ tenantId: ctx.tenantId, date: r.date, base: r.base, quote: r.quote, ...values })
        .onConflictDoUpdate({ target: [fxRates.tenantId, fxRates.base, fxRates.quote, fxRates.date], set: values }).returning();
      rows.push(row);
    }
    const data = rows.map(out);
    await recordAudit(tx, tctx, { action: 'analytics.fx_rates', entityType: 'fx_rate', entityId: null, after: { source, rates: data } });
    return { data };
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A CSV export of rates: a `date,base,quote,rate` header, then one rate a line. Errors name the line. */
export async function importFxRatesCsv({ ctx, input }: { ctx: Ctx; input: { csv: string } }) {
  assertPermission(ctx, 'tenant:write');
  const lines = input.csv.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  const header = (lines[0] ?? '').toLowerCase().split(',').map((h) => h.trim());
  const at = (name: string) => header.indexOf(name);
  if (['date', 'base', 'quote', 'rate'].some((h) => at(h) < 0)) throw invalid([{ path: 'csv', message: 'the first line must be the header date,base,quote,rate' }]);
  const rates: FxRateInput[] = [];
  const issues: FieldIssue[] = [];
  lines.slice(1).forEach((line, i) => {
    if (!line) return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const r = { date: cells[at('date')] ?? '', base: (cells[at('base')] ?? '').toUpperCase(), quote: (cells[at('quote')] ?? '').toUpperCase(), rate: cells[at('rate')] ?? '' };
    if (!ISO_DATE.test(r.date) || Number.isNaN(Date.parse(`${r.date}T00:00:00Z`)) || new Date(`${r.date}T00:00:00Z`).toISOString().slice(0, 10) !== r.date) {
      issues.push({ path: `csv.line${i + 2}.date`, message: 'must be a date YYYY-MM-DD' });
    }
    issues.push(...rateIssues(r, `csv.line${i + 2}`));
    rates.push(r);
  });
  if (!rates.length) issues.push({ path: 'csv', message: 'has no rates after the header' });
  if (rates.length > 5000) issues.push({ path: 'csv', message: 'at most 5000 rates at a time' });
  if (issues.length) throw invalid(issues);
  const { data } = await putFxRates({ ctx, input: { rates }, source: 'csv' });
  return { imported: data.length };
}

export async function deleteFxRate({ ctx, id }: { ctx: Ctx; id: string }) {
  assertPermission(ctx, 'tenant:write');
  return withTransaction(ctx, async (tx, tctx) => {
    const [row] = await tx.delete(fxRates).where(and(eq(fxRates.tenantId, ctx.tenantId), eq(fxRates.id, id))).returning();
    if (!row) throw notFound('FX rate');
    await recordAudit(tx, tctx, { action: 'analytics.fx_rate_deleted', entityType: 'fx_rate', entityId: id, before: out(row) });
  });
}

/**
 * Finds rates into `reporting`: `find(currency, date)` is how many `reporting` one unit of
 * `currency` was worth on `date` — the last rate on or before it, direct or inverted — with the
 * date of the rate used; null when the table has none. One query for all the pairs involved.
 */
export async function rateFinder(ctx: Ctx, reporting: string, currencies: string[], upTo: string) {
  const others = currencies.filter((c) => c !== reporting);
  const rows = others.length ? await q(ctx).select().from(fxRates).where(and(eq(fxRates.tenantId, ctx.tenantId), lte(fxRates.date, upTo),
    or(and(eq(fxRates.quote, reporting), sql`${fxRates.base} in ${others}`), and(eq(fxRates.base, reporting), sql`${fxRates.quote} in ${others}`))))
    .orderBy(desc(fxRates.date)) : [];
  return (currency: string, date: string): { rate: Decimal; date: string } | null => {
    if (currency === reporting) return { rate: new Decimal(1), date };
    // newest first: the first on or before `date`; a direct rate wins over an inverted one of the same day
    const hit = rows.filter((r) => r.date <= date && (r.base === currency || r.quote === currency))
      .sort((a, b) => b.date.localeCompare(a.date) || (a.base === currency ? -1 : 1))[0];
    if (!hit) return null;
    return { rate: hit.base === currency ? new Decimal(hit.rate) : new Decimal(1).dividedBy(hit.rate), date: hit.date };
  };
}
