/**
 * The late payers of payment patterns, read from late_payer_months (running totals per bill-to
 * party, pruned by each party's all-time count: server/analytics/late-payers.ts), are exactly what
 * the raw tables give: when the all-time leaders are not the range's leaders, when the bound prunes
 * parties (the seed's 10th best is over 1), and when it cannot (fewer than 10 seeds late in the
 * range); after compaction and deletes; and (PostgreSQL) when two writers of one party overlap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, payments } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { paymentPatternsFrom } from '../../../server/analytics/payment-patterns';
import { topLatePayers } from '../../../server/analytics/late-payers';
import { monthNumber } from '../../../server/analytics/running-totals';
import { compactPaymentFacts } from '../../../server/analytics/payment-facts-compact';

let t: TestApp;
let tenantId = '';
let seq = 0;
const clock = () => new Date('2025-08-10T12:00:00Z');
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
const party: Record<string, string> = {};

type Db = TestApp['handle']['db'];
/** An invoice of `billTo` due on the 10th of `month` and a payment `days` later, not yet allocated. */
async function latePayment(billTo: string, month: string, days: number) {
  const db = t.handle.db;
  const [inv] = await db.insert(invoices).values({
    tenantId, billTo, customerId: billTo, periodStart: `${month}-01`, periodEnd: `${month}-28`, currency: 'USD', sequence: ++seq, status: 'finalized',
    number: `LP-${seq}`, issueDate: `${month}-01`, dueDate: `${month}-10`, lines: [], subtotal: '10.00', discountTotal: '0', taxTotal: '0', total: '10.00', amountDue: '10.00',
  }).returning();
  const [p] = await db.insert(payments).values({ tenantId, billTo, customerId: billTo, method: 'card', amount: '10.00', currency: 'USD', receivedOn: `${month}-${String(10 + days).padStart(2, '0')}`, status: 'succeeded' }).returning();
  return (on: Pick<Db, 'execute'> = db) => on.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount) values (${tenantId}, ${p.id}, ${inv.id}, 10)`);
}
const late = async (billTo: string, month: string, days: number) => (await latePayment(billTo, month, days))();

async function expectExact(from: string, to: string, seed?: number) {
  const ctx = systemCtx(t.handle.db, tenantId, PERMISSION_CODES, clock);
  const raw = (await paymentPatternsFrom(ctx, { from, to }, 'raw')).latePayers;
  const fast = rowsOf(await topLatePayers(t.handle.db, tenantId, from, to, seed))
    .map((m) => ({ billTo: String(m.billTo), name: m.name === null ? null : String(m.name), late: Number(m.late), avgDaysLate: String(m.avgDaysLate) }));
  expect(fast).toEqual(raw);
  return raw;
}

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  ({ tenantId } = await t.otherTenant('latepay'));
  const names = [...Array.from({ length: 10 }, (_, i) => `S${i}`), 'R0', 'R1', 'R2', 'O0', 'O1', 'O2', 'P0', 'P1', 'Q0'];
  const rows = await t.handle.db.insert(customers).values(names.map((n) => ({ tenantId, externalId: n, type: 'corporate' as const, name: n, country: 'US', timezone: 'UTC', currency: 'USD' }))).returning();
  for (const c of rows) party[c.externalId] = c.id;
  // S: 2 late before the range and 2 in it (all time 4); R: 3 in the range only (all time 3, not a seed);
  // O: 1 in the range (pruned when the floor is 2); P: 5 before the range only (the all-time leaders);
  // Q: 2 in the range only, at the floor exactly (all time 2), longer delays than any S
  for (let i = 0; i < 10; i++) for (const [m, d] of [['2025-02', 3], ['2025-03', 3], ['2025-05', 1 + i], ['2025-06', 2]] as const) await late(party[`S${i}`], m, d);
  for (let i = 0; i < 3; i++) for (const m of ['2025-05', '2025-06', '2025-07']) await late(party[`R${i}`], m, 4 + i);
  for (let i = 0; i < 3; i++) await late(party[`O${i}`], '2025-07', 9);
  await late(party.Q0, '2025-05', 6);
  await late(party.Q0, '2025-06', 8);
  for (let i = 0; i < 2; i++) for (const m of ['2025-01', '2025-02', '2025-03', '2025-04', '2025-04']) await late(party[`P${i}`], m, 5);
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('late payers from running totals', () => {
  it('counts months as year × 12 + month − 1', () => {
    expect(monthNumber('2026-03')).toBe(2026 * 12 + 2);
    expect(monthNumber('2025-01') - monthNumber('2024-12')).toBe(1);
  });

  it('equals the raw scan whether the bound prunes or not, in the same order (most late, longer delay, id)', async () => {
    const top = await expectExact('2025-05', '2025-07', 12); // seeds: P0, P1 (0 in range) and the 10 S (2 each): floor 2
    expect(top.map((p) => p.name)).toEqual(['R2', 'R1', 'R0', 'Q0', 'S9', 'S8', 'S7', 'S6', 'S5', 'S4']);
    expect(top[0]).toMatchObject({ late: 3, avgDaysLate: '6.0' });
    await expectExact('2025-05', '2025-07', 1); // one seed: fewer than 10 late in the range, no pruning
    await expectExact('2025-05', '2025-07');
    await expectExact('2025-01', '2025-04'); // only P and S are late here
    await expectExact('2025-07', '2025-07'); // ties on count and delay: by id
    await expectExact('2024-01', '2024-12'); // before anything: nobody
    await expectExact('2025-01', '2026-12', 3);
  });

  it('follows deletes and compaction', async () => {
    await t.handle.db.execute(sql`delete from payment_allocations where tenant_id = ${tenantId} and payment_id in (select id from payments where bill_to = ${party.R2})`);
    expect((await expectExact('2025-05', '2025-07', 12)).map((p) => p.name)).not.toContain('R2');
    const before = rowsOf(await t.handle.db.execute(sql`select bill_to, first_month, cum_late, cum_days, late from late_payer_months where tenant_id = ${tenantId} order by 1`));
    await t.handle.db.transaction((tx) => compactPaymentFacts(tx, tenantId));
    const after = rowsOf(await t.handle.db.execute(sql`select bill_to, first_month, cum_late, cum_days, late from late_payer_months where tenant_id = ${tenantId} order by 1`));
    expect(after).toEqual(before);
    await expectExact('2025-05', '2025-07', 12);
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('two writers of one party take turns, and the second counts the first', async () => {
    const db = t.handle.db;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let wrote!: () => void;
    const written = new Promise<void>((r) => { wrote = r; });
    const [allocateA, allocateB] = [await latePayment(party.O0, '2025-08', 2), await latePayment(party.O0, '2025-08', 4)];
    const first = db.transaction(async (tx) => { await allocateA(tx); wrote(); await held; });
    await written;
    const second = db.transaction(async (tx) => { await allocateB(tx); });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    const [row] = rowsOf(await db.execute(sql`select late from late_payer_months where tenant_id = ${tenantId} and bill_to = ${party.O0}`));
    expect(Number(row.late)).toBe(3);
    await expectExact('2025-07', '2025-08', 12);
  });
});
