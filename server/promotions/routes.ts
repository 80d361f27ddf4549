import { createRoute, z } from '@hono/zod-openapi';
import { isoDate, MAX_INT } from '../lib/schemas';
import { newRouter, jsonBody, jsonOk, errorResponses, security } from '../lib/http';
import { createCouponCodes, exportCouponCodes, listCouponCodes, redemptionReport } from './coupons';

const CodeParam = z.object({ code: z.string().min(1).max(100).openapi({ param: { name: 'code', in: 'path' } }) });
const CouponCodeOut = z.object({
  id: z.string(), ruleCode: z.string(), code: z.string(), batch: z.string().nullable(), maxRedemptions: z.number().int().nullable(),
  redeemed: z.number().int(), expiresOn: z.string().nullable(), createdAt: z.string(),
}).openapi('CouponCode');
const BatchIn = z.object({
  codes: z.array(z.string().trim().min(3).max(40).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ or -')).max(10_000).optional(),
  count: z.number().int().min(1).max(10_000).optional(),
  prefix: z.string().max(12).regex(/^[A-Z0-9-]*$/, 'capital letters, digits or -').optional(),
  length: z.number().int().min(6).max(20).optional(),
  maxRedemptions: z.number().int().min(1).max(MAX_INT).nullable().optional(), // an integer column: 2^31 was a 500
  expiresOn: isoDate.nullable().optional(),
  batch: z.string().max(60).optional(),
}).refine((b) => !!b.codes?.length !== !!b.count, { message: 'give either codes or count', path: ['count'] }).openapi('CouponCodeBatch');

export const promotionRoutes = newRouter()
  .openapi(createRoute({
    method: 'post', path: '/rules/{code}/coupon-codes', tags: ['Catalog: rules'], security,
    summary: 'Add codes to a coupon rule: given ones or a generated batch (each with its own redemption limit)',
    request: { params: CodeParam, ...jsonBody(BatchIn) },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ data: z.array(CouponCodeOut) }) } } }, ...errorResponses },
  }), async (c) => c.json({ data: await createCouponCodes({ ctx: c.get('ctx'), ruleCode: c.req.valid('param').code, input: c.req.valid('json') }) }, 201))
  .openapi(createRoute({
    method: 'get', path: '/rules/{code}/coupon-codes', tags: ['Catalog: rules'], security, summary: 'The codes of a coupon rule and their use',
    request: { params: CodeParam }, responses: { ...jsonOk(z.object({ data: z.array(CouponCodeOut) })), ...errorResponses },
  }), async (c) => c.json({ data: await listCouponCodes({ ctx: c.get('ctx'), ruleCode: c.req.valid('param').code }) }, 200))
  .openapi(createRoute({
    method: 'get', path: '/rules/{code}/coupon-codes/export', tags: ['Catalog: rules'], security,
    summary: 'The codes of a coupon rule as CSV (UTF-8 with BOM), all or one batch; times in the tenant time zone',
    request: { params: CodeParam, query: z.object({ batch: z.string().max(60).optional() }) },
    responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
  }), async (c) => {
    const code = c.req.valid('param').code;
    const csv = await exportCouponCodes({ ctx: c.get('ctx'), ruleCode: code, batch: c.req.valid('query').batch });
    const name = `${code}-coupon-codes.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });
  })
  .openapi(createRoute({
    method: 'get', path: '/rules/{code}/redemptions', tags: ['Catalog: rules'], security,
    summary: 'What a promotion or coupon has cost: redemptions and amounts per month, latest uses',
    request: { params: CodeParam }, responses: { ...jsonOk(z.object({ rule: z.string(), byMonth: z.array(z.any()), latest: z.array(z.any()) })), ...errorResponses },
  }), async (c) => c.json(await redemptionReport({ ctx: c.get('ctx'), ruleCode: c.req.valid('param').code }), 200));
