/**
 * The render model of an invoice: everything the PDF and the e-mail need, already computed.
 * Renderers never do billing math; amounts are decimal strings in major units ("33000" KRW,
 * "19.80" USD), signed as they affect the total (discount lines and `discountTotal` are
 * negative or zero). Dates are calendar dates "YYYY-MM-DD" in the tenant's time zone.
 */

import type { TierUse } from '../../rating/pricing/types';

export type InvoiceStatus = 'draft' | 'finalized' | 'partially_paid' | 'paid' | 'payment_failed' | 'void';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['draft', 'finalized', 'partially_paid', 'paid', 'payment_failed', 'void'];

export type InvoiceLocale = 'ko' | 'en';

export type InvoiceLineKind = 'charge' | 'minimum' | 'discount' | 'tax' | 'adjustment';

export interface InvoiceParty {
  name: string;
  /** 사업자등록번호, e.g. "123-45-67890". */
  businessNumber?: string;
  address?: string;
  email?: string;
  phone?: string;
}

export interface InvoiceBuyer extends Omit<InvoiceParty, 'phone'> {
  /** customer.type: individual, corporate, public institution, foreigner. */
  customerType?: string;
  /** Foreign tax id (VAT number) when there is no Korean business number. */
  taxId?: string;
  /** 납부자, when the payer is not the customer. */
  payerName?: string;
}

export interface InvoiceLine {
  description: string;
  /** The subscription (서비스) this line bills, e.g. "securenet-backend-api". */
  subscription?: string;
  /** The plan component, e.g. "기본료" / "search calls". */
  component?: string;
  kind: InvoiceLineKind;
  quantity?: string;
  /** May carry more decimals than the currency (per-unit prices such as "0.0012"). */
  unitAmount?: string;
  amount: string;
  /** Id of the rule that produced the line (discounts, minimums, adjustments). */
  rule?: string;
  /** The days the line bills, `end` exclusive like `InvoiceDocument.period` (shown inclusive). */
  period?: { start: string; end: string };
  /** Graduated and volume lines: the tiers their units fell in (rating/pricing/types.ts). */
  tiers?: TierUse[];
  /** Units not charged (plan free units, free_units rules). */
  freeUnits?: string;
  /** Discount lines of a coupon: the code presented. */
  coupon?: string;
}

export interface InvoiceTax {
  /** e.g. "부가세" / "VAT". */
  name: string;
  /** Decimal fraction as a string, "0.1" = 10 %. */
  rate?: string;
  amount: string;
}

export interface InvoiceDocument {
  /** An invoice (default) or a credit note (요금 조정) against one: `credits` is that invoice's number. */
  kind?: 'invoice' | 'credit_note';
  credits?: string;
  /** Credit notes: why it was issued. */
  reason?: string;
  /** e.g. "INV-2025-000123"; drafts may carry a provisional number. */
  number: string;
  status: InvoiceStatus;
  locale: InvoiceLocale;
  /** ISO 4217 code. */
  currency: string;
  issueDate: string;
  dueDate: string;
  /** Usage period; `end` is exclusive (2025-05-01 .. 2025-06-01 is shown as 05-01 ~ 05-31). */
  period: { start: string; end: string };
  seller: InvoiceParty;
  buyer: InvoiceBuyer;
  lines: InvoiceLine[];
  subtotal: string;
  /** Sum of discount lines, zero or negative. */
  discountTotal: string;
  taxTotal: string;
  taxes: InvoiceTax[];
  total: string;
  /** 선수금 drawn down by this invoice (positive; shown as a deduction). */
  prepaidApplied: string;
  /** 포인트 spent on this invoice (positive; shown as a deduction). */
  pointsApplied: string;
  amountDue: string;
  notes?: string;
  /** Free text, e.g. virtual account (가상계좌) or bank transfer details. */
  paymentInstructions?: string;
}
