import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { paging, positiveIntParam } from '../lib/schemas';
import { activateModel, listModels, modelOut, registerModel } from './models';
import { customerChurn, listAtRisk, scoreNow } from './service';
import { notFound } from '../lib/errors';
import { AtRisk, Band, CustomerChurn, ModelIn, ModelOut, RealisedChurn } from './schemas';
import { realisedByMonth } from './realised';
import { isoMonth } from '../lib/schemas';

const tag = 'Analytics: churn';
const VersionParam = z.object({ version: positiveIntParam.openapi({ param: { name: 'version', in: 'path' } }) });
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export const churnRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/analytics/churn', tags: [tag], summary: 'At-risk customers by MRR at risk (latest scores of the active model)', security,
    request: { query: z.object({ band: Band.optional(), minProbability: z.coerce.number().min(0).max(1).optional(), segment: z.coerce.number().int().min(0).max(100).optional(), ...paging(500) }) },
    responses: { ...jsonOk(AtRisk), ...errorResponses } }),
  async (c) => c.json(await listAtRisk(c.get('ctx'), c.req.valid('query')), 200))
  .openapi(createRoute({ method: 'get', path: '/analytics/churn/realised', tags: [tag], summary: 'Realised against predicted churn by month: scored bands at the start of each month against who churned in it', security,
    request: { query: z.object({
      from: isoMonth.optional().openapi({ description: 'First month (default: 11 months before `to`)' }),
      to: isoMonth.optional().openapi({ description: 'Last month (default: this month in the tenant time zone); at most 36 months' }),
    }) },
    responses: { ...jsonOk(RealisedChurn), ...errorResponses } }),
  async (c) => c.json(await realisedByMonth(c.get('ctx'), c.req.valid('query')), 200))
  .openapi(createRoute({ method: 'post', path: '/analytics/churn/score', tags: [tag], summary: 'Score now (all subscribers, or some customers) with the active model', security,
    request: jsonBody(z.object({ customerIds: z.array(z.string().uuid()).max(10_000).optional() })),
    responses: { ...jsonOk(z.object({ model: z.object({ version: z.number().int() }).nullable(), asOf: z.string().nullable(), scored: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await scoreNow(c.get('ctx'), c.req.valid('json')), 200))
  .openapi(createRoute({ method: 'get', path: '/customers/{id}/churn', tags: [tag], summary: "A customer's churn score, band, drivers and history", security,
    request: { params: IdParam }, responses: { ...jsonOk(CustomerChurn), ...errorResponses } }),
  async (c) => c.json(await customerChurn(c.get('ctx'), c.req.valid('param').id), 200))
  .openapi(createRoute({ method: 'get', path: '/churn/models', tags: [tag], summary: 'Churn model versions with their cards', security,
    responses: { ...jsonOk(z.object({ data: z.array(ModelOut) })), ...errorResponses } }),
  async (c) => c.json({ data: await listModels(c.get('ctx')) }, 200))
  .openapi(createRoute({ method: 'get', path: '/churn/models/{version}', tags: [tag], summary: 'One model version and its card', security,
    request: { params: VersionParam }, responses: { ...jsonOk(ModelOut), ...errorResponses } }),
  async (c) => {
    const ctx = c.get('ctx');
    const m = (await listModels(ctx)).find((r) => r.version === c.req.valid('param').version);
    if (!m) throw notFound('Churn model version');
    return c.json(m, 200);
  })
  .openapi(createRoute({ method: 'post', path: '/churn/models', tags: [tag], summary: 'Register a model version (checked against the feature list)', security,
    request: jsonBody(ModelIn), responses: { 201: { description: 'Created', content: { 'application/json': { schema: ModelOut } } }, ...errorResponses } }),
  async (c) => {
    const b = c.req.valid('json');
    const row = await registerModel(c.get('ctx'), { ...b, onnx: bytes(b.onnx), segmentsOnnx: b.segmentsOnnx ? bytes(b.segmentsOnnx) : null });
    return c.json(modelOut(row), 201);
  })
  .openapi(createRoute({ method: 'post', path: '/churn/models/{version}/activate', tags: [tag], summary: 'Make a version the active one (rollback = activate an older one)', security,
    request: { params: VersionParam }, responses: { ...jsonOk(ModelOut), ...errorResponses } }),
  async (c) => {
    return c.json(modelOut(await activateModel(c.get('ctx'), c.req.valid('param').version)), 200);
  });

