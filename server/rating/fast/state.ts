/**
 * What the steps of the exact fast path (../rate.ts) share: the state of one rating, its lines,
 * the per-rule numbers parsed once, and the trace entries. Amounts are safe integers in minor
 * units; unrounded values are exact scaled integers (../exact.ts).
 */
import type { RoundingMode } from '../../lib/money';
import { explainConditions } from '../../rules/compile';
import type { FactMap } from '../../rules/facts';
import type { RuleDoc } from '../../rules/schema';
import { add, exactMinor, ratioToMinor, scaled, toMinor, type Sc } from '../exact';
import { REASON, type Amounts, type EvaluatedSubject, type InvoiceTerms } from '../policy';
import type { PreparedPlanLite, PreparedRule, PreparedRules } from '../prepare';
import type { ChargeSlot } from '../charge-timing';
import type { LineDetail, LinePricing, SubscriptionInput, TraceEntry } from '../types';

/**
 * State of one rating on the fast path, passed to the step functions (no per-call closures). Not
 * the request context (server/lib/context.ts): rating is pure and never sees one.
 */
export interface RatingState extends InvoiceTerms<number> {
  mode: RoundingMode;
  places: number;
  /** Trace level "full": record per-condition detail too. */
  full: boolean;
  trace: TraceEntry[];
}

export interface ChargeLine {
  subscription: number;
  component?: string;
  kind: 'charge' | 'minimum';
  quantity: string;
  /** Minor units. */
  amount: number;
  description: string;
  /** What is left after discounts (minor units); tax applies to it. */
  net: number;
  planCode: string;
  discounts: { rule: string; amount: number }[] | null;
  detail?: LineDetail;
  pricing?: LinePricing;
}

export interface SubState extends EvaluatedSubject {
  sub: SubscriptionInput;
  plan: PreparedPlanLite;
  facts: FactMap;
  lines: ChargeLine[];
  /** The service periods its flat and quantity components are charged for (../charge-timing.ts). */
  slots: ChargeSlot[];
}

export type Rule = PreparedRule & { conditions: RuleDoc['conditions'] };
export type Pack = PreparedRules['post'];

const amountsByPlaces: Amounts<number>[] = [];
/** Minor-unit integers as the policy's amounts (one object per currency precision). */
export function minorAmounts(places: number): Amounts<number> {
  return (amountsByPlaces[places] ??= {
    zero: 0,
    plus: add,
    minus: (a, b) => a - b,
    lessThan: (a, b) => a < b,
    budget: (r, remaining) => exactMinor(remaining != null ? scaled(remaining) : fastRule(r).budget!, places),
  });
}

/** Per-rule numbers of the fast path, parsed once per prepared rule. */
export interface FastRule {
  pct?: Sc; // percent (10 → {10,0}); fraction = pct / 100
  amount?: Sc;
  maxAmount?: Sc;
  budget?: Sc;
  taxRate?: Sc;
  earnPct?: Sc;
  earnAmount?: Sc;
  units?: Sc;
}
const fastRules = new WeakMap<PreparedRule, FastRule>();
export function fastRule(r: PreparedRule): FastRule {
  let f = fastRules.get(r);
  if (f) return f;
  const p = (r.doc.event.params ?? {}) as Record<string, any>;
  f = {};
  if (r.discount) {
    if (p.percent !== undefined) f.pct = scaled(p.percent);
    if (p.amount !== undefined) f.amount = scaled(p.amount);
    if (p.maxAmount !== undefined) f.maxAmount = scaled(p.maxAmount);
  }
  if (p.budget !== undefined && r.kind === 'promotion') f.budget = scaled(p.budget);
  if (r.tax) f.taxRate = scaled(p.rate);
  if (r.points) {
    if (p.earnPercent !== undefined) f.earnPct = scaled(p.earnPercent);
    if (p.earnAmount !== undefined) f.earnAmount = scaled(p.earnAmount);
  }
  if (r.effect?.type === 'free_units') f.units = scaled((r.kind === 'promotion' ? p.effect.units : p.units) as string | number);
  fastRules.set(r, f);
  return f;
}

/** An amount for `bd` of `pd` billable days, rounded once to minor units. */
export function proratedMinor(x: RatingState, v: Sc, prorate: boolean, bd: number, pd: number): number {
  if (bd <= 0) return 0;
  if (!prorate || bd === pd) return toMinor(v, x.places, x.mode);
  return ratioToMinor(v, bd, pd, x.places, x.mode);
}

/** Builders of each rule's trace `facts` (the values of the facts it reads), once per compiled pack. */
const factBuilders = new WeakMap<object, ((f: FactMap) => Record<string, unknown>)[]>();
export function traceFactBuilders(pack: Pack): ((f: FactMap) => Record<string, unknown>)[] {
  let used = factBuilders.get(pack);
  if (!used) factBuilders.set(pack, (used = pack.factsByRule.map(usedBuilder)));
  return used;
}
const SAFE_FACT_NAME = /^[A-Za-z0-9_.-]+$/;
/**
 * `{ [name]: facts[name] ?? null, ... }` for a rule's fact names, in their order. Compiled to an
 * object literal (one allocation, one hidden class) when every name is a plain catalog-style
 * name; otherwise (or without code generation) the generic loop.
 */
function usedBuilder(names: readonly string[]): (f: FactMap) => Record<string, unknown> {
  const generic = (f: FactMap) => {
    const used: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = f[names[i]];
      used[names[i]] = v === undefined ? null : v;
    }
    return used;
  };
  if (!names.every((n) => SAFE_FACT_NAME.test(n) && n !== '__proto__')) return generic;
  try {
    const body = names.map((n) => `${JSON.stringify(n)}: (v = f[${JSON.stringify(n)}]) === undefined ? null : v`).join(',\n');
    return new Function('f', `let v;\nreturn {\n${body}\n};`) as (f: FactMap) => Record<string, unknown>;
  } catch {
    return generic;
  }
}

export function traceEntry(x: RatingState, r: Rule, s: SubState, fired: boolean, used: (f: FactMap) => Record<string, unknown>): TraceEntry {
  const f = s.facts;
  const e: TraceEntry = { rule: r.id, kind: r.kind, version: r.version, subscription: s.index, fired, applied: false, reason: fired ? '' : REASON.notMet, facts: used(f) };
  if (x.full) e.conditions = explainConditions(r.conditions, f);
  x.trace.push(e);
  return e;
}

export function billSubtotal(s: SubState): number {
  let a = 0;
  for (const l of s.lines) a = add(a, l.amount);
  return a;
}
