/**
 * The plan form's own checks, so a half-filled plan gets one message per field next to the field
 * and the preview is asked only for a plan the server can rate. They cover what a person types
 * (required fields, amounts, tier bounds); the server still validates everything (its messages
 * land on the same paths through useDocErrors). Paths are relative to the document, as the
 * server's issue paths are (`components[1].pricing.tiers[0].upTo`).
 */
import type { PlanComponent, PlanDoc, Tier } from '@/api/catalog';
import type { DocIssue } from './useDocErrors';

/** A non-negative decimal as the API takes it ("12", "0.5"). */
const AMOUNT = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

type Say = (key: string, params?: Record<string, unknown>) => string;

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === '';

export function tierIssues(tiers: readonly Tier[] | undefined, base: string, say: Say): DocIssue[] {
  const out: DocIssue[] = [];
  if (!tiers?.length) return [{ path: base, message: say('formChecks.tiersRequired') }];
  let prev: number | null = null;
  tiers.forEach((tier, i) => {
    const p = `${base}[${i}]`;
    const last = i === tiers.length - 1;
    if (last && tier.upTo !== null && tier.upTo !== '') out.push({ path: `${p}.upTo`, message: say('formChecks.lastTierOpen') });
    if (!last) {
      if (blank(tier.upTo)) out.push({ path: `${p}.upTo`, message: say('formChecks.required') });
      else if (!AMOUNT.test(String(tier.upTo)) || Number(tier.upTo) <= 0) out.push({ path: `${p}.upTo`, message: say('formChecks.positive') });
      // Bounds are unit counts, not money: comparing them as numbers is fine.
      else if (prev !== null && Number(tier.upTo) <= prev) out.push({ path: `${p}.upTo`, message: say('formChecks.tierOrder', { prev }) });
      else prev = Number(tier.upTo);
    }
    if (blank(tier.unitAmount)) out.push({ path: `${p}.unitAmount`, message: say('formChecks.required') });
    else if (!AMOUNT.test(String(tier.unitAmount))) out.push({ path: `${p}.unitAmount`, message: say('formChecks.amount') });
    if (tier.flatAmount !== undefined && !AMOUNT.test(String(tier.flatAmount))) out.push({ path: `${p}.flatAmount`, message: say('formChecks.amount') });
  });
  return out;
}

function componentIssues(c: PlanComponent, i: number, seen: Set<string>, say: Say): DocIssue[] {
  const p = `components[${i}]`;
  const out: DocIssue[] = [];
  const need = (path: string, v: unknown, re?: RegExp, key = 'formChecks.amount') => {
    if (blank(v)) out.push({ path, message: say('formChecks.required') });
    else if (re && !re.test(String(v).trim())) out.push({ path, message: say(key) });
  };
  const may = (path: string, v: unknown, re: RegExp, key = 'formChecks.amount') => {
    if (!blank(v) && !re.test(String(v).trim())) out.push({ path, message: say(key) });
  };
  if (blank(c.code)) out.push({ path: `${p}.code`, message: say('formChecks.required') });
  else if (!CODE.test(c.code)) out.push({ path: `${p}.code`, message: say('formChecks.code') });
  else if (seen.has(c.code)) out.push({ path: `${p}.code`, message: say('formChecks.duplicate') });
  seen.add(c.code);
  if (c.type === 'flat') return [...out, ...(blank(c.amount) ? [{ path: `${p}.amount`, message: say('formChecks.required') }] : AMOUNT.test(String(c.amount)) ? [] : [{ path: `${p}.amount`, message: say('formChecks.amount') }])];
  if (c.type === 'quantity') need(`${p}.quantityKey`, c.quantityKey);
  if (c.type === 'usage') need(`${p}.meter`, c.meter);
  const pr = c.pricing;
  const pp = `${p}.pricing`;
  if (!pr) return [...out, { path: pp, message: say('formChecks.required') }];
  if (pr.model === 'standard') need(`${pp}.unitAmount`, pr.unitAmount, AMOUNT);
  if (pr.model === 'package') {
    need(`${pp}.packageSize`, pr.packageSize, WHOLE, 'formChecks.whole');
    if (WHOLE.test(String(pr.packageSize ?? '')) && Number(pr.packageSize) === 0) out.push({ path: `${pp}.packageSize`, message: say('formChecks.positive') });
    need(`${pp}.packageAmount`, pr.packageAmount, AMOUNT);
  }
  if (pr.model === 'graduated' || pr.model === 'volume') out.push(...tierIssues(pr.tiers, `${pp}.tiers`, say));
  if (pr.model === 'percentage') {
    need(`${pp}.rate`, pr.rate, AMOUNT, 'formChecks.percent');
    if (AMOUNT.test(String(pr.rate ?? '')) && Number(pr.rate) > 100) out.push({ path: `${pp}.rate`, message: say('formChecks.percent') });
    may(`${pp}.fixedAmount`, pr.fixedAmount, AMOUNT);
    may(`${pp}.freeAmount`, pr.freeAmount, AMOUNT);
  }
  if (pr.model !== 'percentage') may(`${pp}.freeUnits`, pr.freeUnits, AMOUNT, 'formChecks.quantity');
  return out;
}

/** Every problem of the plan a person can fix in the form, one per field. */
export function planIssues(doc: PlanDoc, say: Say): DocIssue[] {
  const out: DocIssue[] = [];
  if (blank(doc.code)) out.push({ path: 'code', message: say('formChecks.required') });
  else if (!CODE.test(doc.code)) out.push({ path: 'code', message: say('formChecks.code') });
  if (blank(doc.name)) out.push({ path: 'name', message: say('formChecks.required') });
  if (blank(doc.currency)) out.push({ path: 'currency', message: say('formChecks.required') });
  if (!blank(doc.trialDays) && !WHOLE.test(String(doc.trialDays))) out.push({ path: 'trialDays', message: say('formChecks.whole') });
  if (!blank(doc.minimumAmount) && !AMOUNT.test(String(doc.minimumAmount))) out.push({ path: 'minimumAmount', message: say('formChecks.amount') });
  if (!doc.components.length) out.push({ path: 'components', message: say('formChecks.oneComponent') });
  const seen = new Set<string>();
  doc.components.forEach((c, i) => out.push(...componentIssues(c, i, seen, say)));
  return out;
}
