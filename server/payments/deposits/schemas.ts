import { z } from '@hono/zod-openapi';
import { isoDate } from '../../lib/schemas';

const Money = z.string().openapi({ example: '33000' });
const column = z.string().trim().min(1).max(100);

export const BankImportIn = z.object({
  csv: z.string().min(1).openapi({ description: 'The statement as text (the console decodes EUC-KR exports before sending)' }),
  fileName: z.string().trim().min(1).max(255).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as KRW or USD').default('KRW').openapi({ description: 'For lines without a currency column' }),
  mapping: z.object({
    date: column.optional(), amount: column.optional(), depositorName: column.optional(), memo: column.optional(), accountNumber: column.optional(),
    transactionId: column.optional(), currency: column.optional(), balance: column.optional(),
  }).strict().optional()
    .openapi({ description: 'Header name per field where it differs from the defaults (server/payments/deposits/README.md)' }),
  dryRun: z.boolean().default(false),
}).openapi('BankImportCreate');
export type BankImportInput = z.infer<typeof BankImportIn>;

const Issue = z.object({ line: z.number().int(), field: z.string().nullable(), message: z.string() });
const PlanLine = z.object({
  line: z.number().int(), outcome: z.enum(['matched', 'unmatched', 'duplicate']), rule: z.string().nullable(), reason: z.string().nullable(),
  amount: Money, currency: z.string(), bookedOn: z.string(), depositorName: z.string().nullable(), billTo: z.string().nullable(), invoiceNumber: z.string().nullable(),
});
export const BankImportOut = z.object({
  id: z.string(), fileName: z.string().nullable(), dryRun: z.boolean(), status: z.enum(['queued', 'validating', 'applying', 'done', 'invalid', 'failed']),
  currency: z.string(), rows: z.number().int(), processed: z.number().int(), matched: z.number().int(), unmatched: z.number().int(),
  duplicates: z.number().int(), skipped: z.number().int(), errors: z.array(Issue), plan: z.array(PlanLine), error: z.string().nullable(),
  createdBy: z.string(), createdAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('BankImport');

export const DEPOSIT_STATUSES = ['unmatched', 'matched', 'dismissed'] as const;
export const DepositOut = z.object({
  id: z.string(), importId: z.string().nullable(), line: z.number().int().nullable(), source: z.string(), bookedOn: z.string(), amount: Money, currency: z.string(),
  depositorName: z.string().nullable(), memo: z.string().nullable(), accountNumber: z.string().nullable(), status: z.enum(DEPOSIT_STATUSES),
  matchRule: z.enum(['virtual_account', 'invoice_number', 'amount_and_name', 'manual']).nullable(), unmatchedReason: z.enum(['no_match', 'ambiguous', 'currency']).nullable(),
  billTo: z.string().nullable(), billToName: z.string().nullable(), invoiceId: z.string().nullable(), paymentId: z.string().nullable(),
  dismissReason: z.string().nullable(), resolvedBy: z.string().nullable(), resolvedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('BankDeposit');

export const DepositListQuery = z.object({
  status: z.enum(DEPOSIT_STATUSES).default('unmatched'), importId: z.string().uuid().optional(),
  from: isoDate.optional().openapi({ description: 'Booked on or after' }), to: isoDate.optional().openapi({ description: 'Booked before (exclusive)' }),
  limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0),
});
export type DepositListQuery = z.infer<typeof DepositListQuery>;

export const DepositMatchIn = z.object({
  billTo: z.string().uuid().optional().openapi({ description: 'The payer (or self-paying customer) the money is from' }),
  invoiceId: z.string().uuid().optional().openapi({ description: 'The invoice it pays (first; the rest goes oldest due first, then to prepaid)' }),
}).openapi('BankDepositMatch');
export const DepositDismissIn = z.object({ reason: z.string().trim().min(1).max(1000) }).openapi('BankDepositDismiss');
