/** Dunning (미납 관리) endpoints, typed by path from the server's OpenAPI document. */
import { api, type ApiBody, type ApiResponse } from './client';

export type DunningBoard = ApiResponse<'get', '/dunning/board'>;
export type DunningBoardInvoice = DunningBoard['invoices'][number];
export type DunningExclusion = ApiResponse<'post', '/dunning/exclusions'>;
export type DunningSimulation = ApiResponse<'post', '/dunning/simulate'>;
export type DunningPreview = ApiResponse<'post', '/dunning/preview'>;
export type InvoiceDunning = ApiResponse<'get', '/dunning/invoices/{id}'>;
export type DunningPendingCharge = ApiResponse<'get', '/dunning/pending-charges'>['data'][number];

export const dunningApi = {
  board: (limit = 100) => api.get('/dunning/board', { query: { limit } }),
  simulate: (body: ApiBody<'post', '/dunning/simulate'>) => api.post('/dunning/simulate', { body }),
  preview: (body: ApiBody<'post', '/dunning/preview'>) => api.post('/dunning/preview', { body }),
  exclusions: (includeEnded: boolean) => api.get('/dunning/exclusions', { query: { includeEnded: includeEnded ? 'true' : 'false' } }),
  exclude: (body: ApiBody<'post', '/dunning/exclusions'>) => api.post('/dunning/exclusions', { body }),
  endExclusion: (id: string) => api.post('/dunning/exclusions/{id}/end', { path: { id } }),
  invoice: (id: string) => api.get('/dunning/invoices/{id}', { path: { id } }),
  control: (id: string, body: ApiBody<'put', '/dunning/invoices/{id}/control'>) => api.put('/dunning/invoices/{id}/control', { path: { id }, body }),
  /** One overdue invoice's fees (`sourceInvoiceId`) or a bill-to party's (`billTo`: the customer page). */
  pendingCharges: (query: { sourceInvoiceId?: string; billTo?: string }) => api.get('/dunning/pending-charges', { query }),
  waiveCharge: (id: string, reason: string) => api.post('/dunning/pending-charges/{id}/waive', { path: { id }, body: { reason } }),
  run: (date?: string) => api.post('/dunning/runs', { body: date ? { date } : {} }),
};
