/**
 * receivable_facts must not make writers of one tenant and month wait for each other: a bill run
 * finalizing invoices and a payment recorded at the same time both add to the same month's facts.
 * With one upserted row per month (the first design) the second writer waited on that row until
 * the first committed. The facts are now append-only delta rows (summed when read, compacted by
 * a daily job), so the second writer goes through while the first is still open, and the facts
 * still equal the raw tables, before and after compaction.
 * PGlite runs one transaction at a time, so the waiting part bites on PostgreSQL (TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { monthRange } from '../../../server/analytics/filters';
import { monthlyFromFacts, monthlyFromRaw, type MonthlySums } from '../../../server/analytics/receivables';
import { compactReceivableFacts } from '../../../server/analytics/receivable-facts-compact';

let t: TestApp;
let one: { tenantId: string; key: string };
let cust = '';
let other = '';
let seq = 0;
const clock = () => new Date('2025-07-10T12:00:00Z');
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

const invoice = (total: string, issue = '2025-07-02') => ({
  tenantId: one.tenantId, billTo: cust, customerId: cust, periodStart: '2025-07-01', periodEnd: '2025-07-31', currency: 'USD',
  sequence: ++seq, status: 'finalized', number: `CC-${seq}`, issueDate: issue, dueDate: '2025-07-20', lines: [],
  subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
});
const dump = (m: MonthlySums, months: string[]) => months.flatMap((mo) => m.currencies.map((c) => {
  const x = m.cell(mo, c); return [mo, c, x.billed.toFixed(2), x.collected.toFixed(2), x.outstanding.toFixed(2)].join(' ');
}));
async function factsAndRaw() {
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  const r = await monthRange(ctx, { from: '2025-06', to: '2025-07' });
  return { facts: dump(await monthlyFromFacts(ctx, {}, r), r.months), raw: dump(await monthlyFromRaw(ctx, {}, r), r.months) };
}
const factRows = async () => Number(rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from receivable_facts where tenant_id = ${one.tenantId}`))[0].n);

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('factscc');
  const [c] = await t.handle.db.insert(customers).values({ tenantId: one.tenantId, externalId: 'CC1', type: 'corporate', name: 'CC1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  cust = c.id;
  other = (await t.handle.db.insert(customers).values({ tenantId: one.tenantId, externalId: 'CC2', type: 'corporate', name: 'CC2', country: 'US', timezone: 'UTC', currency: 'USD' }).returning())[0].id;
  await t.handle.db.insert(invoices).values(invoice('10.00', '2025-06-03'));
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('receivable facts under concurrent writers', () => {
  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('a second writer of the same tenant and month does not wait for the first to commit', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let firstInserted!: () => void;
    const inserted = new Promise<void>((r) => { firstInserted = r; });
    const first = t.handle.db.transaction(async (tx) => {
      await tx.insert(invoices).values(invoice('100.00'));
      firstInserted();
      await held; // open, holding whatever the facts trigger locked
    });
    await inserted;
    // the second writer gives up after 2 s of waiting for a lock: with one upserted row per month it did.
    // Another customer: issued invoices of one customer take turns on its customer_revenue_months row (promotion-facts.test.ts)
    const second = await t.handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      await tx.insert(invoices).values({ ...invoice('50.00'), billTo: other, customerId: other });
      return 'committed';
    }).catch((e: Error) => e.message);
    release();
    await first;
    expect(second).toBe('committed');
    const { facts, raw } = await factsAndRaw();
    expect(facts).toEqual(raw);
    expect(facts).toContain('2025-07 USD 150.00 0.00 160.00');
  });

  it('compaction folds the delta rows into one per month and currency, and the figures stay the raw ones', async () => {
    await t.handle.db.insert(invoices).values(invoice('7.00'));
    await t.handle.db.insert(invoices).values(invoice('3.00', '2025-06-20'));
    const before = await factsAndRaw();
    expect(before.facts).toEqual(before.raw);
    expect(await factRows()).toBeGreaterThan(2);
    await compactReceivableFacts(t.handle.db, one.tenantId);
    expect(await factRows()).toBe(2); // June and July, USD
    const after = await factsAndRaw();
    expect(after.facts).toEqual(before.raw);
    expect(after.raw).toEqual(before.raw);
  });
});
