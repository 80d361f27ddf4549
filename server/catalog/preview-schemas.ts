/**
 * The answer of POST /rating/preview, field by field (server/rating/types.ts RatingResult without
 * what only stored billing needs: redemptions and exact tax). Amounts are decimal strings.
 */
import { z } from '@hono/zod-openapi';
import { RULE_KINDS } from '../rules/schema';
import type { ConditionTrace } from '../rules/compile';

const Amount = z.string().openapi({ description: 'Decimal string in major units', example: '19.80' });
const DocVersion = z.union([z.number().int(), z.string()]).nullable();

export const PreviewLineOut = z.object({
  subscription: z.number().int().optional(),
  component: z.string().optional(),
  kind: z.enum(['charge', 'minimum', 'discount', 'tax']),
  rule: z.string().optional().openapi({ description: 'The rule that produced a discount or tax line' }),
  name: z.string().optional(),
  quantity: z.string().optional(),
  amount: Amount,
  description: z.string().optional(),
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
  reason: z.string(),
  facts: z.record(z.string(), z.unknown()).optional(),
  conditions: ConditionTraceOut.optional(),
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
