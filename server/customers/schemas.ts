import { z } from '@hono/zod-openapi';
import { isoDate, paging } from '../lib/schemas';
import { isCurrencyCode } from '../lib/money';

export const CUSTOMER_TYPES = ['individual', 'corporate', 'public', 'foreigner'] as const;
export const CUSTOMER_STATUSES = ['active', 'suspended', 'closed'] as const;
export const PAYMENT_METHOD_TYPES = ['card', 'bank_transfer', 'virtual_account', 'prepaid'] as const;
export const CONTRACT_STATUSES = ['draft', 'active', 'expired', 'terminated'] as const;

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max).transform((v) => (v === '' ? null : v)).nullable().optional();
const email = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address'));
const phone = z.string().trim().regex(/^\+?[0-9][0-9 ()-]{5,24}$/, 'must be a phone number such as 02-1234-5678 or +82 10 1234 5678');
export const externalId = z.string().trim().min(1).max(100).regex(/^[\w.:@/-]+$/, 'letters, digits and . _ - : @ / only');
export const country = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as KR');
export const currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as KRW or USD', abort: true }).refine(isCurrencyCode, 'is not an ISO 4217 currency code');
/**
 * Zones already found valid: building an Intl.DateTimeFormat costs about as much as the rest of a
 * customer's validation, and a CSV import checks the same few zones on every row. Only valid
 * names are kept, so the set stays as small as the IANA list.
 */
const knownZones = new Set<string>();
export const ianaZone = z.string().refine((tz) => {
  if (knownZones.has(tz)) return true;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); knownZones.add(tz); return true; } catch { return false; }
}, 'must be an IANA time zone such as Asia/Seoul');
const tag = z.string().trim().min(1).max(50);
const attrName = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const attributes = z.record(z.string().regex(attrName, 'attribute names are letters, digits and _ (they become facts customer.attributes.<name>)'),
  z.union([z.string().max(500), z.number(), z.boolean(), z.null()]));
export const decimalString = z.union([z.string(), z.number()]).transform((v) => String(v).trim())
  .refine((s) => /^\d{1,24}(\.\d{1,15})?$/.test(s), 'must be a non-negative decimal amount such as "1200000" or "99.50"');

/* Payers (납부자) */
export const BillingAddress = z.object({
  line1: optText(200), line2: optText(200), city: optText(100), region: optText(100), postalCode: optText(20), country: country.nullable().optional(),
}).openapi('BillingAddress');

export const PayerCreateIn = z.object({
  externalId: externalId.nullable().optional(),
  name: trimmed(200),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  billingAddress: BillingAddress.nullable().optional(),
  paymentMethodType: z.enum(PAYMENT_METHOD_TYPES).nullable().optional(),
  paymentMethodLabel: z.string().trim().max(100)
    .refine((s) => !/\d{8,}/.test(s.replace(/[\s-]/g, '')), 'must not contain a card or account number; keep at most the last 4 digits')
    .nullable().optional(),
  paymentTermsDays: z.number().int().min(0).max(365).nullable().optional()
    .openapi({ description: "Days from issue to due date for this payer's invoices; null = the tenant's payment terms" }),
}).openapi('PayerCreate');
export const PayerPatchIn = PayerCreateIn.partial().extend({ status: z.enum(['active', 'inactive']).optional() }).openapi('PayerPatch');

export const PayerOut = z.object({
  id: z.string(), externalId: z.string().nullable(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(),
  billingAddress: z.record(z.string(), z.string().nullable()).nullable(), paymentMethodType: z.enum(PAYMENT_METHOD_TYPES).nullable(),
  paymentMethodLabel: z.string().nullable(), paymentTermsDays: z.number().int().nullable(), status: z.string(), customerCount: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Payer');

/* Customers (고객) */
export const ContactIn = z.object({
  name: trimmed(200), email: email.nullable().optional(), phone: phone.nullable().optional(), role: optText(100), isPrimary: z.boolean().optional(),
}).openapi('ContactInput');
export const ContactOut = z.object({
  id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), role: z.string().nullable(), isPrimary: z.boolean(),
}).openapi('Contact');

const customerFields = {
  externalId,
  type: z.enum(CUSTOMER_TYPES),
  name: trimmed(200),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  businessRegNo: z.string().trim().max(20).nullable().optional().openapi({ description: '사업자등록번호 XXX-XX-XXXXX; required for corporate customers in KR, checksum-validated' }),
  taxId: z.string().trim().max(50).nullable().optional(),
  country: country.optional(),
  timezone: ianaZone.optional(),
  currency: currency.optional(),
  segment: optText(50),
  tags: z.array(tag).max(50).optional(),
  attributes: attributes.optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  billingGroup: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'lowercase letters, digits, _ or -').nullable().optional(),
  dunningExcluded: z.boolean().optional(),
  payerId: z.string().uuid().nullable().optional(),
  contacts: z.array(ContactIn).max(20).optional(),
};

export const CustomerCreateIn = z.object({
  ...customerFields,
  payer: PayerCreateIn.optional().openapi({ description: 'Create the payer (납부자) together with the customer; excludes payerId' }),
}).openapi('CustomerCreate');
export const CustomerPatchIn = z.object(customerFields).partial().openapi('CustomerPatch');

export const CustomerOut = z.object({
  id: z.string(), externalId: z.string(), type: z.enum(CUSTOMER_TYPES), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(),
  businessRegNo: z.string().nullable(), taxId: z.string().nullable(), country: z.string(), timezone: z.string(), currency: z.string(),
  segment: z.string().nullable(), tags: z.array(z.string()), attributes: z.record(z.string(), z.any()), status: z.enum(CUSTOMER_STATUSES),
  billingGroup: z.string().nullable(), dunningExcluded: z.boolean(), payerId: z.string().nullable(),
  payer: z.object({ id: z.string(), name: z.string() }).nullable(), contacts: z.array(ContactOut), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Customer');

export const CustomerListQuery = z.object({
  q: z.string().trim().max(100).optional().openapi({ description: 'Searches name, external id, e-mail and 사업자등록번호' }),
  type: z.enum(CUSTOMER_TYPES).optional(), status: z.enum(CUSTOMER_STATUSES).optional(), segment: z.string().optional(),
  billingGroup: z.string().optional(), payerId: z.string().uuid().optional(), tag: z.string().optional(), country: country.optional(),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt', 'externalId']).default('-createdAt'),
  ...paging(),
});

/* Contracts (계약) */
export const ContractCreateIn = z.object({
  customerId: z.string().uuid(),
  code: z.string().trim().min(1).max(50).nullable().optional(),
  termStart: isoDate,
  termEnd: isoDate.nullable().optional().openapi({ description: 'Exclusive end date; null = open-ended' }),
  commitmentAmount: decimalString.nullable().optional(),
  currency: currency.optional(),
  discountNote: z.string().trim().max(1000).nullable().optional(),
  status: z.enum(CONTRACT_STATUSES).optional(),
}).openapi('ContractCreate');
export const ContractPatchIn = ContractCreateIn.omit({ customerId: true }).partial().openapi('ContractPatch');
export const ContractOut = z.object({
  id: z.string(), customerId: z.string(), code: z.string().nullable(), termStart: z.string(), termEnd: z.string().nullable(),
  commitmentAmount: z.string().nullable(), currency: z.string(), discountNote: z.string().nullable(), status: z.enum(CONTRACT_STATUSES),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Contract');
export const ContractListQuery = z.object({
  customerId: z.string().uuid().optional(), status: z.enum(CONTRACT_STATUSES).optional(),
  ...paging(),
});
export const PayerListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  ...paging(),
});

export type PayerCreate = z.infer<typeof PayerCreateIn>;
export type PayerPatch = z.infer<typeof PayerPatchIn>;
export type CustomerCreate = z.infer<typeof CustomerCreateIn>;
export type CustomerPatch = z.infer<typeof CustomerPatchIn>;
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;
export type ContractCreate = z.infer<typeof ContractCreateIn>;
export type ContractPatch = z.infer<typeof ContractPatchIn>;
export type ContractListQuery = z.infer<typeof ContractListQuery>;
export type PayerListQuery = z.infer<typeof PayerListQuery>;
