import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { recordPayment, recordPayments } from './record-payment';
import { listPayments } from './list-payments';
import { getPayment } from './get-payment';
import { refundPayment } from './refund-payment';
import { depositRoutes } from './deposits/routes';
import { PaymentBatchIn, PaymentDetail, PaymentIn, PaymentListQuery, PaymentOut, RefundIn } from './schemas';

const tag = 'Collections: payments';
const created = <T extends z.ZodType>(schema: T) => ({ 201: { description: 'Created', content: { 'application/json': { schema } } } });

export const paymentRoutes = newRouter()
  // Bank imports and the unmatched queue first: /payments/unmatched is not a /payments/{id}.
  .route('/', depositRoutes)
  .openapi(createRoute({ method: 'post', path: '/payments', tags: [tag], summary: 'Record a payment received (수납 처리): allocated to open invoices, the rest to prepaid balance', security,
    request: jsonBody(PaymentIn), responses: { ...created(PaymentDetail), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await recordPayment({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'post', path: '/payments/batch', tags: [tag],
    summary: 'Record up to 1,000 payments at once (a CMS auto-debit result, a day of transfers): all or none, each allocated as POST /payments allocates, in order',
    description: 'A bad field anywhere is a 422 naming payments[k].<field>, and nothing is stored. Send an Idempotency-Key to retry safely; a providerRef already recorded is a 409.',
    security, request: jsonBody(PaymentBatchIn), responses: { ...created(z.object({ data: z.array(PaymentOut) })), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await recordPayments({ ctx: c.get('ctx'), inputs: c.req.valid('json').payments }), 201))
  .openapi(createRoute({ method: 'get', path: '/payments', tags: [tag], summary: 'List payments (filters: billTo, status, method, received date range)', security,
    request: { query: PaymentListQuery }, responses: { ...jsonOk(z.object({ data: z.array(PaymentOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listPayments({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/payments/{id}', tags: [tag], summary: 'A payment with its allocations and refunds', security,
    request: { params: IdParam }, responses: { ...jsonOk(PaymentDetail), ...errorResponses } }),
  async (c) => c.json(await getPayment({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'post', path: '/payments/{id}/refunds', tags: [tag], summary: 'Refund a payment, fully or partly, to its provider or to prepaid balance', security,
    request: { params: IdParam, ...jsonBody(RefundIn) }, responses: { ...created(PaymentDetail), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await refundPayment({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 201));
