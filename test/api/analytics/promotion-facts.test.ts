/**
 * promotion_facts, kept by a trigger on invoices, give exactly what the invoices' discount lines
 * give (the promotions endpoint's whole answer, both ways): invoices issued with lines of two rules
 * for two customers (one line naming another customer), a draft that is not counted until it is
 * issued, an invoice whose lines are rewritten, one voided, one in another currency; a write that
 * is rolled back leaves no fact; compaction keeps the figures; and (PostgreSQL) two writers of the
 * same rule and month do not wait for each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, mrrMovements, payers } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { promotionRoiFrom } from '../../../server/analytics/promotion-roi';
import { compactPaymentFacts } from '../../../server/analytics/payment-facts-compact';
import { Decimal } from '../../../server/lib/money';

let t: TestApp;
let one: { tenantId: string; key: string };
let c1 = '';
let c2 = '';
let seq = 0;
const ids: Record<string, string> = {};
const clock = () => new Date('2025-07-10T12:00:00Z');
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

const disc = (rule: string, amount: string, customerId?: string) => ({ kind: 'discount', rule, amount, component: 'base', ...(customerId ? { customerId } : {}) });
const invoice = (cust: string, month: string, status: string, lines: unknown[], total = '100.00', currency = 'USD') => ({
  tenantId: one.tenantId, billTo: cust, customerId: cust, periodStart: `${month}-01`, periodEnd: `${month}-28`, currency,
  sequence: ++seq, status, number: status === 'draft' ? null : `PR-${seq}`, issueDate: `${month}-01`, dueDate: `${month}-15`,
  lines: [{ kind: 'charge', component: 'base', amount: '120.00' }, ...lines] as never,
  subtotal: total, discountTotal: '0', taxTotal: '0', total, amountDue: total,
});
const add = async (key: string, v: typeof invoices.$inferInsert) => { ids[key] = (await t.handle.db.insert(invoices).values(v).returning())[0].id; };
async function expectEqual() {
  const ctx = systemCtx(t.handle.db, one.tenantId, PERMISSION_CODES, clock);
  for (const q of [{ from: '2025-02', to: '2025-07' }, { from: '2025-04', to: '2025-04' }, { from: '2025-02', to: '2025-07', currency: 'EUR' }]) {
    expect(await promotionRoiFrom(ctx, q, 'facts')).toEqual(await promotionRoiFrom(ctx, q, 'raw'));
  }
  return promotionRoiFrom(ctx, { from: '2025-02', to: '2025-07' }, 'facts');
}
const factRows = async () => Number(rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from promotion_facts where tenant_id = ${one.tenantId}`))[0].n);

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('promofacts');
  const db = t.handle.db;
  const [a] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R1', type: 'corporate', name: 'R1', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  const [b] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R2', type: 'individual', name: 'R2', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
  c1 = a.id;
  c2 = b.id;
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('promotion facts', () => {
  it('issued invoices with discount lines: facts == raw, and the figures by hand', async () => {
    await add('A', invoice(c1, '2025-04', 'finalized', [disc('SPRING', '-10.00'), disc('SPRING', '-5.00', c2), disc('LOYAL', '-2.50')]));
    await add('B', invoice(c1, '2025-04', 'paid', [disc('SPRING', '-7.00')]));
    await add('C', invoice(c2, '2025-05', 'draft', [disc('SPRING', '-20.00')]));
    await add('D', invoice(c2, '2025-05', 'finalized', [disc('SPRING', '-3.00')], '50.00', 'EUR'));
    await add('E', invoice(c2, '2025-06', 'finalized', []));
    const f = await expectEqual();
    expect(f.givenAway.map((g) => [g.rule, g.month, g.currency, g.amount, g.invoices, g.customers])).toEqual([
      ['LOYAL', '2025-04', 'USD', '2.50', 1, 1], ['SPRING', '2025-04', 'USD', '22.00', 2, 2], ['SPRING', '2025-05', 'EUR', '3.00', 1, 1]]);
    expect(f.comparison.find((c) => c.rule === 'LOYAL' && c.currency === 'USD')).toMatchObject({ users: { customers: 1 }, nonUsers: { customers: 1 } });
  });

  it('a draft issued, lines rewritten, an invoice voided are followed', async () => {
    const db = t.handle.db;
    await db.update(invoices).set({ status: 'finalized', number: 'PR-C' }).where(eq(invoices.id, ids.C));
    await db.update(invoices).set({ lines: [disc('LOYAL', '-4.00', c2)] as never }).where(eq(invoices.id, ids.B));
    await db.update(invoices).set({ status: 'void' }).where(eq(invoices.id, ids.D));
    await db.update(invoices).set({ status: 'paid' }).where(eq(invoices.id, ids.A)); // issued both before and after: no change
    const f = await expectEqual();
    expect(f.givenAway.map((g) => [g.rule, g.month, g.currency, g.amount, g.invoices, g.customers])).toEqual([
      ['LOYAL', '2025-04', 'USD', '6.50', 2, 2], ['SPRING', '2025-04', 'USD', '15.00', 1, 2], ['SPRING', '2025-05', 'USD', '20.00', 1, 1]]);
  });

  it('a rolled-back invoice leaves no fact', async () => {
    const rows = await factRows();
    const err = await t.handle.db.transaction(async (tx) => {
      await tx.insert(invoices).values(invoice(c1, '2025-06', 'finalized', [disc('SPRING', '-99.00')]));
      expect(Number(rowsOf(await tx.execute(sql`select count(*)::int as n from promotion_facts where tenant_id = ${one.tenantId}`))[0].n)).toBeGreaterThan(rows);
      throw new Error('rolled back');
    }).catch((e: Error) => e.message);
    expect(err).toBe('rolled back');
    expect(await factRows()).toBe(rows);
    expect((await expectEqual()).givenAway.some((g) => g.month === '2025-06')).toBe(false);
  });

  it('compaction folds the delta rows; the endpoint reads the facts and answers the same', async () => {
    const was = await expectEqual();
    const before = await factRows();
    await compactPaymentFacts(t.handle.db, one.tenantId);
    expect(await factRows()).toBeLessThan(before);
    expect(await expectEqual()).toEqual(was);
    const api = await t.call('GET', '/api/v1/analytics/promotions?from=2025-02&to=2025-07', { key: one.key });
    expect(api.status).toBe(200);
    expect(api.body).toEqual(JSON.parse(JSON.stringify(was)));
  });

  it('revenue and retention of users and non-users: per-customer running totals and MRR today (a churn dated after today counts from its date)', async () => {
    const db = t.handle.db;
    const [c] = await db.insert(customers).values({ tenantId: one.tenantId, externalId: 'R3', type: 'corporate', name: 'R3', country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
    await add('F', invoice(c.id, '2025-03', 'paid', [], '40.00'));
    await add('G', invoice(c.id, '2025-06', 'finalized', [], '60.00'));
    const mv = (customerId: string, date: string, kind: 'new' | 'churn', amount: string) => ({ tenantId: one.tenantId, customerId, currency: 'USD', date, kind, amount, mrrBefore: '0', mrrAfter: '0', cohortMonth: '2025-03-01' });
    await db.insert(mrrMovements).values([mv(c1, '2025-03-01', 'new', '100'), mv(c2, '2025-03-01', 'new', '50'), mv(c2, '2025-08-01', 'churn', '-50'),
      mv(c.id, '2025-03-01', 'new', '40'), mv(c.id, '2025-06-20', 'churn', '-40')]);
    const f = await expectEqual();
    const spring = f.comparison.find((x) => x.rule === 'SPRING' && x.currency === 'USD');
    // users: R1 and R2 (R2 through a line naming it), both with MRR on 2025-07-10 (R2's churn is dated 2025-08-01); non-users: R3, churned,
    // whose revenue is its lines (a 120.00 charge on each of F and G), not the invoices' totals (40 + 60, tax included)
    expect(spring).toMatchObject({ users: { customers: 2, retention: '1.0000' }, nonUsers: { customers: 1, revenuePerCustomer: '240.00', retention: '0.0000' } });
    // R3's invoice of June leaves the range; R1's MRR ends today
    await db.update(invoices).set({ periodStart: '2025-01-01' }).where(eq(invoices.id, ids.G));
    await db.insert(mrrMovements).values(mv(c1, '2025-07-10', 'churn', '-100'));
    const g = (await expectEqual()).comparison.find((x) => x.rule === 'SPRING' && x.currency === 'USD');
    expect(g).toMatchObject({ users: { customers: 2, retention: '0.5000' }, nonUsers: { customers: 1, revenuePerCustomer: '120.00' } });
    // a payer's invoice (no customer of its own) counts for the customers its lines name; its tax line for nobody
    const [p] = await db.insert(payers).values({ tenantId: one.tenantId, name: 'P Corp' }).returning();
    await add('H', { ...invoice(c.id, '2025-05', 'paid', [disc('SPRING', '-1.00', c.id)], '0.00'), billTo: p.id, customerId: null,
      lines: [{ kind: 'charge', component: 'base', amount: '30.00', customerId: c.id }, { kind: 'charge', component: 'base', amount: '50.00', customerId: c1 },
        { kind: 'discount', rule: 'SPRING', amount: '-1.00', component: 'base', customerId: c.id }, { kind: 'tax', amount: '7.90' }] as never });
    const h = (await expectEqual()).comparison.find((x) => x.rule === 'SPRING' && x.currency === 'USD');
    // R3 used SPRING now (on H): all three are users; R3's revenue 120.00 + 30.00 − 1.00
    expect(h).toMatchObject({ users: { customers: 3 }, nonUsers: { customers: 0 } });
    await db.delete(mrrMovements).where(eq(mrrMovements.tenantId, one.tenantId));
    await expectEqual();
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('two writers of one customer\'s revenue take turns, and the second adds to what the first wrote', async () => {
    const db = t.handle.db;
    const revenue = async () => rowsOf(await db.execute(sql`select cum_total::text[] as t from customer_revenue_months where tenant_id = ${one.tenantId} and customer_id = ${c1} and currency = 'USD'`))[0]?.t;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let wrote!: () => void;
    const written = new Promise<void>((r) => { wrote = r; });
    const first = db.transaction(async (tx) => { await tx.insert(invoices).values(invoice(c1, '2025-09', 'finalized', [], '11.00')); wrote(); await held; });
    await written;
    let secondDone = false;
    const second = db.transaction(async (tx) => { await tx.insert(invoices).values(invoice(c1, '2025-10', 'finalized', [], '22.00')); }).then(() => { secondDone = true; });
    await new Promise((r) => setTimeout(r, 300));
    expect(secondDone).toBe(false); // waiting for the first's row
    release();
    await Promise.all([first, second]);
    const cum = (await revenue()) as string[];
    expect(new Decimal(cum[cum.length - 1]).minus(cum[cum.length - 3]).toFixed(2)).toBe('240.00'); // September and October (a 120.00 charge line each) both counted
    await expectEqual();
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('a second writer of the same rule and month does not wait for the first to commit', async () => {
    const db = t.handle.db;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let firstInserted!: () => void;
    const inserted = new Promise<void>((r) => { firstInserted = r; });
    const first = db.transaction(async (tx) => {
      await tx.insert(invoices).values(invoice(c1, '2025-07', 'finalized', [disc('SPRING', '-1.00')]));
      firstInserted();
      await held;
    });
    await inserted;
    const second = await db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      await tx.insert(invoices).values(invoice(c2, '2025-07', 'finalized', [disc('SPRING', '-2.00')]));
      return 'committed';
    }).catch((e: Error) => e.message);
    release();
    await first;
    expect(second).toBe('committed');
    const f = await expectEqual();
    expect(f.givenAway.find((g) => g.month === '2025-07')).toMatchObject({ rule: 'SPRING', amount: '3.00', invoices: 2, customers: 2 });
  });
});
