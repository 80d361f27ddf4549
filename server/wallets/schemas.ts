import { z } from '@hono/zod-openapi';
import { ENTRY_TYPES, WALLET_KINDS } from './ledger';

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

export const AdjustmentIn = z.object({
  amount: z.string().openapi({ description: 'Signed decimal string in the wallet currency: positive credits, negative debits', example: '-5000' }),
  reason: z.string().trim().min(1).max(1000),
}).openapi('WalletAdjustment');
export type AdjustmentInput = z.infer<typeof AdjustmentIn>;

export const EntryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0),
});
