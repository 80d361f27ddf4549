/**
 * Plan and rule documents: zod 4 schemas (the source of rules/schema/*.schema.json). The checks a
 * JSON Schema cannot express (conditions against the fact catalog, tier order, unique component
 * codes, event.type = kind) are in ./validate.ts.
 */
import { z } from 'zod';
import { isoDate } from '../lib/schemas';
import { OPERATORS, type ConditionNode } from './compile';
import { isCurrencyCode } from '../lib/money';

// ---------------------------------------------------------------------------------------------
// Scalars
/**
 * Every decimal in a document: at most 15 digits before the point and 12 after. Larger values are
 * no real price or quantity, and products of two of them still fit the 40 significant digits the
 * decimal arithmetic keeps, so no figure is ever silently rounded.
 */
export const DECIMAL_RE = /^\d{1,15}(\.\d{1,12})?$/;
export const MAX_DECIMAL = 1e15;
const LIMITS = 'at most 15 digits before the point and 12 after';
const MONEY_MSG = `must be a non-negative decimal string like "12.34" (money is never a JSON number), ${LIMITS}`;
export const MoneyString = z
  .string({ error: MONEY_MSG })
  .regex(DECIMAL_RE, { error: MONEY_MSG })
  .meta({ description: 'Amount in major units as a decimal string, e.g. "12.34" or "33000".' });
const QTY_MSG = `must be a non-negative number or decimal string, ${LIMITS}`;
const SmallNumber = z.number().nonnegative().finite().lt(MAX_DECIMAL);
/** Quantities (units, tier bounds) may be numbers or decimal strings (spec §3). */
// The string branch carries the message too: a string that fails the pattern ("-5") is reported by
// that branch (zod reads it as the intended type), which would otherwise show the regex.
export const Quantity = z.union([SmallNumber, z.string().regex(DECIMAL_RE, { error: QTY_MSG })], { error: QTY_MSG });
const PCT_MSG = `must be a percentage as a decimal string or number, e.g. "10", ${LIMITS}`;
export const Percent = z.union([SmallNumber, z.string().regex(DECIMAL_RE, { error: PCT_MSG })], { error: PCT_MSG });
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code like "USD"', abort: true }).refine(isCurrencyCode, { error: 'is not an ISO 4217 currency code' });
export const Code = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, { error: 'must be 1-100 letters, digits, "_", "-" or "." starting with a letter or digit' });
const Version = z.union([z.int().min(1), z.string().min(1)]).optional();
const PositiveInt = z.int().min(1);

// ---------------------------------------------------------------------------------------------
// Conditions (json-rules-engine trees). The schema gives editors and JSON Schema the shape; the
// catalog-aware checks live in `checkConditions`.
export const LeafConditionSchema = z.strictObject({
  fact: z.string(),
  operator: z.enum(OPERATORS),
  value: z.unknown(),
  params: z.record(z.string(), z.unknown()).optional(),
  priority: PositiveInt.optional(),
  name: z.string().optional(),
});
export const ConditionSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema), priority: PositiveInt.optional(), name: z.string().optional() }),
    z.strictObject({ any: z.array(ConditionSchema), priority: PositiveInt.optional(), name: z.string().optional() }),
    z.strictObject({ not: ConditionSchema, priority: PositiveInt.optional(), name: z.string().optional() }),
    LeafConditionSchema,
  ]),
) as z.ZodType<ConditionNode>;

// ---------------------------------------------------------------------------------------------
// Pricing models
const Tier = z.strictObject({ upTo: Quantity.nullable(), unitAmount: MoneyString, flatAmount: MoneyString.optional() });
export const PricingSchema = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('standard'), unitAmount: MoneyString, freeUnits: Quantity.optional() }),
  z.strictObject({ model: z.literal('package'), packageSize: Quantity, packageAmount: MoneyString, freeUnits: Quantity.optional() }),
  z.strictObject({ model: z.literal('graduated'), tiers: z.array(Tier).min(1) }),
  z.strictObject({ model: z.literal('volume'), tiers: z.array(Tier).min(1) }),
  z.strictObject({
    model: z.literal('percentage'),
    rate: Percent,
    fixedAmount: MoneyString.optional(),
    freeAmount: MoneyString.optional(),
    freeEvents: z.int().min(0).optional(),
  }),
]);
export type Pricing = z.infer<typeof PricingSchema>;
export type PricingTier = z.infer<typeof Tier>;

// ---------------------------------------------------------------------------------------------
// Plans
const Charge = z.enum(['recurring', 'one_time']).meta({ description: '"one_time": charged once, in full, in the subscription\'s first period (a setup fee); default "recurring".' });
const componentCommon = { code: Code, name: z.string().optional(), description: z.string().optional() };
export const ComponentSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...componentCommon, type: z.literal('flat'), amount: MoneyString, prorate: z.boolean().optional(), charge: Charge.optional(),
    installments: z.strictObject({ count: z.int({ error: 'must be a whole number of cycles' }).min(1).max(1200) })
      .meta({ description: 'Pay `amount` as a total over the first `count` cycles (installment N carries the rounding remainder); not prorated.' })
      .optional(),
  }),
  z.strictObject({ ...componentCommon, type: z.literal('quantity'), quantityKey: Code, pricing: PricingSchema, prorate: z.boolean().optional(), charge: Charge.optional() }),
  z.strictObject({ ...componentCommon, type: z.literal('usage'), meter: Code, pricing: PricingSchema }),
]);
export type PlanComponent = z.infer<typeof ComponentSchema>;

export const PlanSchema = z.strictObject({
  code: Code,
  name: z.string().min(1),
  description: z.string().optional(),
  version: Version,
  currency: CurrencyCode,
  interval: z.enum(['day', 'week', 'month', 'year']),
  intervalCount: PositiveInt.optional(),
  trialDays: z.int().min(0).optional(),
  minimumAmount: MoneyString.optional(),
  eligibility: ConditionSchema.optional(),
  components: z.array(ComponentSchema).min(1),
  timing: z.enum(['in_arrears', 'in_advance']).meta({ description: 'in_advance: flat and quantity components are charged for the next period (usage stays in arrears); default in_arrears.' }).optional(),
  termCycles: z.int({ error: 'must be a whole number of cycles' }).min(1).max(1200).meta({ description: 'The subscription ends after this many cycles unless `renewal` says otherwise.' }).optional(),
  renewal: z.union([z.literal('auto'), z.strictObject({ planCode: Code })], { error: 'must be "auto" or {"planCode": "..."}' })
    .meta({ description: 'At the end of the term: "auto" renews for another term, {planCode} moves to that plan; absent = the subscription ends.' })
    .optional(),
});
export type PlanDoc = z.infer<typeof PlanSchema>;

// ---------------------------------------------------------------------------------------------
// Rule params per kind
export const DiscountTarget = z.union([
  z.literal('invoice'),
  z.strictObject({ components: z.array(Code).min(1).optional(), plans: z.array(Code).min(1).optional() }),
]);
const discountShape = {
  percent: Percent.optional(),
  amount: MoneyString.optional(),
  target: DiscountTarget.optional(),
  maxAmount: MoneyString.optional(),
  cycles: PositiveInt.optional(),
};
const limits = { maxRedemptions: PositiveInt.optional(), perCustomer: PositiveInt.optional() };
export const DiscountParams = z.strictObject(discountShape);
export const CouponParams = z.strictObject({ code: Code, ...discountShape, ...limits });
export const FreeUnitsParams = z.strictObject({ meter: Code.optional(), quantityKey: Code.optional(), units: Quantity, cycles: PositiveInt.optional() });
export const PriceOverrideParams = z.strictObject({ component: Code, pricing: PricingSchema, cycles: PositiveInt.optional() });
export const PromotionEffect = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('free_units'), meter: Code.optional(), quantityKey: Code.optional(), units: Quantity }),
  z.strictObject({ type: z.literal('price_override'), component: Code, pricing: PricingSchema }),
]);
export const PromotionParams = z.strictObject({ ...discountShape, effect: PromotionEffect.optional(), budget: MoneyString.optional(), ...limits });
export const TaxParams = z.strictObject({ rate: Percent, name: z.string().min(1), components: z.array(Code).min(1).optional() });
export const PointsParams = z.strictObject({ earnPercent: Percent.optional(), earnAmount: MoneyString.optional(), expiresInDays: PositiveInt.optional() });
const repeat = { repeatEveryDays: PositiveInt.optional().meta({ description: 'Act again every n days while the rule still fires; absent: once per invoice.' }) };
/**
 * Dunning actions (server/dunning/README.md): what a fired dunning rule does to an overdue
 * invoice. `exclude` is the rule-based exclusion: while it fires, only `allowActions` may act.
 */
export const DUNNING_ACTIONS = ['remind', 'retry_payment', 'late_fee', 'suspend', 'reinstate', 'cancel', 'write_off', 'escalate', 'exclude'] as const;
export type DunningAction = (typeof DUNNING_ACTIONS)[number];
const ACTING = DUNNING_ACTIONS.filter((a) => a !== 'exclude') as [Exclude<DunningAction, 'exclude'>, ...Exclude<DunningAction, 'exclude'>[]];
export const DunningParams = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('remind'), template: Code.optional().meta({ description: 'Reminder template; default "overdue". Sent in the payer\'s language (ko/en) with a pay link and the invoice PDF.' }), ...repeat }),
  z.strictObject({ action: z.literal('retry_payment'), ...repeat }),
  z.strictObject({
    action: z.literal('late_fee'),
    percent: Percent.optional().meta({ description: 'Percent of the amount due per month (30 days), prorated by the days overdue.' }),
    amount: MoneyString.optional().meta({ description: 'A flat fee.' }),
    cap: MoneyString.meta({ description: 'Required: the most this fee may ever be for one invoice.' }),
    on: z.enum(['own_invoice', 'next_invoice']).optional().meta({ description: 'own_invoice (default): the fee is an invoice of its own; next_invoice: a pending charge billed as a line on the payer\'s next bill-run invoice.' }),
    ...repeat,
  }),
  z.strictObject({ action: z.literal('suspend') }),
  z.strictObject({ action: z.literal('reinstate') }),
  z.strictObject({ action: z.literal('cancel'), at: z.enum(['period_end', 'now']) }),
  z.strictObject({ action: z.literal('write_off'), reason: z.string().min(1) }),
  z.strictObject({ action: z.literal('escalate'), queue: Code.optional(), note: z.string().optional() }),
  z.strictObject({ action: z.literal('exclude'), reason: z.string().min(1), allowActions: z.array(z.enum(ACTING)) }),
], { error: (iss) => (iss.code === 'invalid_union' ? `unknown action; use one of ${DUNNING_ACTIONS.join(', ')}` : undefined) });

export const RULE_KINDS = ['discount', 'free_units', 'price_override', 'coupon', 'promotion', 'tax', 'points', 'dunning'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
const PARAMS: Record<RuleKind, z.ZodType> = {
  discount: DiscountParams,
  free_units: FreeUnitsParams,
  price_override: PriceOverrideParams,
  coupon: CouponParams,
  promotion: PromotionParams,
  tax: TaxParams,
  points: PointsParams,
  dunning: DunningParams,
};

const ruleCommon = {
  id: Code,
  name: z.string().min(1),
  description: z.string().optional(),
  version: Version,
  enabled: z.boolean().optional(),
  priority: PositiveInt.optional(),
  validFrom: isoDate.nullable().optional(),
  validTo: isoDate.nullable().optional(),
  exclusiveGroup: z.string().min(1).nullable().optional(),
  currency: CurrencyCode.optional().meta({ description: 'When set, the rule applies only to invoices in this currency.' }),
  conditions: ConditionSchema,
};
export function ruleVariant<K extends RuleKind>(kind: K) {
  return z.strictObject({
    ...ruleCommon,
    kind: z.literal(kind),
    event: z.strictObject({ type: z.literal(kind, { error: `event.type must equal kind "${kind}"` }), params: PARAMS[kind] }),
  });
}
export const RuleSchema = z.discriminatedUnion('kind', [
  ruleVariant('discount'),
  ruleVariant('free_units'),
  ruleVariant('price_override'),
  ruleVariant('coupon'),
  ruleVariant('promotion'),
  ruleVariant('tax'),
  ruleVariant('points'),
  ruleVariant('dunning'),
]);

export type DiscountParamsT = z.infer<typeof DiscountParams>;
export type CouponParamsT = z.infer<typeof CouponParams>;
export type PromotionParamsT = z.infer<typeof PromotionParams>;
export type FreeUnitsParamsT = z.infer<typeof FreeUnitsParams>;
export type PriceOverrideParamsT = z.infer<typeof PriceOverrideParams>;
export type TaxParamsT = z.infer<typeof TaxParams>;
export type PointsParamsT = z.infer<typeof PointsParams>;
export type DunningParamsT = z.infer<typeof DunningParams>;

/** A rule document as stored and rated. Params are typed per kind by `RuleSchema`. */
export interface RuleDoc {
  id: string;
  name: string;
  kind: RuleKind;
  description?: string;
  version?: number | string;
  enabled?: boolean;
  priority?: number;
  validFrom?: string | null;
  validTo?: string | null;
  exclusiveGroup?: string | null;
  currency?: string;
  conditions: ConditionNode;
  event: { type: string; params: Record<string, any> };
}

/** JSON Schemas (for editors and external tools), generated from the zod schemas above. */
export function planJsonSchema() {
  return z.toJSONSchema(PlanSchema, { target: 'draft-2020-12', io: 'input' });
}
export function ruleJsonSchema() {
  return z.toJSONSchema(RuleSchema, { target: 'draft-2020-12', io: 'input' });
}
