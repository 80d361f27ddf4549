import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../../lib/http';
import { BankImportIn, BankImportOut, DepositDismissIn, DepositListQuery, DepositMatchIn, DepositOut } from './schemas';
import { getBankImport, listBankImports, startBankImport } from './imports';
import { dismissUnmatched, listDeposits, matchUnmatched } from './queue';

const tag = 'Collections: bank deposits';
const Paging = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20), offset: z.coerce.number().int().min(0).default(0) });

/** Mounted before /payments/{id} (server/payments/routes.ts) so "unmatched" and "bank-imports" are never taken for an id. */
export const depositRoutes = newRouter()
  .openapi(createRoute({ method: 'post', path: '/payments/bank-imports', tags: [tag], security,
    summary: 'Import a bank statement (입금 내역) as a job: deposits are matched to payers and recorded as payments, the rest queued; dryRun only plans',
    description: 'Column mapping, header detection and the matching order: server/payments/deposits/README.md. Answers 202 with the import; poll GET /payments/bank-imports/{id}.',
    request: jsonBody(BankImportIn),
    responses: { 202: { description: 'Accepted: the import runs as a job', content: { 'application/json': { schema: BankImportOut } } }, ...errorResponses } }),
  async (c) => {
    const imp = await startBankImport({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.json(imp, 202, { Location: `/api/v1/payments/bank-imports/${imp.id}` });
  })
  .openapi(createRoute({ method: 'get', path: '/payments/bank-imports', tags: [tag], summary: 'Bank-statement imports, newest first (without their plans)', security,
    request: { query: Paging }, responses: { ...jsonOk(z.object({ data: z.array(BankImportOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listBankImports({ ctx: c.get('ctx'), page: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/payments/bank-imports/{id}', tags: [tag], summary: 'A bank import: status, progress, counts, line problems and a dry run\'s plan', security,
    request: { params: IdParam }, responses: { ...jsonOk(BankImportOut), ...errorResponses } }),
  async (c) => c.json(await getBankImport({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'get', path: '/payments/unmatched', tags: [tag], summary: 'Deposits by status: the unmatched queue (default), or matched / dismissed ones', security,
    request: { query: DepositListQuery }, responses: { ...jsonOk(z.object({ data: z.array(DepositOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listDeposits({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'post', path: '/payments/unmatched/{id}/match', tags: [tag], summary: 'Match an unmatched deposit to a payer or an invoice: recorded as a payment and allocated', security,
    request: { params: IdParam, ...jsonBody(DepositMatchIn) }, responses: { ...jsonOk(DepositOut), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await matchUnmatched({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/payments/unmatched/{id}/dismiss', tags: [tag], summary: 'Dismiss an unmatched deposit with a reason (returned to the sender, not ours)', security,
    request: { params: IdParam, ...jsonBody(DepositDismissIn) }, responses: { ...jsonOk(DepositOut), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await dismissUnmatched({ ctx: c.get('ctx'), id: c.req.valid('param').id, reason: c.req.valid('json').reason }), 200));
