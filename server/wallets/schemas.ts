import { z } from '@hono/zod-openapi';
import { ENTRY_TYPES, WALLET_KINDS } from './ledger';
import { isoDate } from '../lib/schemas';
import { TOP_UP_METHODS } from './top-up';

const Money = z.string().openapi({ example: '33000' });

export const WalletOut = z.object({
  id: z.string(), billTo: z.string(), payerId: z.string().nullable(), customerId: z.string().nullable(),
  kind: z.enum(WALLET_KINDS), currency: z.string(), balance: Money.openapi({ description: 'The sum of the entries; never negative' }),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Wallet');

export const WalletEntryOut = z.object({
  id: z.string(), walletId: z.string(), type: z.enum(ENTRY_TYPES), amount: Money.openapi({ description: 'Signed: credits positive, debits negative' }),
  balanceAfter: Money, reason: z.string().nullable(), expiresAt: z.string().nullable(),
  paymentId: z.string().nullable(), refundId: z.string().nullable(), invoiceId: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(),
}).openapi('WalletEntry');

export const ExpiringOut = z.object({
  entryId: z.string().openapi({ description: 'The grant (top_up_granted entry)' }), expiresOn: z.string().openapi({ description: 'Tenant-local date it expires from' }),
  amount: Money.openapi({ description: 'What is left of the grant: expires then unless spent first (FIFO, as the daily job counts)' }),
}).openapi('WalletExpiring');

export const AdjustmentIn = z.object({
  amount: z.string().openapi({ description: 'Signed decimal string in the wallet currency: positive credits, negative debits', example: '-5000' }),
  reason: z.string().trim().min(1).max(1000),
}).openapi('WalletAdjustment');
export type AdjustmentInput = z.infer<typeof AdjustmentIn>;

export const EntryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0),
});

export const CurrencyParam = z.object({ currency: z.string().openapi({ param: { name: 'currency', in: 'path' }, example: 'KRW' }) });

export const PointsPolicyIn = z.object({
  pointValue: z.string().openapi({ description: 'Money (in the currency) one point is worth, > 0', example: '1' }),
  maxPointsPerInvoice: z.string().nullable().optional().openapi({ description: 'At most this many points are spent on one invoice; null = no cap', example: '5000' }),
}).openapi('PointsPolicyInput');

export const PointsPolicyOut = z.object({ currency: z.string(), pointValue: z.string(), maxPointsPerInvoice: z.string().nullable() }).openapi('PointsPolicy');

export const GrantIn = z.object({
  currency: z.string().openapi({ example: 'KRW' }),
  amount: z.string().openapi({ description: 'Decimal string > 0 in the wallet currency (points for a points wallet)', example: '5000' }),
  reason: z.string().trim().min(1).max(1000),
  expiresOn: isoDate.nullable().optional().openapi({ description: 'Tenant-local date from which what is left of the grant has expired; none = never' }),
}).openapi('WalletGrant');

export const WalletKindParams = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }),
  kind: z.enum(WALLET_KINDS).openapi({ param: { name: 'kind', in: 'path' } }),
});

export const TopUpIn = z.object({
  method: z.enum(TOP_UP_METHODS),
  amount: z.string().openapi({ description: 'Decimal string > 0', example: '50000' }),
  currency: z.string().openapi({ example: 'KRW' }),
  receivedOn: isoDate.optional(),
  providerRef: z.string().trim().min(1).max(200).optional().openapi({ description: "The bank's or gateway's reference; unique per provider" }),
  note: z.string().max(2000).optional(),
}).openapi('WalletTopUp');

export const WalletPatchIn = z.object({
  lowBalanceThreshold: z.string().nullable().openapi({ description: 'Below this balance a wallet.low_balance event is sent (once per crossing); null = never', example: '10000' }),
}).openapi('WalletPatch');
