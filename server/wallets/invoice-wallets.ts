/**
 * What invoices do to wallets (server/wallets/README.md "Invoices"): a bill run draws prepaid
 * balance and points down when it writes the invoice (`consumption`), the points its `points`
 * rules earned are credited when the invoice is paid (`top_up_granted`, expiring), and a voided
 * invoice gives back whatever it took and takes back whatever it gave (`reversal`).
 * Every entry is keyed by the invoice, so a re-run, a retried job or a second request posts
 * nothing twice (`wallet_entries_key_uq`).
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { invoicePoints, invoices, walletEntries, wallets } from '../db/schema';
import type { Ctx } from '../lib/context';
import { Decimal } from '../lib/money';
import { addDays } from '../lib/dates';
import { lockWallet, postEntry } from './ledger';
import { expiryInstant } from './grant-credit';

type WalletRow = typeof wallets.$inferSelect;
type InvoiceRow = typeof invoices.$inferSelect;
export type Balances = Map<string, { prepaid?: string; points?: string }>;

/**
 * The prepaid and points wallets of some bill-to parties, `billTo|currency` → balances, locked
 * FOR UPDATE in id order (so chunks and payments queue, and never deadlock) unless `lock` is false
 * (a dry run only reads).
 */
export async function loadBalances(tx: Tx, tenantId: string, billTos: string[], lock: boolean): Promise<{ balances: Balances; rows: Map<string, WalletRow> }> {
  const balances: Balances = new Map();
  const rows = new Map<string, WalletRow>();
  if (!billTos.length) return { balances, rows };
  const base = tx.select().from(wallets).where(and(eq(wallets.tenantId, tenantId), inArray(wallets.billTo, billTos))).orderBy(asc(wallets.id));
  for (const w of lock ? await base.for('update') : await base) {
    rows.set(`${w.billTo}|${w.kind}|${w.currency}`, w);
    const k = `${w.billTo}|${w.currency}`;
    balances.set(k, { ...balances.get(k), [w.kind]: new Decimal(w.balance).toString() });
  }
  return { balances, rows };
}

/** Takes what an invoice drew from the in-memory balances, so the payer's next invoice of the chunk sees the rest. */
export function drawDown(balances: Balances, billTo: string, inv: { currency: string; prepaidApplied: string; pointsSpent: string }) {
  const b = balances.get(`${billTo}|${inv.currency}`);
  if (!b) return;
  if (b.prepaid !== undefined) b.prepaid = new Decimal(b.prepaid).minus(inv.prepaidApplied).toString();
  if (b.points !== undefined) b.points = new Decimal(b.points).minus(inv.pointsSpent).toString();
}

export interface WrittenInvoice {
  id: string; billTo: string; payerId: string | null; currency: string;
  prepaidApplied: string; pointsSpent: string; pointsEarned: { rule: string; points: string; expiresInDays: number | null }[];
}

/** The bill run's wallet writes for one invoice it created: consumption entries and the points it will earn when paid. */
export async function postInvoiceConsumption(tx: Tx, ctx: Ctx, locked: Map<string, WalletRow>, inv: WrittenInvoice) {
  for (const [kind, amount] of [['prepaid', inv.prepaidApplied], ['points', inv.pointsSpent]] as const) {
    if (new Decimal(amount).isZero()) continue;
    const k = `${inv.billTo}|${kind}|${inv.currency}`;
    const w = locked.get(k);
    if (!w) throw new Error(`wallet ${k} was not locked before rating`);
    const { wallet } = await postEntry(tx, ctx, w, { type: 'consumption', amount: new Decimal(amount).negated(), invoiceId: inv.id, key: `invoice:${inv.id}:consumption`, reason: 'bill run' });
    locked.set(k, wallet);
  }
  // A points rule may earn nothing on an invoice (0 points): only what earns anything is kept.
  const earning = inv.pointsEarned.filter((e) => new Decimal(e.points).greaterThan(0));
  if (earning.length) {
    await tx.insert(invoicePoints).values(earning.map((e) => ({
      tenantId: ctx.tenantId, invoiceId: inv.id, rule: e.rule, points: e.points, expiresInDays: e.expiresInDays, createdAt: ctx.now(),
    }))).onConflictDoNothing();
  }
}

/** Credits the points an invoice earned, once it is paid (allocation or mark-paid); expiring grants. */
export async function creditEarnedPoints(tx: Tx, ctx: Ctx, inv: InvoiceRow, today: string) {
  const earned = await tx.select().from(invoicePoints).where(and(eq(invoicePoints.tenantId, ctx.tenantId), eq(invoicePoints.invoiceId, inv.id))).orderBy(asc(invoicePoints.rule));
  if (!earned.length) return;
  let w = await lockWallet(tx, ctx, { billTo: inv.billTo, payerId: inv.payerId, customerId: inv.customerId }, 'points', inv.currency);
  for (const e of earned) {
    // Expires at the start of the day `expiresInDays` after payment (tenant dates; the daily job posts it).
    const expiresAt = e.expiresInDays ? expiryInstant(addDays(today, e.expiresInDays)) : null;
    ({ wallet: w } = await postEntry(tx, ctx, w, {
      type: 'top_up_granted', amount: new Decimal(e.points), invoiceId: inv.id, expiresAt, key: `invoice:${inv.id}:earned:${e.rule}`,
      reason: `earned on invoice ${inv.number ?? inv.id} (rule ${e.rule})`,
    }));
  }
}

/**
 * A voided invoice: each wallet gets back the net of what the invoice's entries did to it. The
 * reversal is refused (422) if it would take a wallet below zero (points earned and spent since).
 */
export async function reverseInvoiceWallets(tx: Tx, ctx: Ctx, inv: InvoiceRow) {
  const nets = await tx.select({ walletId: walletEntries.walletId, net: sql<string>`sum(${walletEntries.amount})::text` }).from(walletEntries)
    .where(and(eq(walletEntries.tenantId, ctx.tenantId), eq(walletEntries.invoiceId, inv.id), ne(walletEntries.type, 'reversal')))
    .groupBy(walletEntries.walletId).orderBy(asc(walletEntries.walletId));
  for (const n of nets) {
    if (new Decimal(n.net).isZero()) continue;
    const [w] = await tx.select().from(wallets).where(and(eq(wallets.tenantId, ctx.tenantId), eq(wallets.id, n.walletId))).for('update');
    await postEntry(tx, ctx, w, { type: 'reversal', amount: new Decimal(n.net).negated(), invoiceId: inv.id, key: `invoice:${inv.id}:reversal`, reason: `invoice ${inv.number ?? inv.id} voided` });
  }
}
