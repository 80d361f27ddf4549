/**
 * The console's names for the API's wire types. Every type here is an alias of what
 * `npm run api:types` generated from the server's OpenAPI document (schema.gen.ts), so a changed
 * route schema changes the console's types; the few shapes the server does not declare yet are
 * written by hand in documents.ts. Timestamps are ISO-8601 strings, amounts decimal strings.
 */
import type { components } from './schema.gen';
import type { ApiBody, ApiQuery, ApiResponse } from './client';
import type {
  Bill, Decimal, DocumentVersions, InvoiceLine, PlanDoc, RedemptionMonth, RedemptionUse, RuleDoc, TraceEntry,
} from './documents';

type S = components['schemas'];

export interface ListResponse<T> { data: T[] }
export interface PagedResponse<T> extends ListResponse<T> { total: number }
export type Paged<T> = PagedResponse<T>;

// ---------------------------------------------------------------- common (공통)
export type User = S['User'];
export type UserStatus = User['status'];
export type Tenant = S['Tenant'];
export type Locale = Tenant['locale'];
export type RoundingMode = Tenant['roundingMode'];
export type GroupRef = User['groups'][number];
export type Session = S['Session'];
export type Permission = ApiResponse<'get', '/permissions'>['data'][number];
export type Group = S['Group'];
export type ApiKey = S['ApiKey'];
export type CreatedApiKey = S['ApiKeyCreated'];
export type AuditEntry = S['AuditEntry'];
export type AuditQuery = ApiQuery<'/audit-log'>;
export type LoginInput = S['LoginRequest'];
export type TenantPatch = S['TenantPatch'];
export type UserCreate = S['UserCreate'];
export type UserPatch = S['UserPatch'];
export type GroupCreate = S['GroupCreate'];
export type GroupPatch = S['GroupPatch'];
export type ApiKeyCreate = S['ApiKeyCreate'];
export type TenantOnboard = S['TenantCreate'];
export type TenantOnboardResult = ApiResponse<'post', '/tenants'>;

// ---------------------------------------------------------------- customers (고객, 납부자, 계약)
export type Customer = S['Customer'];
export type CustomerType = Customer['type'];
export type CustomerStatus = Customer['status'];
export type Contact = S['Contact'];
export type CustomerCreate = S['CustomerCreate'];
export type CustomerPatch = S['CustomerPatch'];
export type CustomerQuery = ApiQuery<'/customers'>;
export type CustomerSort = NonNullable<CustomerQuery['sort']>;
export type Address = NonNullable<S['BillingAddress']>;
export type Payer = S['Payer'];
export type PayerCreate = S['PayerCreate'];
export type PayerPatch = S['PayerPatch'];
export type PaymentMethodType = NonNullable<Payer['paymentMethodType']>;
export type ImportResult = S['CustomerImport'];
export type ImportRowError = ImportResult['errors'][number];
export type Contract = S['Contract'];
export type ContractStatus = Contract['status'];
export type ContractCreate = S['ContractCreate'];
export type ContractPatch = S['ContractPatch'];
export type CustomerUsage = S['CustomerUsage'];
export type MeterUsage = CustomerUsage['meters'][number];
export type CustomerMonthlyUsage = S['CustomerMonthlyUsage'];

// ---------------------------------------------------------------- orders & subscriptions (오더, 서비스)
export type Order = S['Order'];
export type OrderStatus = Order['status'];
export type OrderItem = Order['items'][number];
export type OrderCreate = ApiBody<'post', '/orders'>;
export type Subscription = S['Subscription'];
export type SubscriptionStatus = Subscription['status'];
export type Phase = Subscription['phases'][number];

// ---------------------------------------------------------------- metering (미터링)
export type Meter = S['Meter'];
export type MeterAggregation = Meter['aggregation'];
export type MeterCreate = S['MeterCreate'];
export type MeterPatch = S['MeterPatch'];
export type MeteringError = S['MeteringError'];
export type MeteringErrorStatus = NonNullable<ApiQuery<'/metering-errors'>['status']>;
export type ReprocessResult = ApiResponse<'post', '/metering-errors/{id}/reprocess'>;

// ---------------------------------------------------------------- bill runs, invoices (정기 요금 계산, 청구)
export type BillRunGroup = S['BillRunGroup'];
export type BillRun = S['BillRun'];
export type BillRunStatus = BillRun['status'];
export type BillRunPayer = NonNullable<BillRun['payers']>[number];
export type BillRunInput = ApiBody<'post', '/bill-runs'>;
export type Invoice = S['InvoiceSummary'];
export type InvoiceStatus = Invoice['status'];
export type InvoiceQuery = ApiQuery<'/invoices'>;
export type CreditNote = S['CreditNote'];
export type InvoiceSendResult = ApiResponse<'post', '/invoices/{id}/send'>;
/** GET /invoices/{id}: the server declares lines, trace, bills and versions as `unknown` (documents.ts). */
export type InvoiceDetail = Omit<S['Invoice'], 'lines' | 'trace' | 'bills' | 'versions'> & {
  lines: InvoiceLine[];
  trace: TraceEntry[];
  bills: Bill[];
  versions?: DocumentVersions;
};

// ---------------------------------------------------------------- analytics (통계)
export type Dashboard = S['Dashboard'];
export type MoneyPoint = Dashboard['revenue'][number];

// ---------------------------------------------------------------- catalog (plans, rules), coupons
export type CatalogStatus = S['CatalogEntry']['status'];
/** A plan or rule with its document typed as `D` (the server declares documents `unknown`). */
export type CatalogEntry<D = unknown> = Omit<S['CatalogEntry'], 'document' | 'publishedDocument'> & { document?: D; publishedDocument?: D };
export type CatalogVersion<D = unknown> = Omit<S['CatalogVersion'], 'document'> & { document: D };
export type CatalogEntryDetail<D = unknown> = CatalogEntry<D> & { versions: CatalogVersion<D>[] };
/** A plan as the plan pickers list it. */
export type PlanEntry = CatalogEntry<PlanDoc>;
export type DiffResult = ApiResponse<'get', '/plans/{code}/diff'>;
export type DiffChange = DiffResult['changes'][number];
export type Fact = S['Fact'];
export type CouponCode = S['CouponCode'];
export type CouponCodeBatch = S['CouponCodeBatch'];
export type RedemptionReport = Omit<ApiResponse<'get', '/rules/{code}/redemptions'>, 'byMonth' | 'latest'> & {
  byMonth: RedemptionMonth[];
  latest: RedemptionUse[];
};
export type PreviewRequest = Omit<S['PreviewRequest'], 'subscriptions' | 'rules'> & {
  subscriptions: (Omit<S['PreviewRequest']['subscriptions'][number], 'plan'> & { plan?: PlanDoc })[];
  rules?: RuleDoc[];
};
export type PreviewSubscription = PreviewRequest['subscriptions'][number];
export type PreviewCustomer = NonNullable<PreviewRequest['customer']>;

export type { Decimal };

// Collections: outbound webhooks and wallets (server/webhooks, server/wallets).
export type WebhookEndpoint = S['WebhookEndpoint'];
export type WebhookEndpointCreate = S['WebhookEndpointCreate'];
export type WebhookDelivery = S['WebhookDelivery'];
export type Wallet = S['Wallet'];
export type WalletEntry = S['WalletEntry'];
