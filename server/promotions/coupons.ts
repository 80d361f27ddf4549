import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { randomInt } from 'node:crypto';
import { couponCodes, ruleRedemptions, tenants } from '../db/schema';
import { toCsv } from '../customers/csv';
import type { DbOrTx } from '../db/client';
import { assertPermission, q, withTransaction, type Ctx } from '../lib/context';
import { conflict, invalid } from '../lib/errors';
import { Decimal, toMoneyString } from '../lib/money';
import { recordAudit } from '../audit/record';
import { getEntry, resolveAt } from '../catalog/versions';
import { campaignCodes } from '../catalog/publish-checks';
import type { RuleDoc } from '../rules/schema';

// No 0/O, 1/I/L: codes are read aloud and typed from printed vouchers.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function generateCode(prefix: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return prefix + s;
}

async function couponRule(ctx: Ctx, ruleCode: string): Promise<RuleDoc> {
  const entry = await getEntry({ ctx, kind: 'rule', code: ruleCode });
  const doc = entry.document as RuleDoc;
  if (doc.kind !== 'coupon') throw invalid([{ path: 'ruleCode', message: `rule "${ruleCode}" is a ${doc.kind} rule, not a coupon` }]);
  return doc;
}

export interface CodeBatchInput { codes?: string[]; count?: number; prefix?: string; length?: number; maxRedemptions?: number | null; expiresOn?: string | null; batch?: string }

/** Adds codes to a coupon rule: the given ones, or `count` generated ones (unique per tenant). */
export async function createCouponCodes({ ctx, ruleCode, input }: { ctx: Ctx; ruleCode: string; input: CodeBatchInput }) {
  assertPermission(ctx, 'rules:write');
  await couponRule(ctx, ruleCode);
  // The default name is the tenant's local time (it was UTC: a Seoul batch made at 9:00 read 00:00).
  const tz = await tenantZoneOf(ctx);
  const batch = input.batch?.trim() || `batch-${localDateTime(ctx.now(), tz)}`;
  return withTransaction(ctx, async (tx, tctx) => {
    let codes = (input.codes ?? []).map((c) => c.trim().toUpperCase());
    if (!codes.length) {
      const want = input.count ?? 1;
      const set = new Set<string>();
      // Draw until `want` codes exist that no other code of the tenant uses.
      while (set.size < want) {
        const draw = Array.from({ length: want - set.size }, () => generateCode(input.prefix ?? '', input.length ?? 8));
        const taken = await tx.select({ code: couponCodes.code }).from(couponCodes)
          .where(and(eq(couponCodes.tenantId, ctx.tenantId), inArray(couponCodes.code, draw)));
        const t = new Set(taken.map((x) => x.code));
        for (const d of draw) if (!t.has(d)) set.add(d);
      }
      codes = [...set];
    } else {
      // A code that is a coupon rule's own code would stand for two rules (issue 9).
      const campaigns = await campaignCodes(tx, ctx.tenantId);
      const clash = codes.map((c, i) => ({ c, i, rule: campaigns.get(c) })).filter((x) => x.rule);
      if (clash.length) throw conflict('Some codes are coupon rules\' own codes', clash.map((x) => ({ path: `codes[${x.i}]`, message: `"${x.c}" is the code of rule "${x.rule!.code}" (${x.rule!.name})` })));
      const dup = await tx.select({ code: couponCodes.code }).from(couponCodes)
        .where(and(eq(couponCodes.tenantId, ctx.tenantId), inArray(couponCodes.code, codes)));
      if (dup.length) throw conflict('Some codes already exist', dup.map((d) => ({ path: `codes[${codes.indexOf(d.code)}]`, message: `"${d.code}" already exists` })));
    }
    const rows = await tx.insert(couponCodes).values(codes.map((code) => ({
      tenantId: ctx.tenantId, ruleCode, code, batch, maxRedemptions: input.maxRedemptions ?? 1, expiresOn: input.expiresOn ?? null, createdAt: ctx.now(),
    }))).returning();
    await recordAudit(tx, tctx, { action: 'coupon_codes.create', entityType: 'rule', entityId: ruleCode, after: { batch, count: rows.length, maxRedemptions: input.maxRedemptions ?? 1 } });
    return rows.map(codeOut);
  });
}

async function tenantZoneOf(ctx: Ctx): Promise<string> {
  const [t] = await q(ctx).select({ tz: tenants.timezone }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  return t?.tz ?? 'UTC';
}

/** `2026-12-06 17:42` in `tz`. */
function localDateTime(at: Date, tz: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A coupon rule's codes as CSV (UTF-8 with BOM for Excel), one batch or all; times in the tenant's zone. */
export async function exportCouponCodes({ ctx, ruleCode, batch }: { ctx: Ctx; ruleCode: string; batch?: string }) {
  const rows = await listCouponCodes({ ctx, ruleCode });
  const tz = await tenantZoneOf(ctx);
  const lines: Array<Array<string | number | null>> = [['code', 'batch', 'max_redemptions', 'redeemed', 'expires_on', `created_at (${tz})`]];
  for (const r of rows) {
    if (batch !== undefined && r.batch !== batch) continue;
    lines.push([r.code, r.batch, r.maxRedemptions, r.redeemed, r.expiresOn, localDateTime(new Date(r.createdAt), tz)]);
  }
  return '\uFEFF' + toCsv(lines);
}

function codeOut(r: typeof couponCodes.$inferSelect) {
  return { id: r.id, ruleCode: r.ruleCode, code: r.code, batch: r.batch, maxRedemptions: r.maxRedemptions, redeemed: r.redeemed, expiresOn: r.expiresOn, createdAt: r.createdAt.toISOString() };
}

export async function listCouponCodes({ ctx, ruleCode }: { ctx: Ctx; ruleCode: string }) {
  assertPermission(ctx, 'rules:read');
  await couponRule(ctx, ruleCode);
  const rows = await q(ctx).select().from(couponCodes)
    .where(and(eq(couponCodes.tenantId, ctx.tenantId), eq(couponCodes.ruleCode, ruleCode))).orderBy(asc(couponCodes.createdAt), asc(couponCodes.code));
  return rows.map(codeOut);
}

/** What a promotion or coupon has cost: redemptions, amount per currency and month, the latest uses. */
export async function redemptionReport({ ctx, ruleCode }: { ctx: Ctx; ruleCode: string }) {
  assertPermission(ctx, 'rules:read');
  await getEntry({ ctx, kind: 'rule', code: ruleCode });
  const where = and(eq(ruleRedemptions.tenantId, ctx.tenantId), eq(ruleRedemptions.ruleCode, ruleCode));
  const byMonth = await q(ctx).select({
    month: sql<string>`to_char(${ruleRedemptions.periodStart}, 'YYYY-MM')`, currency: ruleRedemptions.currency,
    redemptions: sql<number>`count(*)::int`, amount: sql<string>`sum(${ruleRedemptions.amount})::text`,
    customers: sql<number>`count(distinct ${ruleRedemptions.customerId})::int`,
  }).from(ruleRedemptions).where(where)
    .groupBy(sql`to_char(${ruleRedemptions.periodStart}, 'YYYY-MM')`, ruleRedemptions.currency).orderBy(sql`1`);
  const latest = await q(ctx).select().from(ruleRedemptions).where(where).orderBy(desc(ruleRedemptions.createdAt)).limit(100);
  // numeric(40,15) comes back padded ("30.000000000000000"): amounts leave with the currency's minor units.
  const money = (amount: string, currency: string) => toMoneyString(new Decimal(amount), currency);
  return {
    rule: ruleCode,
    byMonth: byMonth.map((m) => ({ ...m, amount: money(m.amount, m.currency) })),
    latest: latest.map((r) => ({ customerId: r.customerId, invoiceId: r.invoiceId, couponCode: r.couponCode, amount: money(r.amount, r.currency), currency: r.currency, periodStart: r.periodStart, createdAt: r.createdAt.toISOString() })),
  };
}

/** A presented generated code that does not apply: `reason` in words (bill-run warnings), `why` for screens to word. */
export interface RejectedCode { code: string; reason: string; why?: 'not_in_effect' | 'expired' | 'used_up'; expiresOn?: string }

/**
 * Turns the codes a customer presents into what the rating engine matches: a generated code
 * stands for its coupon rule's campaign code, if it still has uses left and has not expired.
 * Unknown codes are passed through (a rule may name them directly) and reported.
 *
 * The one path for presented codes: billing, the rating preview and the rule test all call it.
 * `rules` are the rule documents the caller rates with (the preview's inline rules, a draft under
 * test); without them, the tenant's published rules in effect on `on`.
 */
export async function resolvePresentedCodes(db: DbOrTx, tenantId: string, presented: readonly string[], on: string, ruleDocs?: readonly RuleDoc[]) {
  const norm = [...new Set(presented.map((c) => c.trim().toUpperCase()).filter(Boolean))];
  if (!norm.length) return { codes: [] as string[], byRule: new Map<string, string>(), rejected: [] as RejectedCode[] };
  const rows = await db.select().from(couponCodes).where(and(eq(couponCodes.tenantId, tenantId), inArray(couponCodes.code, norm)));
  const rules = ruleDocs
    ? new Map(ruleDocs.map((d) => [d.id, d]))
    : rows.length ? new Map((await resolveAt<RuleDoc>(db, tenantId, 'rule', on)).map((r) => [r.code, r.document])) : new Map<string, RuleDoc>();
  const codes: string[] = [];
  const byRule = new Map<string, string>();
  const rejected: RejectedCode[] = [];
  const known = new Map(rows.map((r) => [r.code, r]));
  for (const c of norm) {
    const row = known.get(c);
    if (!row) { codes.push(c); continue; }
    const rule = rules.get(row.ruleCode);
    const campaign = rule ? (rule.event.params as { code?: string }).code : undefined;
    if (!rule || !campaign) rejected.push({ code: c, reason: 'its coupon is not in effect', why: 'not_in_effect' });
    else if (row.expiresOn && row.expiresOn < on) rejected.push({ code: c, reason: `expired on ${row.expiresOn}`, why: 'expired', expiresOn: row.expiresOn });
    else if (row.maxRedemptions !== null && row.redeemed >= row.maxRedemptions) rejected.push({ code: c, reason: 'already used up', why: 'used_up' });
    else { codes.push(campaign); byRule.set(row.ruleCode, c); }
  }
  return { codes, byRule, rejected };
}
