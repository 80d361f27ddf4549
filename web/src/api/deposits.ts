/**
 * Endpoint functions of bank deposits (입금 처리): bank-statement imports (jobs polled until they
 * end) and the unmatched-deposit queue. Types come from the server's OpenAPI document (schema.gen.ts).
 */
import { api, type ApiBody, type ApiQuery } from './client';
import type { components } from './schema.gen';

type S = components['schemas'];
export type BankImport = S['BankImport'];
export type BankImportCreate = ApiBody<'post', '/payments/bank-imports'>;
export type BankDeposit = S['BankDeposit'];
export type DepositQuery = ApiQuery<'/payments/unmatched'>;

export const depositsApi = {
  startImport: (body: BankImportCreate) => api.post('/payments/bank-imports', { body }),
  getImport: (id: string) => api.get('/payments/bank-imports/{id}', { path: { id } }),
  listImports: () => api.get('/payments/bank-imports', { query: { limit: 10, offset: 0 } }),
  list: (query: DepositQuery) => api.get('/payments/unmatched', { query }),
  match: (id: string, body: ApiBody<'post', '/payments/unmatched/{id}/match'>) => api.post('/payments/unmatched/{id}/match', { path: { id }, body }),
  dismiss: (id: string, reason: string) => api.post('/payments/unmatched/{id}/dismiss', { path: { id }, body: { reason } }),
};
