import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { createEndpoint, listDeliveries, listEndpoints, replayDelivery, updateEndpoint, EVENT_PATTERNS } from './endpoints';

const tag = 'Webhooks (outbound)';
const EndpointOut = z.object({
  id: z.string(), url: z.string(), description: z.string().nullable(), eventTypes: z.array(z.string()), status: z.enum(['active', 'disabled']),
  disabledReason: z.string().nullable(), secretHint: z.string(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('WebhookEndpoint');
const EndpointIn = z.object({
  url: z.string().max(2000).openapi({ example: 'https://example.com/billwise-webhooks' }),
  description: z.string().max(500).nullable().optional(),
  eventTypes: z.array(z.enum(EVENT_PATTERNS)).min(1).max(EVENT_PATTERNS.length),
}).openapi('WebhookEndpointCreate');
const EndpointPatch = EndpointIn.partial().extend({ status: z.enum(['active', 'disabled']).optional() }).openapi('WebhookEndpointPatch');
const DeliveryOut = z.object({
  id: z.string(), eventId: z.string(), eventType: z.string(), attempt: z.number().int(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable(), createdAt: z.string(),
}).openapi('WebhookDelivery');
const Page = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) });
const DeliveryParams = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }), deliveryId: z.string().uuid().openapi({ param: { name: 'deliveryId', in: 'path' } }) });

export const webhookRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/webhook-endpoints', tags: [tag], summary: 'Endpoints that receive signed events', security,
    responses: { ...jsonOk(z.object({ data: z.array(EndpointOut) })), ...errorResponses } }),
  async (c) => c.json(await listEndpoints({ ctx: c.get('ctx') }), 200))
  .openapi(createRoute({ method: 'post', path: '/webhook-endpoints', tags: [tag], summary: 'Register an endpoint; the answer carries its signing secret, shown once', security,
    request: jsonBody(EndpointIn), responses: { 201: { description: 'Created', content: { 'application/json': { schema: EndpointOut.extend({ secret: z.string() }) } } }, ...errorResponses } }),
  async (c) => c.json(await createEndpoint({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'patch', path: '/webhook-endpoints/{id}', tags: [tag], summary: 'Change an endpoint, or enable/disable it', security,
    request: { params: IdParam, ...jsonBody(EndpointPatch) }, responses: { ...jsonOk(EndpointOut), ...errorResponses } }),
  async (c) => c.json(await updateEndpoint({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'get', path: '/webhook-endpoints/{id}/deliveries', tags: [tag], summary: 'The delivery log: each attempt with its status code and duration, newest first', security,
    request: { params: IdParam, query: Page }, responses: { ...jsonOk(z.object({ data: z.array(DeliveryOut) })), ...errorResponses } }),
  async (c) => c.json(await listDeliveries({ ctx: c.get('ctx'), id: c.req.valid('param').id, page: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'post', path: '/webhook-endpoints/{id}/deliveries/{deliveryId}/replay', tags: [tag], summary: 'Send that delivery\'s event again', security,
    request: { params: DeliveryParams }, responses: { 202: { description: 'Queued', content: { 'application/json': { schema: z.object({ eventId: z.string(), queued: z.boolean() }) } } }, ...errorResponses } }),
  async (c) => { const p = c.req.valid('param'); return c.json(await replayDelivery({ ctx: c.get('ctx'), id: p.id, deliveryId: p.deliveryId }), 202); });
