/**
 * Endpoint functions of collections (수납): payments, refunds, payment methods per payer and the
 * sandbox gateway's simulated deposit. Types come from the server's OpenAPI document (schema.gen.ts).
 */
import { api, type ApiBody, type ApiQuery } from './client';
import type { components } from './schema.gen';

type S = components['schemas'];
export type Payment = S['Payment'];
export type PaymentDetail = S['PaymentDetail'];
export type PaymentMethod = S['PaymentMethod'];
export type PaymentCreate = ApiBody<'post', '/payments'>;
export type RefundCreate = ApiBody<'post', '/payments/{id}/refunds'>;
export type PaymentMethodCreate = ApiBody<'post', '/payers/{id}/payment-methods'>;
export type PaymentQuery = ApiQuery<'/payments'>;

export const paymentsApi = {
  list: (query: PaymentQuery) => api.get('/payments', { query }),
  get: (id: string) => api.get('/payments/{id}', { path: { id } }),
  record: (body: PaymentCreate) => api.post('/payments', { body }),
  refund: (id: string, body: RefundCreate) => api.post('/payments/{id}/refunds', { path: { id }, body }),
};

export const paymentMethodsApi = {
  list: (billTo: string) => api.get('/payers/{id}/payment-methods', { path: { id: billTo } }),
  add: (billTo: string, body: PaymentMethodCreate) => api.post('/payers/{id}/payment-methods', { path: { id: billTo }, body }),
  update: (id: string, body: ApiBody<'patch', '/payment-methods/{id}'>) => api.patch('/payment-methods/{id}', { path: { id }, body }),
  remove: (id: string) => api.del('/payment-methods/{id}', { path: { id } }),
  sandboxDeposit: (id: string, body: ApiBody<'post', '/payment-methods/{id}/sandbox-deposits'>) => api.post('/payment-methods/{id}/sandbox-deposits', { path: { id }, body }),
};
