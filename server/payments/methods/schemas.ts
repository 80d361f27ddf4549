import { z } from '@hono/zod-openapi';
import { PROVIDERS } from '../gateways/credentials';

export const METHOD_TYPES = ['card', 'bank_transfer', 'virtual_account'] as const;

const year = z.number().int().min(2000).max(2100);
export const PaymentMethodIn = z.object({
  type: z.enum(METHOD_TYPES),
  provider: z.enum(PROVIDERS).default('sandbox').openapi({ description: 'sandbox (default), toss or stripe' }),
  card: z.object({
    number: z.string().trim().regex(/^[\d -]{12,23}$/, 'must be 12 to 19 digits').openapi({ description: 'Sandbox test cards only (4242424242424242 ...); never stored: the sandbox hands back a token' }),
    expMonth: z.number().int().min(1).max(12), expYear: year,
  }).optional(),
  providerToken: z.string().trim().min(1).max(500).optional()
    .openapi({ description: "The provider's one-time result of its own card window: Toss authKey, Stripe PaymentMethod id (pm_...)" }),
  bankName: z.string().trim().min(1).max(100).optional(),
  accountNumber: z.string().trim().regex(/^[\d-]{6,30}$/, 'must be 6 to 30 digits').optional().openapi({ description: 'Bank auto-debit (CMS): the account; only its last 4 digits are kept' }),
  accountHolder: z.string().trim().min(1).max(100).optional(),
  amount: z.string().optional().openapi({ description: 'Toss virtual accounts are issued per order: the amount to be deposited' }),
  isDefault: z.boolean().optional().openapi({ description: 'Default: true when the party has no default yet' }),
  autoCollect: z.boolean().default(false).openapi({ description: 'Charge finalized invoices automatically (card and bank auto-debit)' }),
}).openapi('PaymentMethodCreate');
export type PaymentMethodInput = z.infer<typeof PaymentMethodIn>;

export const PaymentMethodPatch = z.object({ isDefault: z.literal(true).optional(), autoCollect: z.boolean().optional() }).openapi('PaymentMethodPatch');
export type PaymentMethodPatch = z.infer<typeof PaymentMethodPatch>;

export const DepositIn = z.object({
  amount: z.string().openapi({ example: '33000' }),
  depositorName: z.string().trim().min(1).max(100).optional(),
}).openapi('SandboxDeposit');

export const PaymentMethodOut = z.object({
  id: z.string(), billTo: z.string(), payerId: z.string().nullable(), customerId: z.string().nullable(), type: z.enum(METHOD_TYPES), provider: z.string(),
  brand: z.string().nullable(), last4: z.string().nullable(), expMonth: z.number().nullable(), expYear: z.number().nullable(),
  bankName: z.string().nullable(), accountNumber: z.string().nullable().openapi({ description: 'A virtual account\'s number, or ****1234 for an auto-debit account' }),
  accountHolder: z.string().nullable(), isDefault: z.boolean(), autoCollect: z.boolean(), status: z.enum(['active', 'removed']),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('PaymentMethod');
