/**
 * Sample invoices modelled on seed document 003 (EurekaCodes billing guide: issued 2025-06-01,
 * due 2025-06-05, usage 2025-05-01 ~ 2025-05-31). Used by the tests and `preview.ts`; totals are
 * summed with decimal.js so the fixtures stay consistent when lines are added.
 */
import { Decimal, toMoneyString } from '../../lib/money';
import type { InvoiceDocument, InvoiceLine } from './types';

function sum(currency: string, amounts: string[]): string {
  return toMoneyString(amounts.reduce((acc, a) => acc.plus(a), new Decimal(0)), currency);
}

const SELLER_KO: InvoiceDocument['seller'] = {
  name: '유레카코즈 주식회사',
  businessNumber: '123-45-67890',
  address: '서울특별시 강남구 테헤란로 123, 10층 (역삼동)',
  email: 'billing@eurekacodes.example',
  phone: '02-1234-5678',
};

/** 그로잉살롱, May 2025, KRW: 38,000 charges − 8,000 discount + 10 % VAT = ₩33,000 due. */
export function sampleInvoiceKo(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const lines: InvoiceLine[] = [
    { description: 'Pro 구독료', subscription: 'eureka-backend-cdk', component: '월 구독료', kind: 'charge', quantity: '1', unitAmount: '10000', amount: '10000' },
    { description: '기본료', subscription: 'growing-backend-api', component: '기본료', kind: 'charge', quantity: '1', unitAmount: '8000', amount: '8000' },
    { description: '기본료', subscription: 'growing-socials-api', kind: 'charge', quantity: '1', unitAmount: '5000', amount: '5000' },
    { description: '기본료', subscription: 'lemon-shares-api', kind: 'charge', quantity: '1', unitAmount: '5000', amount: '5000' },
    { description: '기본료', subscription: 'lemon-pushes-api', kind: 'charge', quantity: '1', unitAmount: '5000', amount: '5000' },
    { description: '검색 API 호출 (무료 구간 포함)', subscription: 'lemon-boards-api', component: '검색', kind: 'charge', quantity: '12500', unitAmount: '0.4', amount: '5000' },
    { description: 'AWS 서버비 지원 (10,000원 한도)', kind: 'discount', amount: '-8000', rule: 'promo-aws-credit-2025' },
  ];
  const subtotal = sum('KRW', lines.filter((l) => l.kind !== 'discount' && l.kind !== 'tax').map((l) => l.amount));
  const discountTotal = sum('KRW', lines.filter((l) => l.kind === 'discount').map((l) => l.amount));
  const taxable = new Decimal(subtotal).plus(discountTotal);
  const vat = toMoneyString(taxable.times('0.1').toDecimalPlaces(0, Decimal.ROUND_DOWN), 'KRW');
  const total = sum('KRW', [subtotal, discountTotal, vat]);
  return {
    number: 'INV-2025-000123',
    status: 'finalized',
    locale: 'ko',
    currency: 'KRW',
    issueDate: '2025-06-01',
    dueDate: '2025-06-05',
    period: { start: '2025-05-01', end: '2025-06-01' },
    seller: SELLER_KO,
    buyer: {
      name: '주식회사 그로잉살롱',
      customerType: 'corporate',
      businessNumber: '220-81-12345',
      address: '서울특별시 마포구 월드컵북로 45, 3층',
      email: 'finance@growingsalon.example',
      payerName: '김민지 (재무팀)',
    },
    lines,
    subtotal,
    discountTotal,
    taxTotal: vat,
    taxes: [{ name: '부가가치세', rate: '0.1', amount: vat }],
    total,
    prepaidApplied: '0',
    pointsApplied: '0',
    amountDue: total,
    notes: '본 청구서는 2025년 5월 이용분에 대한 청구서입니다. 문의: billing@eurekacodes.example',
    paymentInstructions: '가상계좌: 신한은행 562-123-456789 (예금주: 유레카코즈 주식회사)\n납부기한까지 입금해 주세요.',
    ...overrides,
  };
}

const SUBSCRIPTIONS = [
  'securenet-backend-api',
  'securenet-goods-api',
  'securenet-points-api',
  'securenet-mailbox-api',
  'lemon-boards-api',
];

/**
 * 시큐어넷 in USD with `lineCount` lines (base fees and search usage cycling over the seed's
 * subscriptions), a rule-produced discount, prepaid balance and points: long enough to page.
 */
export function sampleInvoiceEn(lineCount = 80, overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const lines: InvoiceLine[] = [];
  for (let i = 0; i < lineCount - 1; i++) {
    const sub = SUBSCRIPTIONS[i % SUBSCRIPTIONS.length];
    if (i % 2 === 0) {
      lines.push({ description: `Base fee #${i + 1}`, subscription: sub, component: 'base', kind: 'charge', quantity: '1', unitAmount: '20.00', amount: '20.00' });
    } else {
      lines.push({ description: `Search calls #${i + 1}`, subscription: sub, component: 'search', kind: 'charge', quantity: '15000', unitAmount: '0.0012', amount: '18.00' });
    }
  }
  lines.push({ description: 'AWS April credit (before migration)', kind: 'discount', amount: '-49.99', rule: 'adj-aws-april-credit' });
  const subtotal = sum('USD', lines.filter((l) => l.kind !== 'discount').map((l) => l.amount));
  const discountTotal = sum('USD', lines.filter((l) => l.kind === 'discount').map((l) => l.amount));
  const total = sum('USD', [subtotal, discountTotal]);
  const prepaidApplied = '100.00';
  const pointsApplied = '5.50';
  const amountDue = toMoneyString(new Decimal(total).minus(prepaidApplied).minus(pointsApplied), 'USD');
  return {
    number: 'INV-2025-000124',
    status: 'draft',
    locale: 'en',
    currency: 'USD',
    issueDate: '2025-06-01',
    dueDate: '2025-06-05',
    period: { start: '2025-05-01', end: '2025-06-01' },
    seller: { ...SELLER_KO, name: 'EurekaCodes Inc. (유레카코즈)', address: '123 Teheran-ro, Gangnam-gu, Seoul, Korea' },
    buyer: { name: 'SecureNet Ltd. (시큐어넷)', customerType: 'foreigner', taxId: 'SG-201912345K', email: 'ap@securenet.example' },
    lines,
    subtotal,
    discountTotal,
    taxTotal: '0.00',
    taxes: [{ name: 'VAT (zero-rated export)', rate: '0', amount: '0.00' }],
    total,
    prepaidApplied,
    pointsApplied,
    amountDue,
    paymentInstructions: 'Bank transfer to Shinhan Bank, SWIFT SHBKKRSE, account 180-123-456789, quoting the invoice number.',
    ...overrides,
  };
}
