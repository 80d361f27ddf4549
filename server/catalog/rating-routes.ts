import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { newRouter, jsonOk, errorResponses, security } from '../lib/http';
import { q } from '../lib/context';
import { invalid } from '../lib/errors';
import { tenants } from '../db/schema';
import { FACT_CATALOG, DYNAMIC_FACTS } from '../rules/facts';
import { operatorsForFact } from '../rules/schema';
import { OPERATORS } from '../rules/compile';
import { parsePreviewRequest, previewRating, PreviewRequestSchema } from '../rules/preview';
import { z as zod } from 'zod';
import { resolveAt } from './versions';
import type { RoundingMode } from '../lib/money';
import type { PlanDoc, RuleDoc } from '../rules/schema';
import { todayInZone } from '../lib/dates';

const FactOut = z.object({
  name: z.string(), type: z.string(), label: z.object({ ko: z.string(), en: z.string() }), description: z.string(),
  allowedValues: z.array(z.string()).optional(), scope: z.string(), prefix: z.boolean(), operators: z.array(z.string()),
}).openapi('Fact');

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
    description: 'With inline `rules` exactly those apply; otherwise the tenant\'s published rules in effect at the period start. A subscription gives a `plan` document or the `planCode` of a published plan. See rules/README.md.',
    // Documented by reference (generated from the zod schema); validated in the handler by
    // parsePreviewRequest, which also checks every inline plan and rule against the catalog.
    request: { body: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PreviewRequest' } } }, required: true } },
    responses: { ...jsonOk(z.record(z.string(), z.any()).openapi('PreviewResponse')), ...errorResponses },
  }), async (c) => {
    const ctx = c.get('ctx');
    const parsed = parsePreviewRequest(await c.req.json());
    if (!parsed.ok) throw invalid(parsed.issues);
    const req = parsed.value;
    const [tenant] = await q(ctx).select().from(tenants).where(eq(tenants.id, ctx.tenantId));
    // Documents in effect at the period start (the current month in the tenant's zone by default).
    const at = req.period?.start ?? `${todayInZone(tenant.timezone, ctx.now()).slice(0, 7)}-01`;
    const needsPlans = req.subscriptions.some((s) => s.planCode !== undefined);
    const [plans, rules] = await Promise.all([
      needsPlans ? resolveAt<PlanDoc>(q(ctx), ctx.tenantId, 'plan', at) : Promise.resolve([]),
      req.rules ? Promise.resolve([]) : resolveAt<RuleDoc>(q(ctx), ctx.tenantId, 'rule', at),
    ]);
    const byCode = new Map(plans.map((p) => [p.code, p.document]));
    const result = previewRating(req, {
      tenantRules: rules.map((r) => r.document),
      resolvePlan: (code) => byCode.get(code),
      defaultCurrency: tenant.currency,
      defaultRounding: tenant.roundingMode as RoundingMode,
      now: ctx.now(),
      timeZone: tenant.timezone,
    });
    if (!result.ok) throw invalid(result.issues);
    return c.json(result.value as unknown as Record<string, unknown>, 200);
  });

ratingRoutes.openAPIRegistry.registerComponent('schemas', 'PreviewRequest',
  zod.toJSONSchema(PreviewRequestSchema, { target: 'openapi-3.0', unrepresentable: 'any' }) as never);
