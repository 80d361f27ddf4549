/**
 * Endpoint functions and wire types of the operations modules: customers (고객, 납부자, 계약),
 * orders and subscriptions (오더, 서비스), metering (미터링), bill runs (정기 요금 계산), invoices
 * (청구) and analytics (통계). Mirrors /api/openapi.json. Amounts are decimal strings: the console
 * formats them with useMoney and never does arithmetic on them.
 */
import { api, ApiError, BASE_URL, acceptLanguage, type Query } from './client';

const enc = encodeURIComponent;
export type Decimal = string;

export interface Paged<T> {
  data: T[];
  total: number;
}

// ---------------------------------------------------------------- customers
export type CustomerType = 'individual' | 'corporate' | 'public' | 'foreigner';
export type CustomerStatus = 'active' | 'suspended' | 'closed';
export type PaymentMethodType = 'card' | 'bank_transfer' | 'virtual_account' | 'prepaid';

export interface Contact {
  id?: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  isPrimary: boolean;
}

export interface Customer {
  id: string;
  externalId: string;
  type: CustomerType;
  name: string;
  email: string | null;
  phone: string | null;
  businessRegNo: string | null;
  taxId: string | null;
  country: string;
  timezone: string;
  currency: string;
  segment: string | null;
  tags: string[];
  attributes: Record<string, string | number | boolean | null>;
  status: CustomerStatus;
  billingGroup: string | null;
  dunningExcluded: boolean;
  payerId: string | null;
  payer: { id: string; name: string } | null;
  contacts: Contact[];
  createdAt: string;
  updatedAt: string;
}

export interface Address {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

export interface PayerInput {
  externalId?: string | null;
  name: string;
  email?: string | null;
  phone?: string | null;
  billingAddress?: Address;
  paymentMethodType?: PaymentMethodType | null;
  paymentMethodLabel?: string | null;
  status?: 'active' | 'inactive';
}

export interface Payer {
  id: string;
  externalId: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  billingAddress: Address | null;
  paymentMethodType: PaymentMethodType | null;
  paymentMethodLabel: string | null;
  status: string;
  customerCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerInput {
  externalId?: string;
  type?: CustomerType;
  name?: string;
  email?: string | null;
  phone?: string | null;
  businessRegNo?: string | null;
  taxId?: string | null;
  country?: string;
  timezone?: string;
  currency?: string;
  segment?: string | null;
  tags?: string[];
  status?: CustomerStatus;
  billingGroup?: string | null;
  dunningExcluded?: boolean;
  payerId?: string | null;
  contacts?: Omit<Contact, 'id'>[];
  /** create only: a new payer created with the customer */
  payer?: PayerInput;
}

export interface CustomerQuery extends Query {
  q?: string;
  type?: CustomerType | '';
  status?: CustomerStatus | '';
  billingGroup?: string;
  payerId?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface ImportRowError {
  line: number;
  field: string | null;
  message: string;
}

/** An import runs as a job: queued → validating → applying → done | invalid (row errors, nothing stored) | failed. */
export type ImportStatus = 'queued' | 'validating' | 'applying' | 'done' | 'invalid' | 'failed';

export interface ImportResult {
  id: string;
  status: ImportStatus;
  /** Rows validated (validating) or applied (applying) so far. */
  processed: number;
  error: string | null;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: ImportRowError[];
}

export type ContractStatus = 'draft' | 'active' | 'expired' | 'terminated';
export interface Contract {
  id: string;
  customerId: string;
  code: string | null;
  termStart: string;
  termEnd: string | null;
  commitmentAmount: Decimal | null;
  currency: string;
  discountNote: string | null;
  status: ContractStatus;
  createdAt: string;
  updatedAt: string;
}
export interface ContractInput {
  customerId?: string;
  code?: string | null;
  termStart?: string;
  termEnd?: string | null;
  commitmentAmount?: Decimal | null;
  currency?: string;
  discountNote?: string | null;
  status?: ContractStatus;
}

export interface MeterUsage {
  meter: string;
  name: string;
  aggregation: MeterAggregation;
  unit: string | null;
  value: Decimal;
  events: number;
}
export interface CustomerUsage {
  customerId: string;
  from: string;
  to: string;
  timezone: string;
  meters: MeterUsage[];
}
export interface CustomerMonthlyUsage {
  customerId: string;
  timezone: string;
  months: { month: string; meters: MeterUsage[] }[];
}

/** Sends a raw CSV body (the client helper only sends JSON). */
async function postCsv<T>(path: string, csv: string): Promise<T> {
  const res = await fetch(BASE_URL + path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json, application/problem+json', 'Accept-Language': acceptLanguage() },
    body: csv,
  });
  const text = await res.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    throw new ApiError({
      status: res.status,
      code: typeof body?.code === 'string' ? body.code : `HTTP_${res.status}`,
      title: typeof body?.title === 'string' ? body.title : res.statusText,
      detail: typeof body?.detail === 'string' ? body.detail : text.slice(0, 300),
      issues: Array.isArray(body?.issues) ? (body.issues as { path: string; message: string }[]) : [],
    });
  }
  return body as T;
}

export const customersApi = {
  list: (q: CustomerQuery) => api.get<Paged<Customer>>('/customers', q),
  get: (id: string) => api.get<Customer>(`/customers/${enc(id)}`),
  create: (input: CustomerInput) => api.post<Customer>('/customers', input),
  update: (id: string, patch: CustomerInput) => api.patch<Customer>(`/customers/${enc(id)}`, patch),
  /** Starts an import job and answers at once (202); poll `importStatus` for progress and the result. */
  importCsv: (csv: string, dryRun: boolean) => postCsv<ImportResult>(`/customers/import?dryRun=${dryRun}&wait=false`, csv),
  importStatus: (id: string) => api.get<ImportResult>(`/customers/imports/${enc(id)}`),
  exportUrl: () => `${BASE_URL}/customers/export`,
  usage: (id: string, q: { from?: string; to?: string } = {}) => api.get<CustomerUsage>(`/customers/${enc(id)}/usage`, q),
  usageMonthly: (id: string, q: { from?: string; to?: string } = {}) =>
    api.get<CustomerMonthlyUsage>(`/customers/${enc(id)}/usage/monthly`, q),
};

export const payersApi = {
  list: (q: { q?: string; limit?: number; offset?: number }) => api.get<Paged<Payer>>('/payers', q),
  get: (id: string) => api.get<Payer>(`/payers/${enc(id)}`),
  create: (input: PayerInput) => api.post<Payer>('/payers', input),
  update: (id: string, patch: Partial<PayerInput>) => api.patch<Payer>(`/payers/${enc(id)}`, patch),
};

export const contractsApi = {
  list: (q: { customerId?: string; status?: string; limit?: number; offset?: number }) => api.get<Paged<Contract>>('/contracts', q),
  create: (input: ContractInput) => api.post<Contract>('/contracts', input),
  update: (id: string, patch: ContractInput) => api.patch<Contract>(`/contracts/${enc(id)}`, patch),
};

// ---------------------------------------------------------------- plans (read-only view for pickers)
export interface PlanComponentLite {
  code: string;
  name?: string;
  type: 'flat' | 'quantity' | 'usage';
  quantityKey?: string;
  meter?: string;
  amount?: Decimal;
}
export interface PlanLite {
  id: string;
  code: string;
  name: string;
  status: string;
  retiredFrom: string | null;
  latestPublished: { version: number; effectiveFrom: string } | null;
  document: { code: string; name: string; currency: string; interval: string; addOn?: boolean; components: PlanComponentLite[] } | null;
}
export const plansLiteApi = {
  list: () => api.get<{ data: PlanLite[] }>('/plans'),
};

/** Quantity keys a plan asks for (its `quantity` components). */
export function quantityKeys(plan: PlanLite | undefined): string[] {
  const comps = plan?.document?.components ?? [];
  return [...new Set(comps.filter((c) => c.type === 'quantity').map((c) => c.quantityKey ?? c.code))];
}

// ---------------------------------------------------------------- orders & subscriptions
export type OrderStatus = 'requested' | 'in_progress' | 'completed' | 'cancelled';
export interface OrderItem {
  planCode: string;
  quantities: Record<string, Decimal>;
  addOn: boolean;
  coupons: string[];
}
export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: OrderItem[];
  note: string | null;
  billingStartDate: string | null;
  subscriptionIds: string[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}
export interface OrderInput {
  customerId: string;
  items: { planCode: string; quantities?: Record<string, string>; addOn?: boolean; coupons?: string[] }[];
  note?: string;
}

export type SubscriptionStatus = 'trial' | 'active' | 'paused' | 'cancelled';
export interface Phase {
  planCode: string;
  quantities: Record<string, Decimal>;
  startDate: string;
  endDate: string | null;
  reason: string;
}
export interface Subscription {
  id: string;
  customerId: string;
  orderId: string | null;
  planCode: string;
  quantities: Record<string, Decimal>;
  status: SubscriptionStatus;
  startDate: string;
  trialEndDate: string | null;
  endDate: string | null;
  cancelAtPeriodEnd: boolean;
  coupons: string[];
  addOn: boolean;
  billingGroup: string | null;
  anchorDay: number;
  scheduledChange: { planCode: string; quantities: Record<string, Decimal>; effectiveDate: string; reason: string } | null;
  phases: Phase[];
  createdAt: string;
  updatedAt: string;
}

export const ordersApi = {
  list: (q: { status?: string; customerId?: string; limit?: number; offset?: number }) => api.get<Paged<Order>>('/orders', q),
  get: (id: string) => api.get<Order>(`/orders/${enc(id)}`),
  create: (input: OrderInput) => api.post<Order>('/orders', input),
  setStatus: (id: string, status: OrderStatus, billingStartDate?: string) =>
    api.post<Order>(`/orders/${enc(id)}/status`, billingStartDate ? { status, billingStartDate } : { status }),
};

export const subscriptionsApi = {
  list: (q: { customerId?: string; planCode?: string; status?: string; limit?: number; offset?: number }) =>
    api.get<Paged<Subscription>>('/subscriptions', q),
  get: (id: string) => api.get<Subscription>(`/subscriptions/${enc(id)}`),
  changePlan: (id: string, body: { planCode: string; effectiveDate?: string; quantities?: Record<string, string> }) =>
    api.post<Subscription>(`/subscriptions/${enc(id)}/change-plan`, body),
  quantities: (id: string, body: { quantities: Record<string, string>; effectiveDate?: string }) =>
    api.post<Subscription>(`/subscriptions/${enc(id)}/quantities`, body),
  pause: (id: string, effectiveDate?: string) => api.post<Subscription>(`/subscriptions/${enc(id)}/pause`, effectiveDate ? { effectiveDate } : {}),
  resume: (id: string, effectiveDate?: string) => api.post<Subscription>(`/subscriptions/${enc(id)}/resume`, effectiveDate ? { effectiveDate } : {}),
  cancel: (id: string, body: { atPeriodEnd?: boolean; effectiveDate?: string }) => api.post<Subscription>(`/subscriptions/${enc(id)}/cancel`, body),
};

// ---------------------------------------------------------------- metering
export type MeterAggregation = 'count' | 'sum' | 'max' | 'unique_count' | 'latest';
export interface Meter {
  id: string;
  code: string;
  name: string;
  description: string | null;
  aggregation: MeterAggregation;
  field: string | null;
  filters: Record<string, unknown>;
  unit: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}
export interface MeterInput {
  code?: string;
  name?: string;
  description?: string | null;
  aggregation?: MeterAggregation;
  field?: string | null;
  /** Only events whose property equals the value (or one of the values) count. */
  filters?: Record<string, string | string[]>;
  unit?: string | null;
  status?: 'active' | 'inactive';
}
export interface MeteringError {
  id: string;
  eventId: string | null;
  customerRef: string | null;
  meterCode: string | null;
  reason: string;
  message: string;
  payload?: unknown;
  status: string;
  occurrences: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  resolvedAt: string | null;
}
export const metersApi = {
  list: () => api.get<{ data: Meter[] }>('/meters'),
  create: (input: MeterInput) => api.post<Meter>('/meters', input),
  update: (id: string, patch: MeterInput) => api.patch<Meter>(`/meters/${enc(id)}`, patch),
};
export const meteringErrorsApi = {
  list: (q: { status?: string; reason?: string; meter?: string; customer?: string; limit?: number; offset?: number }) =>
    api.get<Paged<MeteringError>>('/metering-errors', q),
  reprocess: (id: string) => api.post<{ result: 'accepted' | 'duplicate' | 'rejected'; error: MeteringError }>(`/metering-errors/${enc(id)}/reprocess`),
};

// ---------------------------------------------------------------- bill runs
export interface BillRunGroup {
  id: string;
  code: string;
  name: string;
  cycleDay: number;
  mode: string;
}
export type BillRunStatus = 'queued' | 'running' | 'completed' | 'failed';
export interface BillRunPayer {
  billTo: string;
  outcome: string;
  invoiceId: string | null;
  currency: string | null;
  total: Decimal | null;
  bills: number;
  error: string | null;
}
export interface BillRun {
  id: string;
  groupCode: string | null;
  periodStart: string;
  periodEnd: string;
  status: BillRunStatus;
  dryRun: boolean;
  progress: { totalPayers: number; processedPayers: number; failedPayers: number; percent: number };
  billsCreated: number;
  invoicesCreated: number;
  outcomes: Record<string, number>;
  totals: Record<string, { invoices: number; total: Decimal }>;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  payers?: BillRunPayer[];
}
export interface BillRunInput {
  groupCode?: string;
  periodStart?: string;
  periodEnd?: string;
  dryRun?: boolean;
}
export const billRunsApi = {
  groups: () => api.get<{ data: BillRunGroup[] }>('/bill-run-groups'),
  saveGroup: (code: string, body: { name: string; cycleDay: number; mode?: 'calendar' | 'anniversary' }) =>
    api.put<BillRunGroup>(`/bill-run-groups/${enc(code)}`, body),
  list: (q: { limit?: number; offset?: number }) => api.get<Paged<BillRun>>('/bill-runs', q),
  get: (id: string) => api.get<BillRun>(`/bill-runs/${enc(id)}`),
  start: (input: BillRunInput) => api.post<BillRun>('/bill-runs', input),
  eventsUrl: (id: string) => `${BASE_URL}/bill-runs/${enc(id)}/events`,
};

// ---------------------------------------------------------------- invoices
export type InvoiceStatus = 'draft' | 'finalized' | 'paid' | 'payment_failed' | 'void';
export interface Invoice {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  billTo: string;
  payerId: string | null;
  customerId: string | null;
  billRunId: string | null;
  periodStart: string;
  periodEnd: string;
  currency: string;
  issueDate: string;
  dueDate: string;
  subtotal: Decimal;
  discountTotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
  prepaidApplied: Decimal;
  pointsApplied: Decimal;
  /** What the payer still owes now: total − prepaid − points − credited; 0 once paid or void. */
  amountDue: Decimal;
  /** The amount due as invoiced (total − prepaid − points), unchanged by credit notes and status. */
  invoicedAmountDue: Decimal;
  creditedTotal: Decimal;
  notes: string | null;
  finalizedAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  sentAt: string | null;
  sentTo: string | null;
  createdAt: string;
  updatedAt: string;
}
export type LineKind = 'charge' | 'minimum' | 'discount' | 'tax' | string;
export interface InvoiceLine {
  kind: LineKind;
  amount: Decimal;
  rule?: string;
  component?: string;
  planCode?: string;
  quantity?: Decimal;
  description?: string;
  name?: string;
  subscriptionId?: string;
  customerId?: string;
  segment?: { startDate: string; endDate: string };
}
export interface TraceEntry {
  rule: string;
  kind: string;
  version: number | string | null;
  subscription: number;
  fired: boolean;
  applied: boolean;
  reason: string;
  facts?: Record<string, unknown>;
  conditions?: unknown;
}
export interface Bill {
  id: string;
  subscriptionId: string;
  customerId: string;
  cycleIndex: number;
  subtotal: Decimal;
  discountTotal: Decimal;
  lines: InvoiceLine[];
  trace?: TraceEntry[];
}
export interface CreditNote {
  id: string;
  number: string;
  invoiceId: string;
  currency: string;
  lines: { description: string; amount: Decimal }[];
  amount: Decimal;
  reason: string;
  createdBy: string | null;
  createdAt: string;
}
export interface InvoiceDetail extends Invoice {
  lines: InvoiceLine[];
  trace: TraceEntry[];
  versions?: { plans: { code: string; version: number | string | null }[]; rules: { id: string; version: number | string | null }[] };
  bills: Bill[];
  creditNotes: CreditNote[];
}
export interface InvoiceQuery extends Query {
  status?: InvoiceStatus | '';
  payerId?: string;
  billTo?: string;
  periodStart?: string;
  limit?: number;
  offset?: number;
}
export const invoicesApi = {
  list: (q: InvoiceQuery) => api.get<Paged<Invoice>>('/invoices', q),
  get: (id: string) => api.get<InvoiceDetail>(`/invoices/${enc(id)}`),
  update: (id: string, patch: { notes?: string | null; dueDate?: string }) => api.patch<InvoiceDetail>(`/invoices/${enc(id)}`, patch),
  finalize: (id: string) => api.post<InvoiceDetail>(`/invoices/${enc(id)}/finalize`),
  markPaid: (id: string) => api.post<InvoiceDetail>(`/invoices/${enc(id)}/mark-paid`),
  markPaymentFailed: (id: string) => api.post<InvoiceDetail>(`/invoices/${enc(id)}/mark-payment-failed`),
  void: (id: string) => api.post<InvoiceDetail>(`/invoices/${enc(id)}/void`),
  creditNote: (id: string, body: { reason: string; lines: { description: string; amount: string }[] }) =>
    api.post<CreditNote>(`/invoices/${enc(id)}/credit-notes`, body),
  send: (id: string, to?: string) =>
    api.post<{ sentTo: string; accepted: string[]; rejected: string[]; messageId: string }>(`/invoices/${enc(id)}/send`, to ? { to } : {}),
  pdfUrl: (id: string) => `${BASE_URL}/invoices/${enc(id)}/pdf`,
};

// ---------------------------------------------------------------- analytics
export interface MoneyPoint {
  month: string;
  currency: string;
  amount: Decimal;
}
export interface Dashboard {
  currency: string;
  from: string;
  to: string;
  months: string[];
  planCode: string | null;
  revenue: MoneyPoint[];
  mrr: MoneyPoint[];
  subscribers: { month: string; active: number; new: number; churned: number }[];
  invoicesByStatus: { status: string; currency: string; count: number; amount: Decimal }[];
  topPlans: { planCode: string; currency: string; amount: Decimal; subscriptions: number }[];
}
export const analyticsApi = {
  dashboard: (q: { from?: string; to?: string; planCode?: string }) => api.get<Dashboard>('/analytics/dashboard', q),
};
