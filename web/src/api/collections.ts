/**
 * Endpoint functions of collections (수납): payments, refunds, payment methods per payer and the
 * sandbox gateway's simulated deposit; outbound webhook endpoints and wallets. Types come from the server's OpenAPI document (schema.gen.ts).
 */
import { api, type ApiBody, type ApiQuery } from './client';
import type { components } from './schema.gen';
import type { WebhookEndpointCreate } from './types';

type S = components['schemas'];
export type Payment = S['Payment'];
export type PaymentDetail = S['PaymentDetail'];
export type PaymentMethod = S['PaymentMethod'];
export type PaymentCreate = ApiBody<'post', '/payments'>;
export type RefundCreate = ApiBody<'post', '/payments/{id}/refunds'>;
export type PaymentMethodCreate = ApiBody<'post', '/payers/{id}/payment-methods'>;
export type PaymentQuery = ApiQuery<'/payments'>;
export type Gateway = S['Gateway'];
export type GatewayProvider = Gateway['provider'];
export type GatewayConnectionTest = S['GatewayConnectionTest'];
export type WalletGrant = ApiBody<'post', '/payers/{id}/wallets/{kind}/grants'>;
export type WalletTopUp = ApiBody<'post', '/payers/{id}/wallets/prepaid/top-ups'>;
export type WalletAdjustment = ApiBody<'post', '/wallets/{id}/adjustments'>;

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

export const webhooksApi = {
  list: () => api.get('/webhook-endpoints'),
  create: (input: WebhookEndpointCreate) => api.post('/webhook-endpoints', { body: input }),
  setStatus: (id: string, status: 'active' | 'disabled') => api.patch('/webhook-endpoints/{id}', { path: { id }, body: { status } }),
  deliveries: (id: string) => api.get('/webhook-endpoints/{id}/deliveries', { path: { id }, query: { limit: 100, offset: 0 } }),
  replay: (id: string, deliveryId: string) => api.post('/webhook-endpoints/{id}/deliveries/{deliveryId}/replay', { path: { id, deliveryId } }),
};

export const walletsApi = {
  ofPayer: (billTo: string) => api.get('/payers/{id}/wallets', { path: { id: billTo } }),
  entries: (id: string) => api.get('/wallets/{id}/entries', { path: { id }, query: { limit: 100, offset: 0 } }),
  grant: (billTo: string, kind: 'prepaid' | 'points', body: WalletGrant) => api.post('/payers/{id}/wallets/{kind}/grants', { path: { id: billTo, kind }, body }),
  topUp: (billTo: string, body: WalletTopUp) => api.post('/payers/{id}/wallets/prepaid/top-ups', { path: { id: billTo }, body }),
  adjust: (id: string, body: WalletAdjustment) => api.post('/wallets/{id}/adjustments', { path: { id }, body }),
};

/** Gateway settings: credentials are write-only (the answer names keys and their last 4 characters). */
export const gatewaysApi = {
  list: () => api.get('/gateways'),
  setCredentials: (provider: GatewayProvider, credentials: Record<string, string>) => api.put('/gateways/{provider}', { path: { provider }, body: { credentials } }),
  removeCredentials: (provider: GatewayProvider) => api.del('/gateways/{provider}', { path: { provider } }),
  setEnabled: (provider: GatewayProvider, enabled: boolean) => api.patch('/gateways/{provider}', { path: { provider }, body: { enabled } }),
  test: (provider: GatewayProvider) => api.post('/gateways/{provider}/connection-tests', { path: { provider } }),
};
