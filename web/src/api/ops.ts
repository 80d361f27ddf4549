/**
 * Endpoint functions of the operations modules, typed by path: customers (고객, 납부자, 계약),
 * orders and subscriptions (오더, 서비스), metering (미터링), bill runs (정기 요금 계산), invoices
 * (청구) and analytics (통계). Amounts are decimal strings: the console formats them with useMoney
 * and never does arithmetic on them.
 */
import { api, type ApiBody, type ApiQuery } from './client';
import type {
  BillRunInput, ContractCreate, ContractPatch, CreditNote, CustomerCreate, CustomerPatch, CustomerQuery, InvoiceDetail,
  InvoiceQuery, MeterCreate, MeterPatch, OrderCreate, OrderStatus, PayerCreate, PayerPatch, PlanEntry,
} from './types';

export type { Decimal, InvoiceLine, TraceEntry, Bill, DocumentVersions } from './documents';
export type {
  Address, BillRun, BillRunGroup, BillRunInput, BillRunPayer, BillRunStatus, Contact, Contract, ContractCreate, ContractPatch,
  ContractStatus, CreditNote, Customer, CustomerCreate, CustomerMonthlyUsage, CustomerPatch, CustomerQuery, CustomerStatus,
  CustomerType, CustomerUsage, Dashboard, ImportResult, ImportRowError, Invoice, InvoiceDetail, InvoiceQuery, InvoiceStatus,
  Meter, MeterAggregation, MeterCreate, MeterPatch, MeterUsage, MeteringError, MeteringErrorStatus, CustomerSort, PlanEntry, MoneyPoint, Order, OrderCreate, OrderItem,
  OrderStatus, Paged, Payer, PayerCreate, PayerPatch, PaymentMethodType, Phase, Subscription, SubscriptionStatus,
} from './types';

/** Quantity keys a plan asks for (its `quantity` components). */
export function quantityKeys(plan: PlanEntry | undefined): string[] {
  const comps = plan?.document?.components ?? [];
  return [...new Set(comps.filter((c) => c.type === 'quantity').map((c) => c.quantityKey ?? c.code))];
}

/** The plans a picker offers (the catalog's plan list, documents typed). */
export { plansApi } from './catalog';

export const customersApi = {
  list: (query: CustomerQuery) => api.get('/customers', { query }),
  get: (id: string) => api.get('/customers/{id}', { path: { id } }),
  create: (body: CustomerCreate) => api.post('/customers', { body }),
  update: (id: string, body: CustomerPatch) => api.patch('/customers/{id}', { path: { id }, body }),
  /** Starts an import job and answers at once (202); poll `importStatus` for progress and the result. */
  importCsv: (csv: string, dryRun: boolean) =>
    api.post('/customers/import', { query: { dryRun: dryRun ? 'true' : 'false', wait: 'false' }, raw: { contentType: 'text/csv; charset=utf-8', text: csv } }),
  importStatus: (id: string) => api.get('/customers/imports/{id}', { path: { id } }),
  exportUrl: () => api.url('/customers/export'),
  usage: (id: string, query: ApiQuery<'/customers/{id}/usage'> = {}) => api.get('/customers/{id}/usage', { path: { id }, query }),
  usageMonthly: (id: string, query: ApiQuery<'/customers/{id}/usage/monthly'> = {}) =>
    api.get('/customers/{id}/usage/monthly', { path: { id }, query }),
};

export const payersApi = {
  list: (query: ApiQuery<'/payers'>) => api.get('/payers', { query }),
  get: (id: string) => api.get('/payers/{id}', { path: { id } }),
  create: (body: PayerCreate) => api.post('/payers', { body }),
  update: (id: string, body: PayerPatch) => api.patch('/payers/{id}', { path: { id }, body }),
};

export const contractsApi = {
  list: (query: ApiQuery<'/contracts'>) => api.get('/contracts', { query }),
  create: (body: ContractCreate) => api.post('/contracts', { body }),
  update: (id: string, body: ContractPatch) => api.patch('/contracts/{id}', { path: { id }, body }),
};

export const ordersApi = {
  list: (query: ApiQuery<'/orders'>) => api.get('/orders', { query }),
  get: (id: string) => api.get('/orders/{id}', { path: { id } }),
  create: (body: OrderCreate) => api.post('/orders', { body }),
  setStatus: (id: string, status: OrderStatus, billingStartDate?: string) =>
    api.post('/orders/{id}/status', { path: { id }, body: billingStartDate ? { status, billingStartDate } : { status } }),
};

export const subscriptionsApi = {
  list: (query: ApiQuery<'/subscriptions'>) => api.get('/subscriptions', { query }),
  get: (id: string) => api.get('/subscriptions/{id}', { path: { id } }),
  changePlan: (id: string, body: ApiBody<'post', '/subscriptions/{id}/change-plan'>) =>
    api.post('/subscriptions/{id}/change-plan', { path: { id }, body }),
  quantities: (id: string, body: ApiBody<'post', '/subscriptions/{id}/quantities'>) =>
    api.post('/subscriptions/{id}/quantities', { path: { id }, body }),
  pause: (id: string, effectiveDate?: string) => api.post('/subscriptions/{id}/pause', { path: { id }, body: effectiveDate ? { effectiveDate } : {} }),
  resume: (id: string, effectiveDate?: string) => api.post('/subscriptions/{id}/resume', { path: { id }, body: effectiveDate ? { effectiveDate } : {} }),
  cancel: (id: string, body: ApiBody<'post', '/subscriptions/{id}/cancel'>) => api.post('/subscriptions/{id}/cancel', { path: { id }, body }),
};

export const metersApi = {
  list: () => api.get('/meters'),
  create: (body: MeterCreate) => api.post('/meters', { body }),
  update: (id: string, body: MeterPatch) => api.patch('/meters/{id}', { path: { id }, body }),
};

export const meteringErrorsApi = {
  list: (query: ApiQuery<'/metering-errors'>) => api.get('/metering-errors', { query }),
  reprocess: (id: string) => api.post('/metering-errors/{id}/reprocess', { path: { id } }),
};

export const billRunsApi = {
  groups: () => api.get('/bill-run-groups'),
  saveGroup: (code: string, body: ApiBody<'put', '/bill-run-groups/{code}'>) => api.put('/bill-run-groups/{code}', { path: { code }, body }),
  list: (query: ApiQuery<'/bill-runs'>) => api.get('/bill-runs', { query }),
  get: (id: string) => api.get('/bill-runs/{id}', { path: { id } }),
  start: (body: BillRunInput) => api.post('/bill-runs', { body }),
  eventsUrl: (id: string) => api.url('/bill-runs/{id}/events', { id }),
};

// GET /invoices/{id} declares lines, trace and bills `unknown`: InvoiceDetail types them (types.ts).
type Detail = Promise<InvoiceDetail>;
export const invoicesApi = {
  list: (query: InvoiceQuery) => api.get('/invoices', { query }),
  get: (id: string) => api.get('/invoices/{id}', { path: { id } }) as Detail,
  update: (id: string, body: ApiBody<'patch', '/invoices/{id}'>) => api.patch('/invoices/{id}', { path: { id }, body }) as Detail,
  finalize: (id: string) => api.post('/invoices/{id}/finalize', { path: { id } }) as Detail,
  markPaid: (id: string) => api.post('/invoices/{id}/mark-paid', { path: { id } }) as Detail,
  markPaymentFailed: (id: string) => api.post('/invoices/{id}/mark-payment-failed', { path: { id } }) as Detail,
  void: (id: string) => api.post('/invoices/{id}/void', { path: { id } }) as Detail,
  /** A void invoice's payer and period billed again: the new draft's id (null: nothing due). */
  rebill: (id: string) => api.post('/invoices/{id}/rebill', { path: { id } }),
  /** Finalize or send several invoices; each succeeds or fails on its own (see the result). */
  bulk: (action: 'finalize' | 'send', ids: string[]) => api.post('/invoices/bulk', { body: { action, ids } }),
  creditNote: (id: string, body: ApiBody<'post', '/invoices/{id}/credit-notes'>): Promise<CreditNote> =>
    api.post('/invoices/{id}/credit-notes', { path: { id }, body }),
  send: (id: string, to?: string) => api.post('/invoices/{id}/send', { path: { id }, body: to ? { to } : {} }),
  pdfUrl: (id: string) => api.url('/invoices/{id}/pdf', { id }),
  creditNotePdfUrl: (id: string) => api.url('/credit-notes/{id}/pdf', { id }),
};

