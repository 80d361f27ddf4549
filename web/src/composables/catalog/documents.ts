/** Plan and rule documents in the form: blank documents, defaults per type/model, cleaning. */
import type {
  ComponentType, ConditionNode, LeafCondition, PlanComponent, PlanDoc, PreviewCustomer, Pricing, PricingModel, RuleDoc, RuleKind,
} from '@/api/catalog';
import type { Customer } from '@/api/types';

export const CURRENCIES = ['KRW', 'USD', 'EUR', 'JPY', 'CNY'];
export const INTERVALS = ['day', 'week', 'month', 'year'] as const;
export const PRICING_MODELS: PricingModel[] = ['standard', 'package', 'graduated', 'volume', 'percentage'];
export const COMPONENT_TYPES: ComponentType[] = ['flat', 'quantity', 'usage'];
/** Kinds whose effect has form fields (the others are edited in the JSON tab). */
export const FORM_KINDS: RuleKind[] = ['discount', 'promotion', 'coupon', 'tax', 'free_units', 'price_override', 'dunning'];
/** Kinds offered when creating a rule in the form. */
export const EDITABLE_KINDS: RuleKind[] = FORM_KINDS;
export const ALL_KINDS: RuleKind[] = ['discount', 'promotion', 'coupon', 'tax', 'free_units', 'price_override', 'points', 'dunning'];

/** A decimal string (money or units) as the schema accepts it. */
export const DECIMAL_RE = /^\d+(\.\d+)?$/;

export function blankPlan(): PlanDoc {
  return {
    code: '', name: '', currency: 'KRW', interval: 'month', intervalCount: 1, trialDays: 0,
    components: [{ code: 'base', name: '', type: 'flat', amount: '' }],
  };
}

export function defaultPricing(model: PricingModel): Pricing {
  switch (model) {
    case 'standard': return { model, unitAmount: '' };
    case 'package': return { model, packageSize: '', packageAmount: '' };
    case 'graduated':
    case 'volume':
      return { model, tiers: [{ upTo: '', unitAmount: '' }, { upTo: null, unitAmount: '' }] };
    case 'percentage': return { model, rate: '' };
  }
}

/** Switches the pricing model, keeping the tiers when going between graduated and volume. */
export function switchPricing(old: Pricing | undefined, model: PricingModel): Pricing {
  if (old?.tiers && (model === 'graduated' || model === 'volume')) return { model, tiers: old.tiers };
  const p = defaultPricing(model);
  if (old?.unitAmount !== undefined && 'unitAmount' in p) p.unitAmount = old.unitAmount;
  return p;
}

export function componentOfType(c: PlanComponent, type: ComponentType): PlanComponent {
  const base: PlanComponent = { code: c.code, type };
  if (c.name !== undefined) base.name = c.name;
  if (type === 'flat') return { ...base, amount: c.amount ?? '' };
  const pricing = c.pricing ?? defaultPricing('standard');
  if (type === 'quantity') return { ...base, quantityKey: c.quantityKey ?? c.meter ?? c.code, pricing };
  return { ...base, meter: c.meter ?? c.quantityKey ?? c.code, pricing };
}

export function newComponent(type: ComponentType, index: number): PlanComponent {
  return componentOfType({ code: `${type}${index + 1}`, name: '', type }, type);
}

export function blankRule(kind: RuleKind = 'discount'): RuleDoc {
  return {
    id: '', name: '', kind, priority: 10, conditions: { all: [] },
    event: { type: kind, params: defaultParams(kind) },
  };
}

export function defaultParams(kind: RuleKind): Record<string, unknown> {
  switch (kind) {
    case 'discount': return { percent: '10' };
    case 'coupon': return { code: '', percent: '10', perCustomer: 1 };
    case 'promotion': return { percent: '10' };
    case 'tax': return { rate: '10', name: 'VAT' };
    case 'free_units': return { meter: '', units: '' };
    case 'price_override': return { component: '', pricing: { model: 'standard', unitAmount: '' } };
    case 'dunning': return { action: 'remind' };
    default: return {};
  }
}

export function isLeaf(n: ConditionNode): n is LeafCondition {
  return typeof n === 'object' && n !== null && 'fact' in n;
}

/** Removes '' and undefined values (optional fields left blank) and an empty eligibility. */
export function cleanDoc<T>(doc: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === '' || x === undefined) continue;
        out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  const out = walk(doc) as Record<string, unknown>;
  const el = out.eligibility as { all?: unknown[]; any?: unknown[] } | undefined;
  if (el && ((Array.isArray(el.all) && el.all.length === 0) || (Array.isArray(el.any) && el.any.length === 0))) delete out.eligibility;
  return out as T;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** 'document.components[1].pricing' → 'components[1].pricing' (also strips a preview request prefix). */
export function relativePath(path: string): string {
  return path.replace(/^\$\.?/, '').replace(/^document\.?/, '').replace(/^subscriptions\[\d+\]\.plan\.?/, '').replace(/^rules\[\d+\]\.?/, '');
}

export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** [first day of the month, first day of the next month) of a 'YYYY-MM' month. */
export function monthPeriod(month: string): { start: string; end: string } {
  const [y, m] = month.split('-').map((x) => Number.parseInt(x, 10));
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return { start: `${month}-01`, end: `${ny}-${String(nm).padStart(2, '0')}-01` };
}

export function thisMonth(): string {
  return todayIso().slice(0, 7);
}

/**
 * The customer facts the rating preview takes (attributes limited to scalar values). The
 * `customer.id` fact is the tenant's own customer code (externalId), as in stored billing.
 */
export function previewCustomerOf(c: Customer): PreviewCustomer {
  const attributes: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(c.attributes ?? {})) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) attributes[k] = v as string | number | boolean | null;
  }
  return { id: c.externalId, type: c.type, segment: c.segment, country: c.country, tags: c.tags ?? [], dunningExcluded: c.dunningExcluded, attributes };
}

/** The tag colour of a plan's or rule's status, in the lists and the editors. */
export const STATUS_TAG = { draft: 'warning', published: 'success', retired: 'info' } as const;
