/** Endpoint functions of the collections module: outbound webhooks and wallets, typed by path. */
import { api } from './client';
import type { WebhookEndpointCreate } from './types';

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
};
