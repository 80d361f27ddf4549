/**
 * The answer of POST /rating/preview, field by field (server/rating/types.ts RatingResult without
 * what only stored billing needs: redemptions and exact tax). Amounts are decimal strings.
 */
import { z } from '@hono/zod-openapi';
import { RULE_KINDS } from '../rules/schema';
import type { ConditionTrace } from '../rules/compile';

const Amount = z.string().openapi({ description: 'Decimal string in major units', example: '19.80' });
const DocVersion = z.union([z.number().int(), z.string()]).nullable();

/** What a charge line is beyond its component (rating/types.ts LineDetail): the console words it. */
export const LineDetailOut = z.object({
  code: z.enum(['one_time', 'installment', 'in_advance']),
  installment: z.number().int().optional(),
  of: z.number().int().optional(),
  /** Accelerated installments (the subscription ended): installments `installment`..`through` in one line. */
  through: z.number().int().optional(),
  accelerated: z.boolean().optional(),
  servicePeriod: z.object({ start: z.string(), end: z.string() }).optional(),
}).openapi('LineDetail');

/** A charge line's price as rated (rating/pricing/types.ts LinePricing): unit price, tiers used. */
export const LinePricingOut = z.object({
  model: z.enum(['flat', 'standard', 'package', 'graduated', 'volume']),
  unitAmount: Amount.optional(),
  packageSize: z.string().optional(),
  freeUnits: z.string().optional(),
  tiers: z.array(z.object({
    from: z.string().openapi({ description: 'Exclusive lower bound in units' }), upTo: z.string().nullable().openapi({ description: 'Inclusive upper bound; null = none' }),
    units: z.string(), unitAmount: Amount, flatAmount: Amount.optional(), amount: Amount.openapi({ description: 'units × unitAmount + flatAmount, unrounded' }),
  }).openapi('TierUse')).optional(),
}).openapi('LinePricing');

export const PreviewLineOut = z.object({
  subscription: z.number().int().optional(),
  component: z.string().optional(),
  kind: z.enum(['charge', 'minimum', 'discount', 'tax']),
  rule: z.string().optional().openapi({ description: 'The rule that produced a discount or tax line' }),
  name: z.string().optional(),
  quantity: z.string().optional(),
  amount: Amount,
  description: z.string().optional(),
  detail: LineDetailOut.optional(),
  pricing: LinePricingOut.optional(),
  coupon: z.string().optional().openapi({ description: 'Discount lines of a coupon rule: the code presented' }),
}).openapi('PreviewLine');

// A condition tree as evaluated: json-rules-engine's all/any/not nodes over leaf results.
export const ConditionTraceOut: z.ZodType<ConditionTrace> = z.lazy(() => z.union([
  z.object({ op: z.enum(['all', 'any']), result: z.boolean(), conditions: z.array(ConditionTraceOut) }),
  z.object({ op: z.literal('not'), result: z.boolean(), condition: ConditionTraceOut }),
  z.object({
    fact: z.string(), operator: z.string(), value: z.unknown(), factValue: z.unknown(), valueResult: z.unknown(),
    result: z.boolean(), error: z.string().optional(),
  }),
])).openapi('ConditionTrace');

export const TraceEntryOut = z.object({
  rule: z.string(),
  kind: z.enum(RULE_KINDS),
  version: DocVersion,
  subscription: z.number().int(),
  fired: z.boolean(),
  applied: z.boolean(),
  reason: z.string().openapi({ description: 'Why it acted or not, in English (kept for compatibility; the console words `code`)' }),
  code: z.string().openapi({ description: 'Stable reason code (server/rating/reasons.ts); `other` when the text has none, empty when there is no reason' }),
  params: z.record(z.string(), z.string()).openapi({ description: 'The values the reason names (amounts, dates, codes, tax names)' }),
  facts: z.record(z.string(), z.unknown()).optional(),
  conditions: ConditionTraceOut.optional(),
  churnScore: z.object({ modelVersion: z.number().int(), asOf: z.string() }).optional()
    .openapi({ description: 'The churn score the conditions read (customer.churnRisk, churnBand, behaviourSegment): its model version and date' }),
}).openapi('TraceEntry');

export const PreviewResponseSchema = z.object({
  currency: z.string(),
  lines: z.array(PreviewLineOut),
  subtotal: Amount,
  discountTotal: Amount,
  taxTotal: Amount,
  total: Amount,
  prepaidApplied: Amount,
  pointsApplied: Amount,
  pointsSpent: Amount.openapi({ description: 'Points (not money) taken from the points wallet for pointsApplied' }),
  amountDue: Amount,
  trace: z.array(TraceEntryOut),
  versions: z.object({
    plans: z.array(z.object({ code: z.string(), version: DocVersion })),
    rules: z.array(z.object({ id: z.string(), version: DocVersion })),
  }),
  pointsEarned: z.array(z.object({ rule: z.string(), points: z.string(), expiresInDays: z.number().int().nullable() })),
  rejectedCoupons: z.array(z.object({
    code: z.string(), reason: z.string(), why: z.enum(['not_in_effect', 'expired', 'used_up']).optional(), expiresOn: z.string().optional(),
  })).optional()
    .openapi({ description: 'Presented generated codes that were not applied (expired, used up, their coupon not in effect)' }),
}).openapi('PreviewResponse');
