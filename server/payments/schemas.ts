import { z } from '@hono/zod-openapi';
import { isoDate } from '../lib/schemas';

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'virtual_account', 'cash', 'prepaid', 'points'] as const;
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
export const REFUND_DESTINATIONS = ['original', 'prepaid'] as const;

const Money = z.string().openapi({ example: '33000' });
const amountIn = z.string().openapi({ description: 'Positive decimal string with at most the currency\'s minor-unit decimals', example: '33000' });

export const PaymentIn = z.object({
  billTo: z.string().uuid().openapi({ description: 'The payer (납부자) id, or the id of a customer that pays its own invoices' }),
  method: z.enum(PAYMENT_METHODS),
  amount: amountIn,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as KRW or USD'),
  receivedOn: isoDate.optional().openapi({ description: "Default: today in the tenant's time zone" }),
  providerRef: z.string().trim().min(1).max(200).optional().openapi({ description: "The bank's or gateway's reference; unique per provider" }),
  status: z.enum(['succeeded', 'pending', 'failed']).default('succeeded').openapi({ description: 'Only a succeeded payment is allocated' }),
  declineCode: z.string().trim().min(1).max(100).optional(),
  declineMessage: z.string().trim().min(1).max(1000).optional(),
  note: z.string().max(2000).optional(),
  allocations: z.array(z.object({ invoiceId: z.string().uuid(), amount: amountIn })).min(1).max(100).optional()
    .openapi({ description: 'Explicit allocation; without it the open invoices are paid oldest due date first. What is left becomes prepaid balance.' }),
}).openapi('PaymentCreate');
export type PaymentInput = z.infer<typeof PaymentIn>;

/** At most this many payments in one POST /payments/batch (a bank's or CMS's result file is sent in pages of it). */
export const MAX_PAYMENT_BATCH = 1000;
export const PaymentBatchIn = z.object({
  payments: z.array(PaymentIn).min(1).max(MAX_PAYMENT_BATCH).openapi({ description: `1 to ${MAX_PAYMENT_BATCH} payments, recorded all or none, allocated in this order` }),
}).openapi('PaymentBatchCreate');

export const RefundIn = z.object({
  amount: amountIn,
  reason: z.string().trim().min(1).max(1000),
  destination: z.enum(REFUND_DESTINATIONS).default('original').openapi({ description: "original: back through the payment's provider; prepaid: into the payer's prepaid wallet" }),
}).openapi('RefundCreate');
export type RefundInput = z.infer<typeof RefundIn>;

export const PaymentListQuery = z.object({
  billTo: z.string().uuid().optional(), status: z.enum(PAYMENT_STATUSES).optional(), method: z.enum(PAYMENT_METHODS).optional(),
  from: isoDate.optional().openapi({ description: 'Received on or after' }), to: isoDate.optional().openapi({ description: 'Received before (exclusive)' }),
  limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0),
});
export type PaymentListQuery = z.infer<typeof PaymentListQuery>;

export const AllocationOut = z.object({ id: z.string(), paymentId: z.string(), invoiceId: z.string(), invoiceNumber: z.string().nullable(), amount: Money, createdAt: z.string() }).openapi('PaymentAllocation');
export const RefundOut = z.object({
  id: z.string(), paymentId: z.string(), amount: Money, currency: z.string(), reason: z.string(), destination: z.enum(REFUND_DESTINATIONS),
  status: z.enum(['pending', 'succeeded', 'failed']), providerRef: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(),
}).openapi('PaymentRefund');
export const PaymentOut = z.object({
  id: z.string(), billTo: z.string(), payerId: z.string().nullable(), customerId: z.string().nullable(), method: z.enum(PAYMENT_METHODS),
  amount: Money, currency: z.string(), receivedOn: z.string(), provider: z.string(), providerRef: z.string().nullable(), status: z.enum(PAYMENT_STATUSES),
  declineCode: z.string().nullable(), declineMessage: z.string().nullable(),
  allocatedAmount: Money.openapi({ description: 'Sum of the allocations to invoices' }),
  walletCredited: Money.openapi({ description: 'Overpayment credited to the prepaid wallet' }),
  refundedAmount: Money, refundableAmount: Money.openapi({ description: 'amount − walletCredited − refundedAmount: what a refund may still return' }),
  note: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Payment');
export const PaymentDetail = PaymentOut.extend({ allocations: z.array(AllocationOut), refunds: z.array(RefundOut) }).openapi('PaymentDetail');
