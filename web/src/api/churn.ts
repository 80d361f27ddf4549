/** Churn prediction endpoints (server/churn/README.md), typed by path from the server's OpenAPI document. */
import { api, type ApiQuery, type ApiResponse } from './client';

export type ChurnAtRisk = ApiResponse<'get', '/analytics/churn'>;
export type ChurnAtRiskRow = ChurnAtRisk['data'][number];
export type CustomerChurn = ApiResponse<'get', '/customers/{id}/churn'>;
export type ChurnDriver = ChurnAtRiskRow['drivers'][number];
export type ChurnModel = ApiResponse<'get', '/churn/models/{version}'>;
export type ChurnBand = ChurnAtRiskRow['band'];
export type ChurnRealised = ApiResponse<'get', '/analytics/churn/realised'>;
export type ChurnRealisedMonth = ChurnRealised['months'][number];

export const churnApi = {
  atRisk: (query: ApiQuery<'/analytics/churn'>) => api.get('/analytics/churn', { query }),
  customer: (id: string) => api.get('/customers/{id}/churn', { path: { id } }),
  score: (customerIds?: string[]) => api.post('/analytics/churn/score', { body: customerIds ? { customerIds } : {} }),
  realised: (query: ApiQuery<'/analytics/churn/realised'> = {}) => api.get('/analytics/churn/realised', { query }),
  models: () => api.get('/churn/models'),
  activate: (version: number) => api.post('/churn/models/{version}/activate', { path: { version } }),
};
