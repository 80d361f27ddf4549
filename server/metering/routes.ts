import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, IdParam, security } from '../lib/http';
import {
  IngestIn, IngestOut, MeterCreateIn, MeterOut, MeterPatchIn, MeteringErrorOut, MeteringErrorQuery, MonthlyOut, RollupIn, RollupOut,
  UsageOut, UsageQuery,
} from './schemas';
import { createMeter, getMeter, listMeters, updateMeter } from './meters';
import { eventsOf, ingestEvents } from './ingest';
import { listMeteringErrors, reprocessMeteringError } from './errors';
import { customerUsage } from './usage';
import { monthlyUsage, rollupRange } from './rollup';
import { MonthlyQuery } from './schemas';

const created = <T extends z.ZodType>(schema: T) => ({ 201: { description: 'Created', content: { 'application/json': { schema } } } });

export const meteringRoutes = newRouter()
  .openapi(createRoute({
    method: 'get', path: '/meters', tags: ['Metering'], summary: 'List meters', security,
    responses: { ...jsonOk(z.object({ data: z.array(MeterOut) })), 403: errorResponses[403] },
  }), async (c) => c.json({ data: await listMeters({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({
    method: 'get', path: '/meters/{id}', tags: ['Metering'], summary: 'Get a meter', security,
    request: { params: IdParam }, responses: { ...jsonOk(MeterOut), ...errorResponses },
  }), async (c) => c.json(await getMeter({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'post', path: '/meters', tags: ['Metering'], summary: 'Create a meter', security,
    request: jsonBody(MeterCreateIn), responses: { ...created(MeterOut), ...errorResponses },
  }), async (c) => c.json(await createMeter({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/meters/{id}', tags: ['Metering'], summary: 'Change a meter (aggregation and field only while it has no events)', security,
    request: { params: IdParam, ...jsonBody(MeterPatchIn) }, responses: { ...jsonOk(MeterOut), ...errorResponses, 409: errorResponses[422] },
  }), async (c) => c.json(await updateMeter({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'post', path: '/events', tags: ['Metering'], security,
    summary: 'Send usage events: one, or {events: [...]} up to 1000; per-event status accepted / duplicate / rejected',
    request: jsonBody(IngestIn), responses: { ...jsonOk(IngestOut), ...errorResponses },
  }), async (c) => c.json(await ingestEvents({ ctx: c.get('ctx'), events: eventsOf(c.req.valid('json')) }), 200))
  .openapi(createRoute({
    method: 'get', path: '/metering-errors', tags: ['Metering'], summary: 'Rejected usage events with the reason (미터링 오류 내역)', security,
    request: { query: MeteringErrorQuery },
    responses: { ...jsonOk(z.object({ data: z.array(MeteringErrorOut), total: z.number().int() })), 403: errorResponses[403] },
  }), async (c) => c.json(await listMeteringErrors({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'post', path: '/metering-errors/{id}/reprocess', tags: ['Metering'], security,
    summary: 'Run a rejected event through ingest again (after creating the missing customer or meter)',
    request: { params: IdParam },
    responses: {
      ...jsonOk(z.object({ result: z.enum(['accepted', 'duplicate', 'rejected']), error: MeteringErrorOut })), ...errorResponses,
      409: errorResponses[422],
    },
  }), async (c) => c.json(await reprocessMeteringError({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'get', path: '/customers/{id}/usage', tags: ['Metering'], security,
    summary: 'Per-meter usage of a customer over [from, to); the current calendar month (tenant time zone) by default',
    request: { params: IdParam, query: UsageQuery }, responses: { ...jsonOk(UsageOut), ...errorResponses },
  }), async (c) => c.json(await customerUsage({ ctx: c.get('ctx'), customerId: c.req.valid('param').id, query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/customers/{id}/usage/monthly', tags: ['Metering'], security,
    summary: 'Monthly usage per meter, counted from the events (the current month included); the last three months by default',
    request: { params: IdParam, query: MonthlyQuery }, responses: { ...jsonOk(MonthlyOut), ...errorResponses },
  }), async (c) => c.json(await monthlyUsage({ ctx: c.get('ctx'), customerId: c.req.valid('param').id, ...c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'post', path: '/usage/rollup', tags: ['Metering'], security,
    summary: 'Recompute the daily rollups for tenant-local days [from, to) (idempotent)',
    request: jsonBody(RollupIn), responses: { ...jsonOk(RollupOut), ...errorResponses },
  }), async (c) => c.json(await rollupRange({ ctx: c.get('ctx'), ...c.req.valid('json') }), 200));
