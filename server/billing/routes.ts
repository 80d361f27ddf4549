import { createRoute, z } from '@hono/zod-openapi';
import { isoDate, paging } from '../lib/schemas';
import { streamSSE } from 'hono/streaming';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { createBillRun } from './bill-run-create';
import { getBillRun, listBillRuns } from './bill-run-queries';
import { listGroups, upsertGroup } from './bill-run-groups';
import { rebillInvoice } from './rebill';
import { NOTE_TEMPLATES } from './payer-notes';

const NOTE_CODES = Object.keys(NOTE_TEMPLATES) as [keyof typeof NOTE_TEMPLATES, ...(keyof typeof NOTE_TEMPLATES)[]];

const tag = 'Billing: bill runs';
const BillRunOut = z.object({
  id: z.string(), groupCode: z.string().nullable(), periodStart: z.string(), periodEnd: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']), dryRun: z.boolean(),
  progress: z.object({ totalPayers: z.number().int(), processedPayers: z.number().int(), failedPayers: z.number().int(), percent: z.number().int() }),
  billsCreated: z.number().int(), invoicesCreated: z.number().int(), outcomes: z.record(z.string(), z.number().int()),
  totals: z.record(z.string(), z.object({ invoices: z.number().int(), total: z.string() })),
  newTotals: z.record(z.string(), z.object({ invoices: z.number().int(), total: z.string() })).openapi({ description: 'Like totals, but only the invoices this run creates (a dry run: would create); the estimate a real run is confirmed with' }),
  error: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  payers: z.array(z.object({ billTo: z.string(), outcome: z.string(), invoiceId: z.string().nullable(), currency: z.string().nullable(), total: z.string().nullable(), bills: z.number().int(), error: z.string().nullable().openapi({ description: 'The notes in English, joined by "; " (kept for compatibility; the console words `notes`)' }),
    notes: z.array(z.object({
      code: z.enum([...NOTE_CODES, 'other']).openapi({ description: 'server/billing/payer-notes.ts; `other` carries the text (a failed payer\'s error)' }),
      params: z.record(z.string(), z.string()),
    }).openapi('BillRunPayerNote')) })).optional(),
}).openapi('BillRun');
const GroupOut = z.object({ id: z.string(), code: z.string(), name: z.string(), cycleDay: z.number().int(), mode: z.string() }).openapi('BillRunGroup');

export const billingRoutes = newRouter()
  .openapi(createRoute({ method: 'post', path: '/bill-runs', tags: [tag],
    summary: 'Start a bill run for a period (default: the last closed period of the group, in the tenant time zone); the worker processes it in chunks of payers', security,
    request: jsonBody(z.object({ groupCode: z.string().min(1).optional(), periodStart: isoDate.optional(), periodEnd: isoDate.optional(), dryRun: z.boolean().default(false), chunkSize: z.number().int().min(1).max(5000).optional(),
      allowOpenPeriod: z.boolean().default(false).openapi({ description: 'A real run of a period that has not ended yet (tenant time zone) is refused (422 at allowOpenPeriod) unless this is true' }) })),
    responses: { 202: { description: 'Queued', content: { 'application/json': { schema: BillRunOut } } }, ...errorResponses } }),
  async (c) => c.json(await createBillRun({ ctx: c.get('ctx'), input: c.req.valid('json') }), 202))
  .openapi(createRoute({ method: 'get', path: '/bill-runs', tags: [tag], summary: 'Bill runs, newest first', security,
    request: { query: z.object(paging(200)) },
    responses: { ...jsonOk(z.object({ data: z.array(BillRunOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listBillRuns({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/bill-runs/{id}', tags: [tag], summary: 'A bill run: progress counters, totals, per-payer outcomes (dry run: what would be invoiced)', security,
    request: { params: IdParam }, responses: { ...jsonOk(BillRunOut), ...errorResponses } }),
  async (c) => c.json(await getBillRun({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'get', path: '/bill-runs/{id}/events', tags: [tag], summary: 'Server-sent events: `progress` until the run is completed or failed, then `done`', security,
    request: { params: IdParam }, responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses } }),
  async (c) => {
    const ctx = c.get('ctx');
    const id = c.req.valid('param').id;
    await getBillRun({ ctx, id }); // 404 before the stream opens
    return streamSSE(c, async (stream) => {
      let n = 0;
      for (;;) {
        const run = await getBillRun({ ctx, id });
        const { payers: _omit, ...summary } = run;
        const finished = run.status === 'completed' || run.status === 'failed';
        await stream.writeSSE({ event: finished ? 'done' : 'progress', id: String(n++), data: JSON.stringify(summary) });
        if (finished || stream.aborted) return;
        await stream.sleep(500);
      }
    });
  })
  .openapi(createRoute({ method: 'post', path: '/invoices/{id}/rebill', tags: [tag],
    summary: "Bill a void invoice's payer and period again: releases its bills and bills them into a new draft (next sequence), audited", security,
    request: { params: IdParam },
    responses: { ...jsonOk(z.object({ billRun: BillRunOut, invoiceId: z.string().nullable().openapi({ description: 'The new draft; null when nothing was due' }) }).openapi('Rebill')), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await rebillInvoice({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'get', path: '/bill-run-groups', tags: [tag], summary: 'Bill-run groups (배치 그룹)', security,
    responses: { ...jsonOk(z.object({ data: z.array(GroupOut) })), ...errorResponses } }),
  async (c) => c.json({ data: await listGroups({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({ method: 'put', path: '/bill-run-groups/{code}', tags: [tag], summary: 'Create or update a bill-run group', security,
    request: { params: z.object({ code: z.string().min(1).max(50).regex(/^[\w-]+$/, 'letters, digits, _ or -').openapi({ param: { name: 'code', in: 'path' } }) }),
      ...jsonBody(z.object({ name: z.string().min(1).max(200), cycleDay: z.number().int().min(1).max(28), mode: z.enum(['calendar', 'anniversary']).optional().openapi({ description: 'calendar (default on create: periods start on cycleDay) or anniversary (each subscription on its own start day, run per calendar month); kept when omitted' }) })) },
    responses: { ...jsonOk(GroupOut), ...errorResponses } }),
  async (c) => c.json(await upsertGroup({ ctx: c.get('ctx'), input: { code: c.req.valid('param').code, ...c.req.valid('json') } }), 200));
