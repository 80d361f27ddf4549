/**
 * Routes of the gateway slice: gateway credentials, payment methods per bill-to party, the
 * sandbox's simulated deposit, and the inbound webhook endpoint (no API key: the provider's
 * signature authenticates it; server/app.ts lets /webhooks/payments/ through unauthenticated).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { assertPermission, q } from '../lib/context';
import { invalid, type FieldIssue } from '../lib/errors';
import { amountProblem } from '../lib/money';
import { findBillTo } from '../customers/bill-to';
import { PROVIDERS } from './gateways/credentials';
import { listGateways, removeGatewayCredentials, setGatewayCredentials } from './gateways/accounts';
import { sandboxGateway } from './gateways/sandbox';
import { setGatewayEnabled, testGatewayConnection } from './gateways/settings';
import { addPaymentMethod } from './methods/add-payment-method';
import { findMethod, listPaymentMethods, removePaymentMethod, updatePaymentMethod } from './methods/payment-methods';
import { DepositIn, PaymentMethodIn, PaymentMethodOut, PaymentMethodPatch } from './methods/schemas';
import { receivePaymentWebhook } from './webhooks/receive';
import { webhookBody } from './webhooks/raw-body';
import { listWebhookReceipts } from './webhooks/list-receipts';

const tag = 'Collections: gateways';
const ProviderParam = z.object({ provider: z.enum(PROVIDERS).openapi({ param: { name: 'provider', in: 'path' } }) });
const GatewayOut = z.object({
  provider: z.enum(PROVIDERS), configured: z.boolean(), source: z.enum(['builtin', 'tenant', 'env', 'none']),
  enabled: z.boolean().openapi({ description: 'Off: no new payment methods or automatic charges; webhooks, reconciles and refunds still work' }),
  readable: z.boolean().openapi({ description: 'False when the stored credentials cannot be decrypted (BILLWISE_SECRET_KEY changed): set them again' }),
  keyHints: z.record(z.string(), z.string().nullable()).openapi({ description: 'Last 4 characters of each stored value (null when the value is shorter than 12)' }),
  keyNames: z.array(z.string()).openapi({ description: 'Names of the credentials set for this tenant; values are never shown' }),
  acceptedKeys: z.array(z.string()), updatedAt: z.string().nullable(), webhookPath: z.string(),
}).openapi('Gateway');
const GatewayList = z.object({ data: z.array(GatewayOut) });
const OUTCOMES = ['queued', 'applied', 'ignored', 'duplicate', 'rejected', 'error'] as const;
const ReceiptOut = z.object({ id: z.string(), provider: z.string(), eventId: z.string().nullable(), eventType: z.string().nullable(), outcome: z.enum(OUTCOMES),
  detail: z.string().nullable(), paymentId: z.string().nullable(), receivedAt: z.string() }).openapi('WebhookReceipt');
const ReceiptQuery = z.object({ provider: z.enum(PROVIDERS).optional(), outcome: z.enum(OUTCOMES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) });
const GatewayPatch = z.object({ enabled: z.boolean() }).openapi('GatewayPatch');
const ConnectionOut = z.object({ ok: z.boolean(), outcome: z.enum(['ok', 'not_configured', 'rejected', 'unavailable']), code: z.string().nullable(), message: z.string().nullable() }).openapi('GatewayConnectionTest');
const CredentialsIn = z.object({ credentials: z.record(z.string(), z.string().min(1).max(500)) }).openapi('GatewayCredentials');

export const gatewayRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/gateways', tags: [tag], summary: 'Payment gateways and whether each has credentials (never their values)', security,
    responses: { ...jsonOk(GatewayList), ...errorResponses } }),
  async (c) => c.json(await listGateways({ ctx: c.get('ctx') }), 200))
  .openapi(createRoute({ method: 'put', path: '/gateways/{provider}', tags: [tag], summary: 'Set the tenant\'s credentials for a gateway (stored encrypted)', security,
    request: { params: ProviderParam, ...jsonBody(CredentialsIn) }, responses: { ...jsonOk(GatewayList), ...errorResponses } }),
  async (c) => c.json(await setGatewayCredentials({ ctx: c.get('ctx'), provider: c.req.valid('param').provider, credentials: c.req.valid('json').credentials }), 200))
  .openapi(createRoute({ method: 'delete', path: '/gateways/{provider}', tags: [tag], summary: 'Remove the tenant\'s credentials for a gateway (the server\'s environment applies again)', security,
    request: { params: ProviderParam }, responses: { ...jsonOk(GatewayList), ...errorResponses } }),
  async (c) => c.json(await removeGatewayCredentials({ ctx: c.get('ctx'), provider: c.req.valid('param').provider }), 200))
  .openapi(createRoute({ method: 'patch', path: '/gateways/{provider}', tags: [tag], summary: 'Enable or disable a gateway for this tenant', security,
    request: { params: ProviderParam, ...jsonBody(GatewayPatch) }, responses: { ...jsonOk(GatewayList), ...errorResponses } }),
  async (c) => c.json(await setGatewayEnabled({ ctx: c.get('ctx'), provider: c.req.valid('param').provider, enabled: c.req.valid('json').enabled }), 200))
  .openapi(createRoute({ method: 'post', path: '/gateways/{provider}/connection-tests', tags: [tag], summary: 'Test the credentials in use with a harmless authenticated read at the provider', security,
    request: { params: ProviderParam }, responses: { ...jsonOk(ConnectionOut), ...errorResponses } }),
  async (c) => c.json(await testGatewayConnection({ ctx: c.get('ctx'), provider: c.req.valid('param').provider }), 200))
  .openapi(createRoute({ method: 'get', path: '/payers/{id}/payment-methods', tags: [tag], summary: 'Payment methods of a payer (or of a customer paying its own invoices)', security,
    request: { params: IdParam }, responses: { ...jsonOk(z.object({ data: z.array(PaymentMethodOut) })), ...errorResponses } }),
  async (c) => c.json(await listPaymentMethods({ ctx: c.get('ctx'), billTo: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'post', path: '/payers/{id}/payment-methods', tags: [tag], summary: 'Add a payment method: card (tokenised by the provider), bank auto-debit, or a virtual account', security,
    request: { params: IdParam, ...jsonBody(PaymentMethodIn) }, responses: { 201: { description: 'Created', content: { 'application/json': { schema: PaymentMethodOut } } }, ...errorResponses } }),
  async (c) => c.json(await addPaymentMethod({ ctx: c.get('ctx'), billTo: c.req.valid('param').id, input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'patch', path: '/payment-methods/{id}', tags: [tag], summary: 'Make a method the default, or switch automatic collection', security,
    request: { params: IdParam, ...jsonBody(PaymentMethodPatch) }, responses: { ...jsonOk(PaymentMethodOut), ...errorResponses } }),
  async (c) => c.json(await updatePaymentMethod({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'delete', path: '/payment-methods/{id}', tags: [tag], summary: 'Remove a payment method (kept for the payments that used it)', security,
    request: { params: IdParam }, responses: { ...jsonOk(PaymentMethodOut), ...errorResponses } }),
  async (c) => c.json(await removePaymentMethod({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'post', path: '/payment-methods/{id}/sandbox-deposits', tags: [tag], summary: 'Sandbox: simulate a transfer into a virtual account (arrives as the sandbox\'s signed webhook)', security,
    request: { params: IdParam, ...jsonBody(DepositIn) }, responses: { 202: { description: 'Accepted: the deposit webhook is on its way', content: { 'application/json': { schema: z.object({ ref: z.string() }) } } }, ...errorResponses } }),
  async (c) => {
    const ctx = c.get('ctx');
    assertPermission(ctx, 'payments:write');
    const input = c.req.valid('json');
    const m = await findMethod(q(ctx), ctx, c.req.valid('param').id);
    const issues: FieldIssue[] = [];
    if (m.provider !== 'sandbox' || m.type !== 'virtual_account') issues.push({ path: 'params.id', message: 'is not a sandbox virtual account' });
    const owner = await findBillTo(q(ctx), ctx, m.billTo);
    const cur = owner?.currencies[0] ?? 'KRW';
    const problem = amountProblem(input.amount, cur);
    if (problem) issues.push({ path: 'amount', message: problem });
    if (issues.length) throw invalid(issues);
    const r = await sandboxGateway(q(ctx)).simulateDeposit({ tenantId: ctx.tenantId, accountNumber: m.accountNumber!, amount: input.amount, currency: cur, depositorName: input.depositorName ?? null });
    return c.json(r, 202);
  })
  .openapi(createRoute({ method: 'get', path: '/payment-webhooks', tags: [tag], summary: 'Inbound gateway webhooks received, each with its outcome (newest first)', security,
    request: { query: ReceiptQuery }, responses: { ...jsonOk(z.object({ data: z.array(ReceiptOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listWebhookReceipts({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'post', path: '/webhooks/payments/{provider}', tags: [tag],
    summary: 'Inbound webhook of a payment gateway: signature verified (401 otherwise), stored once per event id and applied by a job',
    request: { params: ProviderParam, query: z.object({ tenant: z.string().optional().openapi({ description: 'The tenant id or code this endpoint belongs to' }) }) },
    responses: { ...jsonOk(z.object({ received: z.boolean(), outcome: z.enum(['queued', 'duplicate']).openapi({ description: 'queued: stored, applied shortly by a job (see GET /payment-webhooks); duplicate: this event was received before, nothing is written' }) })),
      401: { ...errorResponses[401], description: 'Signature missing or wrong, unknown tenant, or no credentials to verify with: nothing but a rejected receipt is stored' },
      413: { ...errorResponses[422], description: 'Body over 1 MB (PAYLOAD_TOO_LARGE)' },
      422: { ...errorResponses[422], description: 'A body PostgreSQL cannot store (NUL, unpaired surrogate, nested too deeply), each at its JSON path' },
      503: { ...errorResponses[422], description: 'Not stored this time (WEBHOOK_NOT_STORED): the gateway delivers it again, as it does for any 5xx' } } }),
  async (c) => c.json(await receivePaymentWebhook({ db: c.get('ctx').db, now: c.get('ctx').now, provider: c.req.valid('param').provider,
    tenantRef: c.req.valid('query').tenant, headers: c.req.raw.headers, rawBody: await webhookBody(c) }), 200));
