/**
 * Turns rule and plan documents into ready-to-run form once: rules sorted (priority desc, then
 * id), conditions compiled, decimals parsed. A bill run prepares the tenant's rules once and
 * rates every subscription with them.
 */
import { Decimal, HUNDRED, parseDecimal } from '../lib/money';
import { compileConditions, compilePack, type CompiledCondition, type CompiledPack } from '../rules/compile';
import type { PlanDoc, RuleDoc } from '../rules/schema';
import { createPricer, type Pricer } from './pricing';

export interface ParsedDiscount {
  /** Fraction (10% → 0.1), or undefined for a fixed amount. */
  fraction?: Decimal;
  amount?: Decimal;
  maxAmount?: Decimal;
  target: { components?: string[]; plans?: string[] } | 'invoice' | undefined;
}

export interface PreparedRule {
  doc: RuleDoc;
  id: string;
  kind: RuleDoc['kind'];
  priority: number;
  version: number | string | null;
  cycles?: number;
  /** discount / coupon / discount-promotion. */
  discount?: ParsedDiscount;
  invoiceLevel: boolean;
  /** free_units / price_override, or a promotion's effect. */
  effect?:
    | { type: 'free_units'; meter?: string; quantityKey?: string; units: Decimal }
    | { type: 'price_override'; component: string; pricing: RuleDoc['event']['params'] };
  couponCode?: string;
  budget?: Decimal;
  maxRedemptions?: number;
  perCustomer?: number;
  tax?: { fraction: Decimal; name: string; components?: string[] };
  points?: { fraction?: Decimal; amount?: Decimal; expiresInDays: number | null };
}

export interface PreparedRules {
  readonly prepared: true;
  /** Rules that change what is priced (free_units, price_override, effect promotions). */
  pre: CompiledPack<PreparedRule & { conditions: RuleDoc['conditions'] }>;
  /** Everything that acts on priced lines: discounts, coupons, promotions, tax, points. */
  post: CompiledPack<PreparedRule & { conditions: RuleDoc['conditions'] }>;
  /** All facts read by the rating rules (supplied as null when unknown). */
  referencedFacts: readonly string[];
}

const byPriorityThenId = (a: RuleDoc, b: RuleDoc) => (b.priority ?? 1) - (a.priority ?? 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function parseDiscount(p: Record<string, any>): ParsedDiscount {
  return {
    fraction: p.percent !== undefined ? parseDecimal(p.percent).dividedBy(HUNDRED) : undefined,
    amount: p.amount !== undefined ? parseDecimal(p.amount) : undefined,
    maxAmount: p.maxAmount !== undefined ? parseDecimal(p.maxAmount) : undefined,
    target: p.target,
  };
}

export function prepareRule(doc: RuleDoc): PreparedRule {
  const p = doc.event.params ?? {};
  const r: PreparedRule = {
    doc,
    id: doc.id,
    kind: doc.kind,
    priority: doc.priority ?? 1,
    version: doc.version ?? null,
    cycles: p.cycles,
    invoiceLevel: false,
  };
  switch (doc.kind) {
    case 'discount':
    case 'coupon':
      r.discount = parseDiscount(p);
      r.couponCode = doc.kind === 'coupon' ? p.code : undefined;
      break;
    case 'promotion':
      if (p.effect) {
        r.effect =
          p.effect.type === 'free_units'
            ? { type: 'free_units', meter: p.effect.meter, quantityKey: p.effect.quantityKey, units: parseDecimal(p.effect.units) }
            : { type: 'price_override', component: p.effect.component, pricing: p.effect.pricing };
      } else r.discount = parseDiscount(p);
      r.budget = p.budget !== undefined ? parseDecimal(p.budget) : undefined;
      break;
    case 'free_units':
      r.effect = { type: 'free_units', meter: p.meter, quantityKey: p.quantityKey, units: parseDecimal(p.units) };
      break;
    case 'price_override':
      r.effect = { type: 'price_override', component: p.component, pricing: p.pricing };
      break;
    case 'tax':
      r.tax = { fraction: parseDecimal(p.rate).dividedBy(HUNDRED), name: p.name, components: p.components };
      break;
    case 'points':
      r.points = {
        fraction: p.earnPercent !== undefined ? parseDecimal(p.earnPercent).dividedBy(HUNDRED) : undefined,
        amount: p.earnAmount !== undefined ? parseDecimal(p.earnAmount) : undefined,
        expiresInDays: p.expiresInDays ?? null,
      };
      break;
  }
  if (doc.kind === 'coupon' || doc.kind === 'promotion') {
    r.maxRedemptions = p.maxRedemptions;
    r.perCustomer = p.perCustomer;
  }
  r.invoiceLevel = r.discount?.target === 'invoice';
  return r;
}

/**
 * Prepares rule documents for rating. Dunning rules and disabled rules are left out: dunning
 * acts on overdue invoices later, not while rating.
 */
export function prepareRules(docs: readonly RuleDoc[]): PreparedRules {
  const active = docs.filter((d) => d.kind !== 'dunning' && d.enabled !== false).slice().sort(byPriorityThenId);
  const withConditions = (d: RuleDoc) => Object.assign(prepareRule(d), { conditions: d.conditions });
  const all = active.map(withConditions);
  const pre = all.filter((r) => r.effect !== undefined);
  const post = all.filter((r) => r.effect === undefined);
  const preP = compilePack(pre);
  const postP = compilePack(post);
  return {
    prepared: true,
    pre: preP,
    post: postP,
    referencedFacts: [...new Set([...preP.referencedFacts, ...postP.referencedFacts])],
  };
}

export function isPreparedRules(x: unknown): x is PreparedRules {
  return !!x && typeof x === 'object' && (x as PreparedRules).prepared === true;
}

const couponCodeCache = new WeakMap<PreparedRules, ReadonlyMap<string, string>>();
/** Rule id → its coupon code, for the discount lines of coupon rules (both raters). */
export function couponCodes(rules: PreparedRules): ReadonlyMap<string, string> {
  let m = couponCodeCache.get(rules);
  if (!m) {
    const codes = new Map<string, string>();
    for (const r of rules.post.rules) if (r.kind === 'coupon' && r.couponCode) codes.set(r.id, r.couponCode);
    couponCodeCache.set(rules, (m = codes));
  }
  return m;
}

export interface PreparedComponent {
  code: string;
  label: string;
  type: 'flat' | 'quantity' | 'usage';
  amount?: Decimal;
  quantityKey?: string;
  meter?: string;
  pricer?: Pricer;
  prorate: boolean;
  /** Charge timing (./charge-timing.ts); usage components are always recurring. */
  charge: 'recurring' | 'one_time';
  installments?: { count: number };
}

export interface PreparedPlan {
  doc: PlanDoc;
  components: PreparedComponent[];
  minimumAmount?: Decimal;
  trialDays: number;
  eligibility?: CompiledCondition;
}

const planCache = new WeakMap<PlanDoc, PreparedPlan>();
const componentCache = new WeakMap<object, PreparedComponent[]>();

function prepareComponents(components: PlanDoc['components']): PreparedComponent[] {
  const hit = componentCache.get(components);
  if (hit) return hit;
  const prepared = components.map((c) => ({
    code: c.code,
    label: c.name ?? c.code,
    type: c.type,
    amount: c.type === 'flat' ? parseDecimal(c.amount) : undefined,
    quantityKey: c.type === 'quantity' ? c.quantityKey : undefined,
    meter: c.type === 'usage' ? c.meter : undefined,
    pricer: c.type === 'flat' ? undefined : createPricer(c.pricing),
    prorate: c.type === 'usage' ? false : c.prorate !== false,
    charge: c.type === 'usage' ? ('recurring' as const) : (c.charge ?? 'recurring'),
    installments: c.type === 'flat' ? c.installments : undefined,
  }));
  componentCache.set(components, prepared);
  return prepared;
}

/**
 * Parses a (validated) plan document once; cached by object identity. Its components are also
 * cached by the identity of the `components` array, so a shallow copy of a plan (billing passes
 * `{ ...doc, trialDays }` per subscription) re-uses the parsed components and pricers.
 */
export function preparePlan(doc: PlanDoc): PreparedPlan {
  const hit = planCache.get(doc);
  if (hit) return hit;
  const seen = componentCache.has(doc.components);
  const plan: PreparedPlan = {
    doc,
    trialDays: doc.trialDays ?? 0,
    minimumAmount: doc.minimumAmount !== undefined ? parseDecimal(doc.minimumAmount) : undefined,
    eligibility: doc.eligibility ? compiledEligibility(doc.eligibility) : undefined,
    components: prepareComponents(doc.components),
  };
  // A shallow copy of a known plan is cheap to wrap and is not cached: a bill run makes one per
  // subscription, and 100,000 weak-map entries would cost the garbage collector more than this.
  if (!seen) planCache.set(doc, plan);
  return plan;
}

/** What rate()'s fast path needs of a plan. */
export interface PreparedPlanLite {
  doc: PlanDoc;
  components: PreparedComponent[];
  trialDays: number;
}

/**
 * preparePlan() without the decimal.js parse of minimumAmount for shallow copies of known plans
 * (the fast path parses it exactly itself): a bill run rates one such copy per subscription.
 */
export function preparePlanLite(doc: PlanDoc): PreparedPlanLite {
  const hit = planCache.get(doc);
  if (hit) return hit;
  if (!componentCache.has(doc.components)) return preparePlan(doc);
  if (doc.eligibility) compiledEligibility(doc.eligibility);
  return { doc, components: prepareComponents(doc.components), trialDays: doc.trialDays ?? 0 };
}

const eligibilityCache = new WeakMap<object, CompiledCondition>();
function compiledEligibility(e: NonNullable<PlanDoc['eligibility']>): CompiledCondition {
  let c = eligibilityCache.get(e);
  if (!c) eligibilityCache.set(e, (c = compileConditions(e)));
  return c;
}
