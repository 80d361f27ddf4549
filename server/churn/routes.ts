import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { paging, positiveIntParam } from '../lib/schemas';
import { activateModel, listModels, registerModel } from './models';
import { customerChurn, listAtRisk, scoreNow } from './service';
import { notFound } from '../lib/errors';

const tag = 'Analytics: churn';
const Band = z.enum(['low', 'medium', 'high']);
const Driver = z.object({ feature: z.string(), value: z.number().nullable(), contribution: z.number() });
const ModelRef = z.object({ version: z.number().int(), bands: z.object({ medium: z.number(), high: z.number() }).optional() }).nullable();
const AtRisk = z.object({
  model: ModelRef, asOf: z.string().nullable(), total: z.number().int(), summary: z.object({ low: z.number().int(), medium: z.number().int(), high: z.number().int() }),
  data: z.array(z.object({ customerId: z.string(), externalId: z.string(), name: z.string(), currency: z.string(), probability: z.number(), band: Band, drivers: z.array(Driver),
    segment: z.number().int().nullable(), segmentName: z.string().nullable(), asOf: z.string(), modelVersion: z.number().int(), mrr: z.string(), mrrAtRisk: z.string() })),
}).openapi('ChurnAtRisk');
const CustomerChurn = z.object({
  model: ModelRef,
  score: z.object({ asOf: z.string(), probability: z.number(), band: Band, drivers: z.array(Driver), segment: z.number().int().nullable(), segmentName: z.string().nullable(),
    modelVersion: z.number().int(), scoredAt: z.any() }).nullable(),
  history: z.array(z.object({ asOf: z.string(), probability: z.number(), band: Band, modelVersion: z.number().int() })),
}).openapi('CustomerChurn');
const ModelOut = z.object({ id: z.string(), version: z.number().int(), active: z.boolean(), card: z.record(z.string(), z.any()), bands: z.object({ medium: z.number(), high: z.number() }),
  note: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.any(), activatedAt: z.any() }).openapi('ChurnModel');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');
const ModelIn = z.object({
  onnx: base64.openapi({ description: 'The churn graph (ONNX, base64): input [N, features] float, output "probability" [N, 1]' }),
  segmentsOnnx: base64.nullable().optional().openapi({ description: 'The behaviour-segment graph (ONNX, base64): output "segment" [N]' }),
  trees: z.object({ init: z.number(), platt: z.object({ a: z.number(), b: z.number() }), trees: z.array(z.array(z.tuple([z.number().int(), z.number(), z.number().int(), z.number().int(), z.number()]))) }),
  card: z.object({ features: z.array(z.string().max(80)).min(1).max(500) }).passthrough(),
  bands: z.object({ medium: z.number().gt(0).lt(1), high: z.number().gt(0).lt(1) }).optional(),
  note: z.string().max(500).optional(), activate: z.boolean().optional(),
}).openapi('ChurnModelUpload');
const VersionParam = z.object({ version: positiveIntParam.openapi({ param: { name: 'version', in: 'path' } }) });
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export const churnRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/analytics/churn', tags: [tag], summary: 'At-risk customers by MRR at risk (latest scores of the active model)', security,
    request: { query: z.object({ band: Band.optional(), minProbability: z.coerce.number().min(0).max(1).optional(), segment: z.coerce.number().int().min(0).max(100).optional(), ...paging(500) }) },
    responses: { ...jsonOk(AtRisk), ...errorResponses } }),
  async (c) => c.json(await listAtRisk(c.get('ctx'), c.req.valid('query')) as never, 200))
  .openapi(createRoute({ method: 'post', path: '/analytics/churn/score', tags: [tag], summary: 'Score now (all subscribers, or some customers) with the active model', security,
    request: jsonBody(z.object({ customerIds: z.array(z.string().uuid()).max(10_000).optional() })),
    responses: { ...jsonOk(z.object({ model: z.object({ version: z.number().int() }).nullable(), asOf: z.string().nullable(), scored: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await scoreNow(c.get('ctx'), c.req.valid('json')), 200))
  .openapi(createRoute({ method: 'get', path: '/customers/{id}/churn', tags: [tag], summary: "A customer's churn score, band, drivers and history", security,
    request: { params: IdParam }, responses: { ...jsonOk(CustomerChurn), ...errorResponses } }),
  async (c) => c.json(await customerChurn(c.get('ctx'), c.req.valid('param').id) as never, 200))
  .openapi(createRoute({ method: 'get', path: '/churn/models', tags: [tag], summary: 'Churn model versions with their cards', security,
    responses: { ...jsonOk(z.object({ data: z.array(ModelOut) })), ...errorResponses } }),
  async (c) => c.json({ data: await listModels(c.get('ctx')) } as never, 200))
  .openapi(createRoute({ method: 'get', path: '/churn/models/{version}', tags: [tag], summary: 'One model version and its card', security,
    request: { params: VersionParam }, responses: { ...jsonOk(ModelOut), ...errorResponses } }),
  async (c) => {
    const ctx = c.get('ctx');
    const m = (await listModels(ctx)).find((r) => r.version === c.req.valid('param').version);
    if (!m) throw notFound('Churn model version');
    return c.json(m as never, 200);
  })
  .openapi(createRoute({ method: 'post', path: '/churn/models', tags: [tag], summary: 'Register a model version (checked against the feature list)', security,
    request: jsonBody(ModelIn), responses: { 201: { description: 'Created', content: { 'application/json': { schema: ModelOut } } }, ...errorResponses } }),
  async (c) => {
    const b = c.req.valid('json');
    const row = await registerModel(c.get('ctx'), { ...b, onnx: bytes(b.onnx), segmentsOnnx: b.segmentsOnnx ? bytes(b.segmentsOnnx) : null, card: b.card as never });
    const { onnx: _o, segmentsOnnx: _s, trees: _t, tenantId: _id, ...out } = row;
    return c.json(out as never, 201);
  })
  .openapi(createRoute({ method: 'post', path: '/churn/models/{version}/activate', tags: [tag], summary: 'Make a version the active one (rollback = activate an older one)', security,
    request: { params: VersionParam }, responses: { ...jsonOk(ModelOut), ...errorResponses } }),
  async (c) => {
    const row = await activateModel(c.get('ctx'), c.req.valid('param').version);
    const { onnx: _o, segmentsOnnx: _s, trees: _t, tenantId: _id, ...out } = row;
    return c.json(out as never, 200);
  });

