import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, IdParam, security } from '../lib/http';
import { ServiceError } from '../lib/errors';
import {
  ContractCreateIn, ContractListQuery, ContractOut, ContractPatchIn, CustomerCreateIn, CustomerListQuery, CustomerOut, CustomerPatchIn,
  PayerCreateIn, PayerListQuery, PayerOut, PayerPatchIn,
} from './schemas';
import { createCustomer, getCustomer, listCustomers, updateCustomer } from './customers';
import { createPayer, getPayer, listPayers, updatePayer } from './payers';
import { createContract, getContract, listContracts, updateContract } from './contracts';
import { exportCustomers } from './csv-io';
import { getImport, importCustomers, importOut, MAX_IMPORT_ROWS, SYNC_IMPORT_ROWS } from './imports';

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), total: z.number().int() });
const created = <T extends z.ZodType>(schema: T) => ({ 201: { description: 'Created', content: { 'application/json': { schema } } } });

const CustomerImport = z.object({
  id: z.string(),
  status: z.enum(['queued', 'validating', 'applying', 'done', 'invalid', 'failed'])
    .openapi({ description: 'invalid: row problems, nothing stored (a dry run with problems is done, with errors)' }),
  dryRun: z.boolean(), rows: z.number().int(),
  processed: z.number().int().openapi({ description: 'rows validated (validating) or applied (applying) so far' }),
  created: z.number().int(), updated: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), field: z.string().nullable(), message: z.string() })),
  error: z.string().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
}).openapi('CustomerImport');

export const customerRoutes = newRouter()
  // Registered before /customers/{id} so "export" and "import" are never taken for an id.
  .openapi(createRoute({
    method: 'get', path: '/customers/export', tags: ['Customers'], summary: 'All customers as CSV (UTF-8 with BOM)', security,
    responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, 403: errorResponses[403] },
  }), async (c) => {
    const csv = await exportCustomers({ ctx: c.get('ctx') });
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="customers.csv"' });
  })
  .openapi(createRoute({
    method: 'post', path: '/customers/import', tags: ['Customers'], security,
    summary: 'Import customers from CSV (upsert by externalId) as a job; dryRun=true only reports',
    description: 'Body: text/csv, or JSON {"csv": "..."}; at most ' + MAX_IMPORT_ROWS + ' rows (more is a 422 at `csv`). '
      + 'The file runs as a job in chunks, so other requests are served meanwhile. Files up to ' + SYNC_IMPORT_ROWS + ' rows (or any, '
      + 'with wait=true) are answered when done: a dry run 200 with every bad row (line and column), a real import 200 with the counts, '
      + 'or 422 with all row problems (issues[].line/field) and nothing stored. Larger files (or wait=false, or an Idempotency-Key) '
      + 'answer 202 with the import and a Location to poll (GET /customers/imports/{id}).',
    request: {
      query: z.object({ dryRun: z.enum(['true', 'false']).default('false'), wait: z.enum(['true', 'false']).optional() }),
      // Only text/csv is declared: declaring JSON too would make the validator demand JSON from a CSV
      // upload. A JSON body {"csv": "..."} is read by the handler below.
      body: { content: { 'text/csv': { schema: z.string() } }, required: true },
    },
    responses: {
      ...jsonOk(CustomerImport, 'The import ended'),
      202: { description: 'Accepted: the import runs as a job; poll the Location', content: { 'application/json': { schema: CustomerImport } } },
      ...errorResponses,
    },
  }), async (c) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let csv: string;
    if (type.startsWith('application/json')) {
      const body = await c.req.json().catch(() => null);
      if (!body || typeof body.csv !== 'string') throw new ServiceError('VALIDATION_FAILED', 'csv: expected the file as a string', [{ path: 'csv', message: 'expected the file as a string' }]);
      csv = body.csv;
    } else csv = await c.req.text();
    const { wait, dryRun } = c.req.valid('query');
    const r = await importCustomers({ ctx: c.get('ctx'), csv, dryRun: dryRun === 'true', wait: wait === undefined ? undefined : wait === 'true' });
    if (r.status === 202) return c.json(r.body, 202, { Location: `/api/v1/customers/imports/${r.body.id}` });
    return c.json(r.body, 200);
  })
  .openapi(createRoute({
    method: 'get', path: '/customers/imports/{id}', tags: ['Customers'], summary: 'An import: status, progress, counts and row problems', security,
    request: { params: IdParam }, responses: { ...jsonOk(CustomerImport), ...errorResponses },
  }), async (c) => c.json(importOut(await getImport({ ctx: c.get('ctx'), id: c.req.valid('param').id })), 200))
  .openapi(createRoute({
    method: 'get', path: '/customers', tags: ['Customers'], summary: 'List customers (search, filters, pagination)', security,
    request: { query: CustomerListQuery }, responses: { ...jsonOk(page(CustomerOut)), 403: errorResponses[403], 422: errorResponses[422] },
  }), async (c) => c.json(await listCustomers({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/customers/{id}', tags: ['Customers'], summary: 'Get a customer with contacts', security,
    request: { params: IdParam }, responses: { ...jsonOk(CustomerOut), ...errorResponses },
  }), async (c) => c.json(await getCustomer({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'post', path: '/customers', tags: ['Customers'], summary: 'Create a customer (optionally with its payer)', security,
    request: jsonBody(CustomerCreateIn), responses: { ...created(CustomerOut), ...errorResponses },
  }), async (c) => c.json(await createCustomer({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/customers/{id}', tags: ['Customers'], summary: 'Change a customer (contacts, when given, replace the list)', security,
    request: { params: IdParam, ...jsonBody(CustomerPatchIn) }, responses: { ...jsonOk(CustomerOut), ...errorResponses },
  }), async (c) => c.json(await updateCustomer({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/payers', tags: ['Customers'], summary: 'List payers (납부자)', security,
    request: { query: PayerListQuery }, responses: { ...jsonOk(page(PayerOut)), 403: errorResponses[403] },
  }), async (c) => c.json(await listPayers({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/payers/{id}', tags: ['Customers'], summary: 'Get a payer', security,
    request: { params: IdParam }, responses: { ...jsonOk(PayerOut), ...errorResponses },
  }), async (c) => c.json(await getPayer({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'post', path: '/payers', tags: ['Customers'], summary: 'Create a payer', security,
    request: jsonBody(PayerCreateIn), responses: { ...created(PayerOut), ...errorResponses },
  }), async (c) => c.json(await createPayer({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/payers/{id}', tags: ['Customers'], summary: 'Change a payer', security,
    request: { params: IdParam, ...jsonBody(PayerPatchIn) }, responses: { ...jsonOk(PayerOut), ...errorResponses },
  }), async (c) => c.json(await updatePayer({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/contracts', tags: ['Customers'], summary: 'List contracts (계약)', security,
    request: { query: ContractListQuery }, responses: { ...jsonOk(page(ContractOut)), 403: errorResponses[403] },
  }), async (c) => c.json(await listContracts({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({
    method: 'get', path: '/contracts/{id}', tags: ['Customers'], summary: 'Get a contract', security,
    request: { params: IdParam }, responses: { ...jsonOk(ContractOut), ...errorResponses },
  }), async (c) => c.json(await getContract({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({
    method: 'post', path: '/contracts', tags: ['Customers'], summary: 'Create a contract', security,
    request: jsonBody(ContractCreateIn), responses: { ...created(ContractOut), ...errorResponses },
  }), async (c) => c.json(await createContract({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({
    method: 'patch', path: '/contracts/{id}', tags: ['Customers'], summary: 'Change a contract', security,
    request: { params: IdParam, ...jsonBody(ContractPatchIn) }, responses: { ...jsonOk(ContractOut), ...errorResponses },
  }), async (c) => c.json(await updateContract({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200));
