import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { listWallets } from './list-wallets';
import { listWalletEntries } from './list-entries';
import { adjustWallet } from './adjust-wallet';
import { listPointsPolicies, putPointsPolicy } from './points-policy';
import { grantCredit } from './grant-credit';
import { topUpWallet } from './top-up';
import { setLowBalanceThreshold } from './low-balance';
import { TopUpIn, WalletPatchIn, GrantIn, WalletKindParams, PointsPolicyIn, PointsPolicyOut, CurrencyParam, AdjustmentIn, EntryListQuery, ExpiringOut, WalletEntryOut, WalletOut } from './schemas';

const tag = 'Collections: wallets';

export const walletRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/payers/{id}/wallets', tags: [tag], summary: 'Prepaid (선수금) and points wallets of a payer, or of a customer paying its own invoices', security,
    request: { params: IdParam }, responses: { ...jsonOk(z.object({ data: z.array(WalletOut) })), ...errorResponses } }),
  async (c) => c.json(await listWallets({ ctx: c.get('ctx'), billTo: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'get', path: '/wallets/{id}/entries', tags: [tag], summary: "A wallet's append-only ledger, newest first", security,
    request: { params: IdParam, query: EntryListQuery },
    responses: { ...jsonOk(z.object({ wallet: WalletOut, data: z.array(WalletEntryOut), total: z.number().int(), expiring: z.array(ExpiringOut) })), ...errorResponses } }),
  async (c) => c.json(await listWalletEntries({ ctx: c.get('ctx'), id: c.req.valid('param').id, page: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'post', path: '/wallets/{id}/adjustments', tags: [tag], summary: 'Adjust a wallet by hand (reason required); never below zero', security,
    request: { params: IdParam, ...jsonBody(AdjustmentIn) },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ wallet: WalletOut, entry: WalletEntryOut }) } } }, ...errorResponses } }),
  async (c) => c.json(await adjustWallet({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'get', path: '/points-policies', tags: [tag], summary: 'What a point is worth and the per-invoice cap, per currency (no row: 1 point = 1 unit, no cap)', security,
    responses: { ...jsonOk(z.object({ data: z.array(PointsPolicyOut) })), ...errorResponses } }),
  async (c) => c.json(await listPointsPolicies({ ctx: c.get('ctx') }), 200))
  .openapi(createRoute({ method: 'put', path: '/points-policies/{currency}', tags: [tag], summary: 'Set the points policy of a currency; the preview and bill runs both apply it', security,
    request: { params: CurrencyParam, ...jsonBody(PointsPolicyIn) }, responses: { ...jsonOk(PointsPolicyOut), ...errorResponses } }),
  async (c) => c.json(await putPointsPolicy({ ctx: c.get('ctx'), currency: c.req.valid('param').currency, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/payers/{id}/wallets/{kind}/grants', tags: [tag], summary: 'Grant credit or points (top_up_granted), optionally expiring', security,
    request: { params: WalletKindParams, ...jsonBody(GrantIn) },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ wallet: WalletOut, entry: WalletEntryOut }) } } }, ...errorResponses } }),
  async (c) => { const p = c.req.valid('param'); return c.json(await grantCredit({ ctx: c.get('ctx'), billTo: p.id, kind: p.kind, input: c.req.valid('json') }), 201); })
  .openapi(createRoute({ method: 'post', path: '/payers/{id}/wallets/prepaid/top-ups', tags: [tag], summary: 'Record money received as prepaid balance (a payment + top_up_paid)', security,
    request: { params: IdParam, ...jsonBody(TopUpIn) },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: z.object({ paymentId: z.string(), wallet: WalletOut, entry: WalletEntryOut }) } } }, ...errorResponses } }),
  async (c) => c.json(await topUpWallet({ ctx: c.get('ctx'), billTo: c.req.valid('param').id, input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'patch', path: '/wallets/{id}', tags: [tag], summary: 'Set the low-balance threshold of a wallet', security,
    request: { params: IdParam, ...jsonBody(WalletPatchIn) }, responses: { ...jsonOk(WalletOut), ...errorResponses } }),
  async (c) => c.json(await setLowBalanceThreshold({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200));
