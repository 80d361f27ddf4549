import type { InferSelectModel } from 'drizzle-orm';
import type { contracts, customerContacts, customers, payers } from '../db/schema';
import type { CONTRACT_STATUSES, CUSTOMER_STATUSES, CUSTOMER_TYPES, PAYMENT_METHOD_TYPES } from './schemas';

type Customer = InferSelectModel<typeof customers>;
type Contact = InferSelectModel<typeof customerContacts>;

export function contactOut(c: Contact) {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, role: c.role, isPrimary: c.isPrimary };
}

export function customerOut(c: Customer, contacts: Contact[], payer: { id: string; name: string } | null) {
  return {
    id: c.id, externalId: c.externalId, type: c.type as (typeof CUSTOMER_TYPES)[number], name: c.name, email: c.email, phone: c.phone,
    businessRegNo: c.businessRegNo, taxId: c.taxId, country: c.country, timezone: c.timezone, currency: c.currency,
    segment: c.segment, tags: c.tags, attributes: c.attributes ?? {}, status: c.status as (typeof CUSTOMER_STATUSES)[number],
    billingGroup: c.billingGroup, dunningExcluded: c.dunningExcluded, payerId: c.payerId, payer,
    contacts: contacts.map(contactOut), createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

export function payerOut(p: InferSelectModel<typeof payers>, customerCount: number) {
  return {
    id: p.id, externalId: p.externalId, name: p.name, email: p.email, phone: p.phone, billingAddress: p.billingAddress ?? null,
    paymentMethodType: p.paymentMethodType as (typeof PAYMENT_METHOD_TYPES)[number] | null, paymentMethodLabel: p.paymentMethodLabel, paymentTermsDays: p.paymentTermsDays,
    status: p.status, customerCount, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}

export function contractOut(k: InferSelectModel<typeof contracts>) {
  return {
    id: k.id, customerId: k.customerId, code: k.code, termStart: k.termStart, termEnd: k.termEnd,
    // numeric(40,15) comes back padded ("1200000.000000000000000"); trim the zeros, keep it a string.
    commitmentAmount: k.commitmentAmount === null ? null : trimDecimal(k.commitmentAmount), currency: k.currency,
    discountNote: k.discountNote, status: k.status as (typeof CONTRACT_STATUSES)[number],
    createdAt: k.createdAt.toISOString(), updatedAt: k.updatedAt.toISOString(),
  };
}

/** "1200.500000" → "1200.5", "30.000" → "30": a numeric column's text without padding zeros. */
export function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
