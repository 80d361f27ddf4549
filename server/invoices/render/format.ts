/**
 * Display formatting shared by the PDF and the e-mail: money from decimal strings, dates from
 * calendar-date strings, and the ko/en labels. Money never becomes a JS number here: the integer
 * part goes to Intl as a BigInt (exact at any size) and the fraction digits are spliced back in
 * as text, so "12345678901234567.89" prints exactly.
 */
import { Decimal, currencyDecimals, isDecimalString, toMoneyString } from '../../lib/money';
import { addDays, isIsoDate } from '../../lib/dates';
import type { InvoiceLineKind, InvoiceLocale, InvoiceStatus } from './types';

const INTL_LOCALE: Record<InvoiceLocale, string> = { ko: 'ko-KR', en: 'en-US' };

// Intl formatters are costly to build (≈0.5 ms each) and a dunning run formats tens of thousands
// of reminders: one per locale and options, kept for the process (a handful of distinct keys).
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

function splitDecimal(s: string): { negative: boolean; int: string; frac: string } {
  const negative = s.startsWith('-');
  const [int, frac = ''] = (negative ? s.slice(1) : s).split('.');
  return { negative, int, frac };
}

/**
 * Lays `value` (a plain decimal string, already at the wanted precision) onto Intl's parts for
 * the locale: the template gives symbol, sign and separator placement, BigInt gives grouping.
 */
function formatExact(value: string, locale: InvoiceLocale, options: Intl.NumberFormatOptions): string {
  const { negative, int, frac } = splitDecimal(value);
  const isZero = /^0*$/.test(int) && /^0*$/.test(frac);
  const nf = numberFormat(INTL_LOCALE[locale], {
    ...options,
    minimumFractionDigits: frac.length,
    maximumFractionDigits: frac.length,
  });
  const groupedInt = numberFormat(INTL_LOCALE[locale], { useGrouping: true, maximumFractionDigits: 0 })
    .formatToParts(BigInt(int))
    .filter((p) => p.type === 'integer' || p.type === 'group')
    .map((p) => p.value)
    .join('');
  let intDone = false;
  return nf
    .formatToParts(negative && !isZero ? -1n : 1n)
    .map((p) => {
      if (p.type === 'integer') {
        if (intDone) return '';
        intDone = true;
        return groupedInt;
      }
      if (p.type === 'group') return '';
      if (p.type === 'fraction') return frac;
      return p.value;
    })
    .join('');
}

function assertDecimal(amount: string, what: string): void {
  if (!isDecimalString(amount)) throw new RangeError(`${what} is not a decimal string: ${JSON.stringify(amount)}`);
}

/**
 * "33000" KRW → "₩33,000"; "-19.8" USD → "-$19.80". Amounts are shown with exactly the currency's
 * minor units (an unrounded amount is rounded half-up, as `toMoneyString` does).
 */
export function formatMoney(amount: string, currency: string, locale: InvoiceLocale): string {
  assertDecimal(amount, 'amount');
  const fixed = toMoneyString(new Decimal(amount), currency);
  return formatExact(fixed, locale, { style: 'currency', currency });
}

/**
 * Unit prices keep their own precision ("0.0012" USD → "$0.0012") but never show fewer than the
 * currency's minor units ("5" USD → "$5.00").
 */
export function formatUnitPrice(amount: string, currency: string, locale: InvoiceLocale): string {
  assertDecimal(amount, 'unit price');
  const d = new Decimal(amount);
  const places = Math.max(currencyDecimals(currency), d.decimalPlaces());
  return formatExact(d.toFixed(places), locale, { style: 'currency', currency });
}

/** "1234.50" → "1,234.5"; quantities keep significant fraction digits only. */
export function formatQuantity(quantity: string, locale: InvoiceLocale): string {
  assertDecimal(quantity, 'quantity');
  const d = new Decimal(quantity);
  return formatExact(d.toFixed(d.decimalPlaces()), locale, { style: 'decimal' });
}

/** "0.1" → "10%". */
export function formatRate(rate: string): string {
  assertDecimal(rate, 'rate');
  return `${new Decimal(rate).times(100).toString()}%`;
}

/** Displayed negative whatever the sign it was stored with (discounts, deductions). */
export function negated(amount: string): string {
  assertDecimal(amount, 'amount');
  const d = new Decimal(amount).abs();
  return d.isZero() ? amount.replace(/^-/, '') : `-${d.toString()}`;
}

export function isZeroAmount(amount: string): boolean {
  assertDecimal(amount, 'amount');
  return new Decimal(amount).isZero();
}

function utcDate(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO calendar date: ${JSON.stringify(date)}`);
  return new Date(`${date}T00:00:00Z`);
}

/** ko "2025.06.01", en "Jun 1, 2025". */
export function formatDate(date: string, locale: InvoiceLocale): string {
  if (locale === 'ko') {
    if (!isIsoDate(date)) throw new RangeError(`not an ISO calendar date: ${JSON.stringify(date)}`);
    return date.replaceAll('-', '.');
  }
  return dateFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    utcDate(date),
  );
}

/**
 * THE server-side place a stored period `[start, end)` becomes what people read: its first and
 * last day, "2025-05-01 ~ 2025-05-31", the same text in both languages and the same as the
 * console's `periodText` (header, lines, PDF and e-mail all agree). `locale` is kept for callers.
 */
export function formatPeriod(period: { start: string; end: string }, _locale?: InvoiceLocale): string {
  if (!isIsoDate(period.start)) throw new RangeError(`not an ISO calendar date: ${JSON.stringify(period.start)}`);
  return `${period.start} ~ ${addDays(period.end, -1)}`;
}

/** The month a period bills: ko "2025년 5월", en "May 2025". */
export function formatBillingMonth(period: { start: string }, locale: InvoiceLocale): string {
  const [y, m] = period.start.split('-');
  if (locale === 'ko') return `${Number(y)}년 ${Number(m)}월`;
  return dateFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(utcDate(period.start));
}

export interface InvoiceLabels {
  title: string;
  /** The other language's title, printed small under the main one. */
  subtitle: string;
  invoiceNumber: string;
  issueDate: string;
  dueDate: string;
  period: string;
  currency: string;
  seller: string;
  buyer: string;
  businessNumber: string;
  taxId: string;
  payer: string;
  customerType: string;
  address: string;
  email: string;
  phone: string;
  amountDueBanner: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  rule: string;
  /** A tier row of a graduated/volume line, the coupon code of a discount line, free units. */
  tier: string;
  coupon: string;
  freeUnits: string;
  /** A draft's issue and due dates: they are set when it is finalized. */
  draftIssueDate: string;
  draftDueDate: string;
  subtotal: string;
  discounts: string;
  tax: string;
  total: string;
  prepaid: string;
  points: string;
  amountDue: string;
  notes: string;
  paymentInstructions: string;
  page: string;
  kind: Record<InvoiceLineKind, string>;
  status: Record<InvoiceStatus, string>;
  /** Big diagonal text for non-final documents. */
  watermark: Partial<Record<InvoiceStatus, string>>;
  continued: string;
}

export const LABELS: Record<InvoiceLocale, InvoiceLabels> = {
  ko: {
    title: '청구서',
    subtitle: 'INVOICE',
    invoiceNumber: '청구서 번호',
    issueDate: '발행일',
    dueDate: '납부기한',
    period: '이용기간',
    currency: '통화',
    seller: '공급자',
    buyer: '공급받는자',
    businessNumber: '사업자등록번호',
    taxId: '세금 식별번호',
    payer: '납부자',
    customerType: '고객 유형',
    address: '주소',
    email: '이메일',
    phone: '전화',
    amountDueBanner: '납부하실 금액',
    description: '항목',
    quantity: '수량',
    unitPrice: '단가',
    amount: '금액',
    rule: '규칙',
    tier: '구간',
    coupon: '쿠폰',
    freeUnits: '무료 수량',
    draftIssueDate: '초안 — 확정 시 발행',
    draftDueDate: '확정 시 정해짐',
    subtotal: '공급가액',
    discounts: '할인',
    tax: '세액',
    total: '합계',
    prepaid: '선수금 차감',
    points: '포인트 사용',
    amountDue: '청구 금액',
    notes: '비고',
    paymentInstructions: '납부 안내',
    page: '페이지',
    kind: { charge: '사용료', minimum: '최소 이용료', discount: '할인', tax: '세금', adjustment: '요금 조정' },
    status: { draft: '초안', finalized: '청구 확정', partially_paid: '부분 납부', paid: '결제 완료', payment_failed: '결제 실패', void: '무효' },
    watermark: { draft: '초안 DRAFT', void: '무효 VOID' },
    continued: '(계속)',
  },
  en: {
    title: 'INVOICE',
    subtitle: '청구서',
    invoiceNumber: 'Invoice no.',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    period: 'Service period',
    currency: 'Currency',
    seller: 'From',
    buyer: 'Bill to',
    businessNumber: 'Business reg. no.',
    taxId: 'Tax ID',
    payer: 'Payer',
    customerType: 'Customer type',
    address: 'Address',
    email: 'E-mail',
    phone: 'Phone',
    amountDueBanner: 'Amount due',
    description: 'Description',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    amount: 'Amount',
    rule: 'rule',
    tier: 'tier',
    coupon: 'coupon',
    freeUnits: 'free units',
    draftIssueDate: 'Draft — issued on finalize',
    draftDueDate: 'Set on finalize',
    subtotal: 'Subtotal',
    discounts: 'Discounts',
    tax: 'Tax',
    total: 'Total',
    prepaid: 'Prepaid balance applied',
    points: 'Points applied',
    amountDue: 'Amount due',
    notes: 'Notes',
    paymentInstructions: 'How to pay',
    page: 'Page',
    kind: { charge: 'Charge', minimum: 'Minimum commitment', discount: 'Discount', tax: 'Tax', adjustment: 'Adjustment' },
    status: { draft: 'Draft', finalized: 'Finalized', partially_paid: 'Partially paid', paid: 'Paid', payment_failed: 'Payment failed', void: 'Void' },
    watermark: { draft: 'DRAFT', void: 'VOID' },
    continued: '(continued)',
  },
};
