import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { FACT_CATALOG, DYNAMIC_FACTS } from '../rules/facts';
import { operatorsForFact } from '../rules/validate';
import { OPERATORS } from '../rules/compile';
import { PreviewRequestSchema } from '../rules/preview';
import { z as zod } from 'zod';
import { previewRating } from './preview-rating';
import { PreviewResponseSchema } from './preview-schemas';
import { customerRatingFacts } from './customer-facts';
import { isoMonth } from '../lib/schemas';

const FactOut = z.object({
  name: z.string(), type: z.string(), label: z.object({ ko: z.string(), en: z.string() }), description: z.string(),
  allowedValues: z.array(z.string()).optional(), scope: z.string(), prefix: z.boolean(), operators: z.array(z.string()),
}).openapi('Fact');

const CustomerFactsOut = z.object({
  customerId: z.string(), timezone: z.string(), period: z.object({ start: z.string(), end: z.string() }),
  customer: z.object({
    id: z.string().nullable().optional(), type: z.string().nullable().optional(), segment: z.string().nullable().optional(),
    country: z.string().nullable().optional(), tags: z.array(z.string()).nullable().optional(), tenureMonths: z.number().int().nullable().optional(),
    dunningExcluded: z.boolean().nullable().optional(),
    churnRisk: z.number().nullable().optional(), churnBand: z.string().nullable().optional(), behaviourSegment: z.string().nullable().optional(),
    churnScore: z.object({ modelVersion: z.number().int(), asOf: z.string() }).nullable().optional(), attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable().optional(),
  }),
  subscriptions: z.array(z.object({
    id: z.string(), planCode: z.string(), quantities: z.record(z.string(), z.string()), startDate: z.string(), endDate: z.string().nullable(),
    trialEndDate: z.string().nullable(), coupons: z.array(z.string()), addOn: z.boolean(), cycleIndex: z.number().int(),
  })),
  usage: z.record(z.string(), z.object({ value: z.string(), events: z.number().int(), aggregation: z.string(), unit: z.string().nullable(), name: z.string() })),
}).openapi('CustomerRatingFacts');

export const ratingRoutes = newRouter()
  .openapi(createRoute({
    method: 'get', path: '/rules/facts', tags: ['Rating'], summary: 'The typed fact catalog that rule conditions may use', security,
    responses: jsonOk(z.object({ data: z.array(FactOut), operators: z.array(z.string()) })),
  }), (c) => c.json({
    data: [...FACT_CATALOG, ...DYNAMIC_FACTS].map((d) => ({
      name: d.name, type: d.type, label: d.label, description: d.description,
      ...(d.allowedValues ? { allowedValues: [...d.allowedValues] } : {}), scope: d.scope, prefix: !!d.prefix, operators: operatorsForFact(d),
    })),
    operators: [...OPERATORS],
  }, 200))
  .openapi(createRoute({
    method: 'post', path: '/rating/preview', tags: ['Rating'], security,
    summary: 'Rate plans, usage and rules for one customer and period without storing anything',
    description: 'Needs catalog:read. With inline `rules` exactly those apply; otherwise the tenant\'s published rules in effect at the period start. A subscription gives a `plan` document or the `planCode` of a published plan. Without rules:read, coupon codes in the answer are replaced by "(hidden)". See rules/README.md.',
    // Documented by reference (generated from the zod schema); validated in the handler by
    // parsePreviewRequest, which also checks every inline plan and rule against the catalog.
    request: { body: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewRequest' } } }, required: true } },
    responses: { ...jsonOk(PreviewResponseSchema), ...errorResponses },
  }), async (c) => c.json(await previewRating({ ctx: c.get('ctx'), input: await c.req.json() }), 200))
  .openapi(createRoute({
    method: 'get', path: '/rating/customers/{id}/facts', tags: ['Rating'], security,
    summary: 'What rating sees for a stored customer in a month: facts, active subscriptions and usage so far',
    description: 'Needs rules:read and customers:read (the rule test starts from it). `month` (YYYY-MM) defaults to the current month in the tenant time zone; usage is per meter over that month up to now.',
    request: { params: IdParam, query: z.object({ month: isoMonth.optional() }) },
    responses: { ...jsonOk(CustomerFactsOut), ...errorResponses },
  }), async (c) => c.json(await customerRatingFacts({ ctx: c.get('ctx'), customerId: c.req.valid('param').id, month: c.req.valid('query').month }), 200));

ratingRoutes.openAPIRegistry.registerComponent('schemas', 'PreviewRequest',
  zod.toJSONSchema(PreviewRequestSchema, { target: 'openapi-3.0', unrepresentable: 'any' }) as never);
