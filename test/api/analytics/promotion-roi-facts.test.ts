/**
 * promotion_roi_facts (users against non-users from a few thousand keys) give exactly what the raw
 * invoice lines give, for every month range of a year of random invoices: customers with gaps
 * between their months, two rules used on and off, lines naming another customer, drafts, voids,
 * MRR that starts and stops. First with every customer in one currency and no MRR movement dated
 * after today, so that the facts alone answer; then with customers billed in two currencies and
 * churns dated after today (read one by one); then after voids, moved periods, rewritten lines and
 * deleted movements; after the nightly fold; and as the fold moves the date the facts' MRR is as of.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../../support/app';
import { customers, invoices, mrrMovements } from '../../../server/db/schema';
import { systemCtx } from '../../../server/lib/context';
import { PERMISSION_CODES } from '../../../server/access/permissions';
import { promotionRoiFrom } from '../../../server/analytics/promotion-roi';
import { compactPaymentFacts } from '../../../server/analytics/payment-facts-compact';

let t: TestApp;
let tenantId = '';
const cust: string[] = [];
const made: string[] = [];
let seq = 0;
const clock = () => new Date('2025-09-15T12:00:00Z');
const MONTHS = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'];
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];

// a fixed pseudo-random sequence (mulberry32), so a failure can be replayed
let state = 20261207;
const rnd = () => {
  state = (state + 0x6d2b79f5) | 0;
  let x = Math.imul(state ^ (state >>> 15), 1 | state);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
const money = () => (10 + Math.floor(rnd() * 9000) / 100).toFixed(2);

function randomInvoice(i: number, month: string, currency: string) {
  const lines: Record<string, unknown>[] = [{ kind: 'charge', component: 'base', amount: money() }];
  if (rnd() < 0.35) lines.push({ kind: 'discount', rule: 'SPRING', component: 'base', amount: `-${(rnd() * 9 + 1).toFixed(2)}` });
  if (rnd() < 0.25) lines.push({ kind: 'discount', rule: 'LOYAL', component: 'base', amount: `-${(rnd() * 5 + 1).toFixed(2)}` });
  // a line for another customer (a payer's invoice covering several), sometimes with its own discount
  if (rnd() < 0.15) {
    const other = pick(cust);
    lines.push({ kind: 'charge', component: 'base', amount: money(), customerId: other });
    if (rnd() < 0.5) lines.push({ kind: 'discount', rule: 'LOYAL', component: 'base', amount: '-2.00', customerId: other });
  }
  lines.push({ kind: 'tax', amount: '3.00' });
  const status = pick(['finalized', 'finalized', 'paid', 'paid', 'partially_paid', 'payment_failed', 'draft', 'void']);
  return {
    tenantId, billTo: cust[i], customerId: cust[i], periodStart: `${month}-01`, periodEnd: `${month}-28`, currency, sequence: ++seq, status,
    number: status === 'draft' ? null : `PRF-${seq}`, issueDate: `${month}-01`, dueDate: `${month}-20`, lines: lines as never,
    subtotal: '0', discountTotal: '0', taxTotal: '3.00', total: '0', amountDue: '0',
  };
}

const movement = (i: number, date: string, amount: string) => ({ tenantId, customerId: cust[i], currency: 'USD', date, kind: Number(amount) > 0 ? 'new' as const : 'churn' as const,
  amount, mrrBefore: '0', mrrAfter: '0', cohortMonth: '2025-01-01' });

async function expectAllRanges(currencies: (string | undefined)[] = [undefined, 'USD', 'EUR'], now = clock) {
  const ctx = systemCtx(t.handle.db, tenantId, PERMISSION_CODES, now);
  let compared = 0;
  for (let a = 0; a < MONTHS.length; a++) {
    for (let b = a; b < MONTHS.length; b++) {
      for (const currency of currencies) {
        const q = { from: MONTHS[a], to: MONTHS[b], ...(currency ? { currency } : {}) };
        const [facts, raw] = [await promotionRoiFrom(ctx, q, 'facts'), await promotionRoiFrom(ctx, q, 'raw')];
        expect(facts, JSON.stringify(q)).toEqual(raw);
        compared += facts.comparison.length;
      }
    }
  }
  return compared;
}
const oddCustomers = async () => Number(rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from promotion_roi_customer_rows where tenant_id = ${tenantId} and kind = 0`))[0].n);

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  tenantId = (await t.otherTenant('promoroi')).tenantId;
  for (let i = 0; i < 12; i++) {
    const [c] = await t.handle.db.insert(customers).values({ tenantId, externalId: `PRF${i}`, type: i % 3 ? 'individual' : 'corporate', name: `PRF${i}`, country: 'US', timezone: 'UTC', currency: 'USD' }).returning();
    cust.push(c.id);
  }
}, 240_000);
afterAll(async () => { await t?.close(); });

describe('promotion ROI users against non-users from facts', () => {
  it('one currency, no movement after today: the facts alone answer every range exactly', async () => {
    for (let i = 0; i < cust.length; i++) {
      for (const month of MONTHS.slice(0, 8)) if (rnd() < 0.55) made.push((await t.handle.db.insert(invoices).values(randomInvoice(i, month, 'USD')).returning())[0].id);
    }
    // customer 11's MRR starts on the as-of date in the last test
    await t.handle.db.insert(mrrMovements).values(cust.flatMap((_, i) => (i < 11 && rnd() < 0.7 ? [movement(i, '2025-01-05', '50')] : [])));
    await t.handle.db.insert(mrrMovements).values([movement(1, '2025-06-01', '-50'), movement(2, '2025-09-15', '70'), movement(3, '2025-09-15', '-50')]);
    expect(await oddCustomers()).toBe(0);
    const keys = Number(rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from promotion_roi_facts where tenant_id = ${tenantId}`))[0].n);
    expect(keys).toBeGreaterThan(0);
    expect(await expectAllRanges([undefined, 'USD'])).toBeGreaterThan(40);
  });

  it('customers billed in two currencies and churns dated after today are read one by one, and agree', async () => {
    for (const i of [4, 5]) for (const month of ['2025-03', '2025-07']) made.push((await t.handle.db.insert(invoices).values(randomInvoice(i, month, 'EUR')).returning())[0].id);
    await t.handle.db.insert(mrrMovements).values([movement(0, '2025-10-01', '-50'), movement(6, '2025-12-01', '40')]);
    expect(await oddCustomers()).toBeGreaterThan(0);
    await expectAllRanges();
  });

  it('voids, moved periods, rewritten lines, issued drafts and deleted movements are followed', async () => {
    const db = t.handle.db;
    for (const id of made.filter(() => rnd() < 0.3)) {
      const r = rnd();
      if (r < 0.25) await db.update(invoices).set({ status: 'void' }).where(eq(invoices.id, id));
      else if (r < 0.5) await db.update(invoices).set({ periodStart: `${pick(MONTHS)}-01` }).where(eq(invoices.id, id));
      else if (r < 0.75) await db.update(invoices).set({ lines: [{ kind: 'charge', component: 'base', amount: money() }, { kind: 'discount', rule: pick(['SPRING', 'LOYAL']), component: 'base', amount: '-1.00' }] as never }).where(eq(invoices.id, id));
      else await db.update(invoices).set({ status: 'finalized' }).where(eq(invoices.id, id));
    }
    await db.delete(mrrMovements).where(eq(mrrMovements.customerId, cust[1]));
    await db.insert(mrrMovements).values(movement(7, '2025-08-01', '-500'));
    await expectAllRanges();
  });

  it('the nightly fold leaves every figure as it was', async () => {
    const count = async () => Number(rowsOf(await t.handle.db.execute(sql`select count(*)::int as n from promotion_roi_facts where tenant_id = ${tenantId}`))[0].n);
    const before = await count();
    await compactPaymentFacts(t.handle.db, tenantId);
    expect(await count()).toBeLessThan(before);
    await expectAllRanges();
  });

  it('the fold moves the facts\' MRR date to today; movements before and after it, and a later today, are followed', async () => {
    const db = t.handle.db;
    const asOf = async () => String(rowsOf(await db.execute(sql`select as_of::text as d from promotion_roi_as_of where tenant_id = ${tenantId}`))[0].d);
    // the tenant's first recompute fixed the database's date, after this test's today: the customers moved in between are read one by one
    expect(await asOf()).not.toBe('2025-09-15');
    const { rolled } = await compactPaymentFacts(db, tenantId, '2025-09-15');
    expect(rolled).toBeGreaterThan(0);
    expect(await asOf()).toBe('2025-09-15');
    await expectAllRanges();
    // a movement dated before the as-of date is recomputed by its trigger; one after it waits for the date
    // (one dated on the as-of date itself, which counts; one on the later today below, which counts then)
    await db.insert(mrrMovements).values([movement(8, '2025-09-01', '90'), movement(9, '2025-09-20', '-50'), movement(10, '2025-10-02', '60'),
      movement(11, '2025-09-15', '80'), movement(11, '2025-10-05', '-80')]);
    await expectAllRanges();
    // a later today: the customers moved between the as-of date and it are read one by one, until the next fold
    const later = () => new Date('2025-10-05T12:00:00Z');
    await expectAllRanges([undefined, 'USD'], later);
    expect((await compactPaymentFacts(db, tenantId, '2025-10-05')).rolled).toBeGreaterThanOrEqual(2);
    await expectAllRanges([undefined, 'USD'], later);
    // and back (a clock set back, as tests do)
    await expectAllRanges([undefined], clock);
  });

  it('one statement over more customers than a recompute takes at once (1,000) goes through in parts and agrees', async () => {
    const db = t.handle.db;
    await db.execute(sql`insert into customers (tenant_id, external_id, type, name, country, timezone, currency)
      select ${tenantId}, 'BULK' || g, 'individual', 'Bulk ' || g, 'US', 'UTC', 'USD' from generate_series(1, 1200) g`);
    await db.execute(sql`insert into invoices (tenant_id, bill_to, customer_id, period_start, period_end, currency, sequence, status, number, issue_date, due_date, lines, subtotal, discount_total, tax_total, total, amount_due)
      select ${tenantId}, c.id, c.id, m::date, (m + interval '27 days')::date, 'USD', 100000 + row_number() over (), 'finalized', 'BULK-' || row_number() over (), m::date, m::date + 14,
        jsonb_build_array(jsonb_build_object('kind', 'charge', 'component', 'base', 'amount', '10.00'))
          || case when substring(c.external_id from 5)::int % 3 = 0 then jsonb_build_array(jsonb_build_object('kind', 'discount', 'rule', 'SPRING', 'component', 'base', 'amount', '-1.00')) else '[]'::jsonb end,
        0, 0, 0, 0, 0
      from customers c cross join generate_series('2025-03-01'::date, '2025-05-01'::date, interval '1 month') m
      where c.tenant_id = ${tenantId} and c.external_id like 'BULK%' and (substring(c.external_id from 5)::int + extract(month from m)::int) % 2 = 0`);
    await db.insert(mrrMovements).values(movement(0, '2025-02-01', '10')); // and one customer's MRR in a statement of its own
    const n = Number(rowsOf(await db.execute(sql`select count(distinct customer_id)::int as n from promotion_roi_customer_rows where tenant_id = ${tenantId} and customer_id in (select id::text from customers where external_id like 'BULK%')`))[0].n);
    expect(n).toBe(1200);
    await expectAllRanges([undefined], clock);
  });
});
