/**
 * The `telco` tenant: the public IBM Telco customer-churn data (7,043 real customers, Debian's
 * r-cran-modeldata `wa_churn`, exported to seeds/data/telco-churn.csv by
 * notebooks/telco_export.py) mapped into Billwise history, so the churn model learns from real
 * customers' behaviour and not from labels we invent (server/churn/README.md, "Demo data").
 *
 * Mapping (one source row = one customer with its own payer):
 * - tenure (months) → the start date, counted back from the customer's end (cancellation) or TELCO_END;
 * - contract → plan `telco-monthly` | `telco-1y` | `telco-2y`, and for the two term plans a
 *   contract row per 12/24-month term (rolling) from the start date;
 * - each service (phone, multiple lines, DSL/fibre internet, security, backup, protection,
 *   support, streaming TV/movies) → an add-on subscription;
 * - payment method → the payer's method: credit card (automatic) → card, bank transfer
 *   (automatic) → bank_transfer (CMS), electronic check → virtual_account, mailed check →
 *   bank_transfer (manual; the source name is kept as the method label);
 * - paperless billing → attribute `e_invoice`; senior citizen, partner, dependents, female →
 *   numeric/boolean attributes;
 * - monthly charges → monthly bills (split over the subscriptions by list-price weight, adding
 *   up to the source amount exactly), one invoice a month and its payment, for the last
 *   TELCO_HISTORY_MONTHS months before the end;
 * - each customer gets an anchor date spread (deterministically, by row) over the six months before
 *   TELCO_END, standing for the day the data set was taken: tenure counts back from it, and
 *   Churn = Yes cancels every subscription on it (the others stay to TELCO_END), so snapshot
 *   dates can be split by time and each sees the data set's mix.
 *
 * Reproducible (no randomness: spreads come from the row number; fixed dates) and idempotent:
 * a tenant that already has its customers is left alone. `npm run seed:telco`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../server/db/client';
import { customers, tenants } from '../server/db/schema';
import { systemCtx, withTransaction } from '../server/lib/context';
import { PERMISSION_CODES } from '../server/access/permissions';
import { onboardTenant } from '../server/tenants/onboard';
import { importPack } from '../server/catalog/import-pack';
import { csvRecords } from '../server/customers/csv';
import { DEMO_PASSWORD } from './demo';

export const TELCO_TENANT = 'telco';
/** The day the data set was "taken": customers without churn are still subscribed on it. */
export const TELCO_END = '2026-11-01';
export const TELCO_HISTORY_MONTHS = 12;
export const TELCO_CSV = fileURLToPath(new URL('./data/telco-churn.csv', import.meta.url));
const PACK_DIR = fileURLToPath(new URL('../rules/packs/telco', import.meta.url));

/** Add-on plan per source service column, with the value that means "has it" and its weight in the monthly charge. */
const SERVICES: Array<{ plan: string; column: string; yes: string; weight: number }> = [
  { plan: 'telco-phone', column: 'phone_service', yes: '1', weight: 20 },
  { plan: 'telco-multiline', column: 'multiple_lines', yes: 'Yes', weight: 5 },
  { plan: 'telco-dsl', column: 'internet_service', yes: 'DSL', weight: 25 },
  { plan: 'telco-fiber', column: 'internet_service', yes: 'Fiber optic', weight: 50 },
  { plan: 'telco-security', column: 'online_security', yes: 'Yes', weight: 5 },
  { plan: 'telco-backup', column: 'online_backup', yes: 'Yes', weight: 5 },
  { plan: 'telco-protection', column: 'device_protection', yes: 'Yes', weight: 5 },
  { plan: 'telco-support', column: 'tech_support', yes: 'Yes', weight: 5 },
  { plan: 'telco-tv', column: 'streaming_tv', yes: 'Yes', weight: 10 },
  { plan: 'telco-movies', column: 'streaming_movies', yes: 'Yes', weight: 10 },
];
const MAIN_WEIGHT = 10;
const CONTRACT_PLAN: Record<string, { plan: string; termMonths: number }> = {
  'Month-to-month': { plan: 'telco-monthly', termMonths: 0 },
  'One year': { plan: 'telco-1y', termMonths: 12 },
  'Two year': { plan: 'telco-2y', termMonths: 24 },
};
const METHOD: Record<string, string> = {
  'Credit card (automatic)': 'card', 'Bank transfer (automatic)': 'bank_transfer', 'Electronic check': 'virtual_account', 'Mailed check': 'bank_transfer',
};

interface SourceRow { row: number; churn: boolean; tenure: number; contract: string; method: string; methodLabel: string; monthly: string; attributes: Record<string, number | boolean>; subs: Array<{ plan: string; weight: number; addOn: boolean }> }

/** The CSV as source rows; throws naming the line on anything it does not expect. */
export function readTelcoCsv(path = TELCO_CSV): SourceRow[] {
  const [head, ...recs] = [...csvRecords(readFileSync(path, 'utf8'))];
  const col = (name: string) => {
    const i = head.fields.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name} (columns: ${head.fields.join(', ')})`);
    return i;
  };
  const c = Object.fromEntries(['row', 'churn', 'tenure', 'contract', 'payment_method', 'monthly_charges', 'paperless_billing', 'senior_citizen', 'partner', 'dependents', 'female',
    ...SERVICES.map((s) => s.column)].map((n) => [n, col(n)]));
  const yes = (v: string) => v === 'Yes' || v === '1' || v === 'TRUE';
  return recs.map((r) => {
    const f = r.fields;
    const contract = CONTRACT_PLAN[f[c.contract]];
    const method = METHOD[f[c.payment_method]];
    if (!contract || !method || !/^\d+(\.\d+)?$/.test(f[c.monthly_charges])) throw new Error(`${path} line ${r.line}: unexpected contract, payment method or monthly charges`);
    return {
      row: Number(f[c.row]), churn: yes(f[c.churn]), tenure: Number(f[c.tenure]), contract: f[c.contract], method, methodLabel: f[c.payment_method],
      monthly: f[c.monthly_charges],
      attributes: { e_invoice: yes(f[c.paperless_billing]), senior_citizen: Number(f[c.senior_citizen]) || 0, partner: yes(f[c.partner]), dependents: yes(f[c.dependents]), female: Number(f[c.female]) || 0 },
      subs: [{ plan: contract.plan, weight: MAIN_WEIGHT, addOn: false }, ...SERVICES.filter((s) => f[c[s.column]] === s.yes).map((s) => ({ plan: s.plan, weight: s.weight, addOn: true }))],
    };
  });
}

const rowsOf = <T>(res: unknown): T[] => (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];

export async function seedTelco(db: Db, opts: { csvPath?: string; log?: (s: string) => void } = {}): Promise<{ tenantId: string; created: boolean; customers: number }> {
  const log = opts.log ?? (() => {});
  let [tenant] = await db.select().from(tenants).where(eq(tenants.code, TELCO_TENANT));
  if (!tenant) {
    const boot = systemCtx(db, '', PERMISSION_CODES, () => new Date());
    const r = await onboardTenant({
      ctx: boot,
      input: { code: TELCO_TENANT, name: 'Telco churn (IBM sample data)', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up',
        admin: { email: 'admin@telco.billwise.dev', name: 'Telco admin', password: DEMO_PASSWORD } },
      options: { isDemo: true },
    });
    [tenant] = await db.select().from(tenants).where(eq(tenants.id, r.tenant.id));
  }
  const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from customers where tenant_id = ${tenant.id}`));
  if (n > 0) return { tenantId: tenant.id, created: false, customers: n };
  const src = readTelcoCsv(opts.csvPath);
  const ctx = systemCtx(db, tenant.id, PERMISSION_CODES, () => new Date());
  await importPack({ ctx, dir: PACK_DIR, effectiveFrom: '2018-01-01' });
  log(`telco: ${src.length} source rows; writing customers, subscriptions, ${TELCO_HISTORY_MONTHS} months of bills, invoices and payments`);
  const t0 = Date.now();
  await withTransaction(ctx, async (tx) => {
    const json = JSON.stringify(src.map((s) => ({
      row: s.row, churn: s.churn, tenure: s.tenure, term: CONTRACT_PLAN[s.contract].termMonths, method: s.method, method_label: s.methodLabel,
      monthly: s.monthly, attributes: s.attributes, subs: s.subs,
    })));
    const t = tenant.id;
    await tx.execute(sql`create temp table telco_src on commit drop as
      select r.*,
        -- every customer's own "day the data was taken", spread over the six months before the end (row-based,
        -- reproducible): churners cancel on it, the others were subscribed on it and stay to the end
        (${TELCO_END}::date - make_interval(months => 1 + (r.row * 7919) % 6) + ((r.row * 104729) % 28) * interval '1 day')::date as anchor
      from json_to_recordset(${json}::json) as r(row int, churn boolean, tenure int, term int, method text, method_label text, monthly numeric, attributes jsonb, subs jsonb)`);
    await tx.execute(sql`alter table telco_src add column end_date date`);
    await tx.execute(sql`update telco_src set end_date = case when churn then anchor end`);
    await tx.execute(sql`alter table telco_src add column start_date date`);
    // Tenure counts back from the customer's own anchor, for churners and the others alike: every snapshot date then
    // sees the data set's mix of tenures (anchoring only the churners would leave the early snapshots without the
    // short-tenured customers who stayed, and tenure would look more telling than it is).
    await tx.execute(sql`update telco_src set start_date = case when tenure = 0 then anchor - 10 else (anchor - make_interval(months => tenure))::date end`);
    await tx.execute(sql`insert into payers (tenant_id, external_id, name, payment_method_type, payment_method_label)
      select ${t}, 'TP-' || lpad(row::text, 5, '0'), 'Telco payer ' || row, method, method_label from telco_src`);
    await tx.execute(sql`insert into customers (tenant_id, external_id, type, name, country, timezone, currency, attributes, status, payer_id, created_at)
      select ${t}, 'T-' || lpad(s.row::text, 5, '0'), 'individual', 'Telco customer ' || s.row, 'US', 'UTC', 'USD', s.attributes,
        case when s.churn then 'closed' else 'active' end, p.id, s.start_date::timestamptz
      from telco_src s join payers p on p.tenant_id = ${t} and p.external_id = 'TP-' || lpad(s.row::text, 5, '0')`);
    await tx.execute(sql`alter table telco_src add column customer_id uuid, add column payer_id uuid, add column weight_sum numeric`);
    await tx.execute(sql`update telco_src s set customer_id = c.id, payer_id = c.payer_id,
        weight_sum = (select sum((x ->> 'weight')::numeric) from jsonb_array_elements(s.subs) x)
      from customers c where c.tenant_id = ${t} and c.external_id = 'T-' || lpad(s.row::text, 5, '0')`);
    await tx.execute(sql`insert into subscriptions (tenant_id, customer_id, plan_code, status, start_date, end_date, add_on, anchor_day)
      select ${t}, s.customer_id, x ->> 'plan', case when s.churn then 'cancelled' else 'active' end, s.start_date, s.end_date, (x ->> 'addOn')::boolean, 1
      from telco_src s, jsonb_array_elements(s.subs) x`);
    await tx.execute(sql`insert into subscription_phases (tenant_id, subscription_id, plan_code, start_date, end_date, reason)
      select tenant_id, id, plan_code, start_date, end_date, 'signup' from subscriptions where tenant_id = ${t}`);
    await tx.execute(sql`insert into contracts (tenant_id, customer_id, code, term_start, term_end, currency, status)
      select ${t}, s.customer_id, 'TC-' || lpad(s.row::text, 5, '0') || '-' || k, (s.start_date + make_interval(months => k * s.term))::date,
        (s.start_date + make_interval(months => (k + 1) * s.term))::date, 'USD',
        case when (s.start_date + make_interval(months => (k + 1) * s.term))::date <= coalesce(s.end_date, ${TELCO_END}::date) then 'expired' else 'active' end
      from telco_src s, generate_series(0, 12) k
      where s.term > 0 and (s.start_date + make_interval(months => k * s.term))::date < coalesce(s.end_date, ${TELCO_END}::date)`);
    // Monthly bills: one per subscription and calendar month of the last TELCO_HISTORY_MONTHS months, clipped
    // to the subscription, the monthly charge split by weight and prorated by days.
    await tx.execute(sql`create temp table telco_months on commit drop as
      select s.row, s.customer_id, s.payer_id, s.monthly, s.method, s.weight_sum, m::date as month_start, (m + interval '1 month')::date as month_end,
        greatest(m::date, s.start_date) as p_start, least((m + interval '1 month')::date, coalesce(s.end_date, ${TELCO_END}::date)) as p_end
      from telco_src s, generate_series(date_trunc('month', greatest(s.start_date, (${TELCO_END}::date - make_interval(months => ${TELCO_HISTORY_MONTHS}))::date)),
        (coalesce(s.end_date, ${TELCO_END}::date) - 1)::timestamp, interval '1 month') m`);
    await tx.execute(sql`delete from telco_months where p_end <= p_start`);
    await tx.execute(sql`insert into invoices (tenant_id, bill_to, payer_id, customer_id, period_start, period_end, currency, status, number, issue_date, due_date, lines,
        subtotal, discount_total, tax_total, total, amount_due, amount_paid, finalized_at, paid_at, created_at, updated_at)
      select ${t}, payer_id, payer_id, customer_id, month_start, month_end, 'USD', 'paid', 'TEL-' || to_char(month_start, 'YYYYMM') || '-' || lpad(row::text, 5, '0'),
        p_end, p_end + 14, '[]'::jsonb, amt, 0, 0, amt, amt, amt, p_end::timestamptz,
        -- automatic methods are collected on the issue date; manual ones within the terms, spread by row and month
        (p_end + case when method in ('card') then 0 else ((row * 31 + extract(month from month_start)::int * 17) % 14) end)::timestamptz,
        p_end::timestamptz, p_end::timestamptz
      from (select *, round(monthly * (p_end - p_start) / (month_end - month_start), 2) as amt from telco_months) x`);
    // Each add-on gets its weight's share, rounded; the main subscription gets the rest, so a month's bills add up to its invoice exactly.
    await tx.execute(sql`insert into bills (tenant_id, subscription_id, customer_id, bill_to, invoice_id, period_start, period_end, cycle_index, currency, segments, lines, subtotal, discount_total, created_at)
      select ${t}, subscription_id, customer_id, payer_id, invoice_id, p_start, p_end, cycle_index, 'USD', '[]'::jsonb,
        jsonb_build_array(jsonb_build_object('kind', 'charge', 'component', 'service', 'name', plan_code, 'amount', amount::text)), amount, 0, p_end::timestamptz
      from (select *, case when add_on then share else total - sum(case when add_on then share else 0 end) over (partition by invoice_id) end as amount
        from (select sub.id as subscription_id, sub.plan_code, sub.add_on, m.customer_id, m.payer_id, i.id as invoice_id, i.total, m.p_start, m.p_end,
            1 + (extract(year from age(m.month_start, date_trunc('month', sub.start_date))) * 12 + extract(month from age(m.month_start, date_trunc('month', sub.start_date))))::int as cycle_index,
            round(i.total * (x ->> 'weight')::numeric / m.weight_sum, 2) as share
          from telco_months m
          join telco_src s on s.row = m.row
          cross join lateral jsonb_array_elements(s.subs) x
          join subscriptions sub on sub.tenant_id = ${t} and sub.customer_id = m.customer_id and sub.plan_code = x ->> 'plan'
          join invoices i on i.tenant_id = ${t} and i.bill_to = m.payer_id and i.period_start = m.month_start and i.currency = 'USD' and i.sequence = 1) parts) priced`);
    await tx.execute(sql`insert into payments (tenant_id, bill_to, payer_id, method, amount, currency, received_on, provider, provider_ref, status, created_at, updated_at)
      select i.tenant_id, i.bill_to, i.payer_id, p.payment_method_type, i.total, 'USD', i.paid_at::date, 'manual', 'telco-' || i.number, 'succeeded', i.paid_at, i.paid_at
      from invoices i join payers p on p.id = i.payer_id where i.tenant_id = ${t}`);
    await tx.execute(sql`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount, created_at)
      select y.tenant_id, y.id, i.id, y.amount, y.created_at from payments y
      join invoices i on i.tenant_id = y.tenant_id and 'telco-' || i.number = y.provider_ref where y.tenant_id = ${t}`);
  });
  // Fresh planner statistics: embedded PGlite runs no autovacuum, and with the empty-table estimates the feature
  // query picks nested loops that take minutes instead of seconds.
  await db.execute(sql`analyze`);
  const [{ c }] = rowsOf<{ c: number }>(await db.execute(sql`select count(*)::int as c from ${customers} where tenant_id = ${tenant.id}`));
  log(`telco: ${c} customers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { tenantId: tenant.id, created: true, customers: c };
}
