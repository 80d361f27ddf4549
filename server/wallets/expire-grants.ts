/**
 * Expiry of granted credit (`top_up_granted` with `expiresAt`): a daily job per tenant
 * (`wallet.expire_grants`, 00:05 tenant time) posts an `expiry` entry for what is left of each
 * grant whose date has come. "What is left" is FIFO accounting over the ledger (pure, below):
 * credits are lots in ledger order, each debit takes from the oldest lots still valid at the
 * debit's time, an `expiry` entry empties its own grant. So only the unused part expires, and a
 * retried job finds its entries by key (`expiry:<grant id>`) and posts nothing twice.
 * Reversals (a voided invoice) come back as a new lot that does not expire: a simplification.
 */
import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { walletEntries, wallets } from '../db/schema';
import { systemCtx } from '../lib/context';
import { Decimal, ZERO } from '../lib/money';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { postEntry } from './ledger';
import { expiryInstant } from './grant-credit';

export const EXPIRE_GRANTS_JOB = 'wallet.expire_grants';

export interface LedgerEntry { id: string; type: string; amount: string; expiresAt: Date | null; key: string | null; createdAt: Date }

/** Pure: the remainder of each grant that has expired at `asOf` and has no expiry entry yet, in ledger order. */
export function expiredRemainders(entries: readonly LedgerEntry[], asOf: Date): { grantId: string; amount: Decimal }[] {
  const lots: { id: string; left: Decimal; expiresAt: Date | null; expired: boolean }[] = [];
  for (const e of entries) {
    const amount = new Decimal(e.amount);
    if (e.type === 'expiry' && e.key?.startsWith('expiry:')) {
      const lot = lots.find((l) => l.id === e.key!.slice('expiry:'.length));
      if (lot) { lot.left = Decimal.max(ZERO, lot.left.plus(amount)); lot.expired = true; }
      continue;
    }
    if (amount.greaterThan(0)) { lots.push({ id: e.id, left: amount, expiresAt: e.type === 'top_up_granted' ? e.expiresAt : null, expired: false }); continue; }
    let debit = amount.negated();
    for (const lot of lots) {
      if (debit.isZero()) break;
      if (lot.expired || (lot.expiresAt && lot.expiresAt <= e.createdAt)) continue;
      const take = Decimal.min(lot.left, debit);
      lot.left = lot.left.minus(take);
      debit = debit.minus(take);
    }
    // A debit beyond the valid lots (only possible when the job ran late) takes from expired ones.
    for (const lot of lots) {
      if (debit.isZero()) break;
      const take = Decimal.min(lot.left, debit);
      lot.left = lot.left.minus(take);
      debit = debit.minus(take);
    }
  }
  return lots.filter((l) => !l.expired && l.expiresAt && l.expiresAt <= asOf && l.left.greaterThan(0)).map((l) => ({ grantId: l.id, amount: l.left }));
}

/** Expires what is left of the tenant's grants dated on or before `localDate`; returns the entries posted. */
export async function expireGrants(db: Db, tenantId: string, localDate: string, now: () => Date, holdLease?: JobRunEnv['holdLease']): Promise<number> {
  const asOf = expiryInstant(localDate);
  const due = await db.selectDistinct({ walletId: walletEntries.walletId }).from(walletEntries)
    .where(and(eq(walletEntries.tenantId, tenantId), eq(walletEntries.type, 'top_up_granted'), isNotNull(walletEntries.expiresAt), lte(walletEntries.expiresAt, asOf)))
    .orderBy(asc(walletEntries.walletId));
  const ctx = systemCtx(db, tenantId, [], now);
  let posted = 0;
  for (const { walletId } of due) {
    await db.transaction(async (tx) => {
      if (holdLease) await holdLease(tx);
      let [w] = await tx.select().from(wallets).where(and(eq(wallets.tenantId, tenantId), eq(wallets.id, walletId))).for('update');
      const entries = await tx.select().from(walletEntries).where(eq(walletEntries.walletId, walletId)).orderBy(asc(walletEntries.seq));
      for (const r of expiredRemainders(entries, asOf)) {
        const res = await postEntry(tx, { ...ctx, tx }, w, { type: 'expiry', amount: r.amount.negated(), key: `expiry:${r.grantId}`, reason: `granted credit expired on ${localDate}` });
        w = res.wallet;
        if (res.posted) posted++;
      }
    });
  }
  return posted;
}

async function handle(job: Job, env: JobRunEnv) {
  const { tenantId, localDate } = job.payload as { tenantId: string; localDate: string };
  await expireGrants(env.db, tenantId, localDate, env.now, env.holdLease);
}

/** Registers the wallets' job kinds (server/job-kinds.ts adds the daily schedule). */
export function registerWalletJobs() {
  registerJobKind({ kind: EXPIRE_GRANTS_JOB, run: handle });
}
