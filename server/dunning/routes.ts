import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { BoardOut, BoardQuery, ControlIn, ControlOut, ExclusionIn, ExclusionListQuery, ExclusionOut, InvoiceDunningOut, PreviewIn, PreviewOut, RunIn, RunOut, SimulateIn, SimulateOut, PendingChargeOut, PendingChargeQuery, WaiveIn } from './schemas';
import { listPendingCharges, waivePendingCharge } from './waive-fee';
import { dunningBoard } from './board';
import { previewPolicy, simulatePolicy } from './simulate';
import { createExclusion, endExclusion, listExclusions } from './exclusions';
import { invoiceDunning, setControl } from './invoice-dunning';
import { startDunningRun } from './job';

const tag = 'Collections: dunning';
const created = <T extends z.ZodType>(schema: T) => ({ 201: { description: 'Created', content: { 'application/json': { schema } } } });

export const dunningRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/dunning/board', tags: [tag], summary: 'Dunning board: stages, A/R aging per currency, recovery per step, next action per invoice', security,
    request: { query: BoardQuery }, responses: { ...jsonOk(BoardOut), ...errorResponses } }),
  async (c) => c.json(await dunningBoard({ ctx: c.get('ctx'), limit: c.req.valid('query').limit }), 200))
  .openapi(createRoute({ method: 'post', path: '/dunning/simulate', tags: [tag], summary: 'What a draft (or the published) policy would do to the invoices overdue now, per day', security,
    request: jsonBody(SimulateIn), responses: { ...jsonOk(SimulateOut), ...errorResponses } }),
  async (c) => c.json(await simulatePolicy({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/dunning/preview', tags: [tag], summary: 'Timeline preview: what a sample invoice unpaid from day 0 gets under a policy', security,
    request: jsonBody(PreviewIn), responses: { ...jsonOk(PreviewOut), ...errorResponses } }),
  async (c) => c.json(await previewPolicy({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'get', path: '/dunning/exclusions', tags: [tag], summary: 'Exclusions (미납 제외 대상): customers and payers exempt from dunning', security,
    request: { query: ExclusionListQuery }, responses: { ...jsonOk(z.object({ data: z.array(ExclusionOut) })), ...errorResponses } }),
  async (c) => c.json(await listExclusions({ ctx: c.get('ctx'), includeEnded: c.req.valid('query').includeEnded === 'true' }), 200))
  .openapi(createRoute({ method: 'post', path: '/dunning/exclusions', tags: [tag], summary: 'Exclude a customer or a payer from dunning, with a reason and an optional date range', security,
    request: jsonBody(ExclusionIn), responses: { ...created(ExclusionOut), ...errorResponses } }),
  async (c) => c.json(await createExclusion({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'post', path: '/dunning/exclusions/{id}/end', tags: [tag], summary: 'Lift an exclusion (kept for the record)', security,
    request: { params: IdParam }, responses: { ...jsonOk(ExclusionOut), ...errorResponses } }),
  async (c) => c.json(await endExclusion({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'get', path: '/dunning/invoices/{id}', tags: [tag], summary: "An invoice's dunning: timeline of every decision, steps taken, manual controls", security,
    request: { params: IdParam }, responses: { ...jsonOk(InvoiceDunningOut), ...errorResponses } }),
  async (c) => c.json(await invoiceDunning({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'put', path: '/dunning/invoices/{id}/control', tags: [tag], summary: 'Pause dunning for an invoice or record a promise-to-pay date', security,
    request: { params: IdParam, ...jsonBody(ControlIn) }, responses: { ...jsonOk(ControlOut), ...errorResponses } }),
  async (c) => c.json(await setControl({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/dunning/runs', tags: [tag], summary: 'Start the dunning run by hand (a job; idempotent per invoice and step)', security,
    request: jsonBody(RunIn), responses: { 202: { description: 'Queued', content: { 'application/json': { schema: RunOut } } }, ...errorResponses } }),
  async (c) => c.json(await startDunningRun({ ctx: c.get('ctx'), date: c.req.valid('json').date }), 202))
  .openapi(createRoute({ method: 'get', path: '/dunning/pending-charges', tags: [tag], summary: 'Late fees charged on the next invoice: pending, billed, reversed or waived', security,
    request: { query: PendingChargeQuery }, responses: { ...jsonOk(z.object({ data: z.array(PendingChargeOut) })), ...errorResponses } }),
  async (c) => c.json(await listPendingCharges({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'post', path: '/dunning/pending-charges/{id}/waive', tags: [tag], summary: 'Waive a pending late fee by hand, with a reason (it is never billed)', security,
    request: { params: IdParam, ...jsonBody(WaiveIn) }, responses: { ...jsonOk(PendingChargeOut), ...errorResponses } }),
  async (c) => c.json(await waivePendingCharge({ ctx: c.get('ctx'), id: c.req.valid('param').id, reason: c.req.valid('json').reason }), 200));
