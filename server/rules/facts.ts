/**
 * The fact catalog: every name a rule condition may use, with its type, labels and allowed
 * values. It is the single registry that drives validation (schema.ts), the no-code editors and
 * `buildFacts`. Facts are flat dotted names; json-rules-engine's JSONPath `path` is not used.
 */

export type FactType = 'string' | 'number' | 'date' | 'boolean' | 'array' | 'money';
/** `rating` facts exist while an invoice is rated; `dunning` facts only for overdue invoices. */
export type FactScope = 'rating' | 'dunning' | 'both';

export interface FactDef {
  name: string;
  type: FactType;
  label: { ko: string; en: string };
  description: string;
  allowedValues?: readonly string[];
  scope: FactScope;
  /** For a dynamic prefix (`usage.`): the name continues after the prefix. */
  prefix?: boolean;
  /** Attribute values are whatever the tenant stores, so any scalar operator fits them. */
  loose?: boolean;
  /** Days, counts and balances: a negative comparison value is a mistake (422). */
  nonNegative?: boolean;
}

export const CUSTOMER_TYPES = ['individual', 'corporate', 'public', 'foreigner'] as const;
export const PLAN_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export const CHURN_BANDS = ['low', 'medium', 'high'] as const;
/** The facts read from a churn score; a trace entry that reads one names the score's model version and date. */
export const CHURN_FACT_NAMES = ['customer.churnRisk', 'customer.churnBand', 'customer.behaviourSegment'] as const;

const f = (
  name: string,
  type: FactType,
  ko: string,
  en: string,
  description: string,
  extra: Partial<FactDef> = {},
): FactDef => ({ name, type, label: { ko, en }, description, scope: 'rating', ...extra });

export const FACT_CATALOG: readonly FactDef[] = [
  f('customer.id', 'string', '고객 ID', 'Customer ID', 'The customer identifier.', { scope: 'both' }),
  f('customer.type', 'string', '고객 유형', 'Customer type', 'individual, corporate, public institution or foreigner.', {
    allowedValues: CUSTOMER_TYPES,
    scope: 'both',
  }),
  f('customer.segment', 'string', '고객 세그먼트', 'Segment', 'Free-form segment, e.g. smb, enterprise.', { scope: 'both' }),
  f('customer.country', 'string', '국가', 'Country', 'ISO 3166-1 alpha-2 country code.', { scope: 'both' }),
  f('customer.tags', 'array', '고객 태그', 'Tags', 'Tags attached to the customer.', { scope: 'both' }),
  f('customer.tenureMonths', 'number', '가입 개월 수', 'Tenure (months)', 'Whole months since the customer signed up.', {
    scope: 'both',
  }),
  f('customer.dunningExcluded', 'boolean', '미납 조치 제외', 'Dunning excluded', 'The customer is exempt from dunning actions.', {
    scope: 'both',
  }),
  // Churn facts (server/churn/facts.ts): the latest score of the tenant's active churn model; null
  // when the customer has no score (no active model, or not scored yet), so rules on them do not fire.
  f('customer.churnRisk', 'number', '이탈 위험도', 'Churn risk', 'Calibrated churn probability, 0 to 1 (e.g. 0.35), of the latest score.', {
    scope: 'both', nonNegative: true,
  }),
  f('customer.churnBand', 'string', '이탈 위험 등급', 'Churn risk band', "low, medium or high, by the model's band thresholds (default medium ≥ 0.2, high ≥ 0.5).", {
    scope: 'both', allowedValues: CHURN_BANDS,
  }),
  f('customer.behaviourSegment', 'string', '행동 세그먼트', 'Behaviour segment', "Name of the customer's behaviour segment in the model (e.g. \"small, card auto-pay, loyal\").", {
    scope: 'both',
  }),
  f('subscription.planCode', 'string', '상품 코드', 'Plan code', 'Code of the subscribed plan.'),
  f('subscription.startDate', 'date', '서비스 시작일', 'Start date', 'Billing start date of the subscription.'),
  f('subscription.cycleIndex', 'number', '청구 회차', 'Billing cycle', '1 = the first billed period.'),
  f('subscription.installmentsLeft', 'number', '남은 할부 회차', 'Installments left', 'Installments still to be charged after this invoice (null when the plan has none).'),
  f('subscription.termEndsOn', 'date', '약정 종료일', 'Term ends on', 'End (exclusive) of the current fixed term (null when the plan has no term).'),
  f('plan.code', 'string', '상품 코드', 'Plan code', 'Code of the plan being rated.'),
  f('plan.interval', 'string', '청구 주기', 'Interval', 'day, week, month or year.', { allowedValues: PLAN_INTERVALS }),
  f('plan.currency', 'string', '통화', 'Currency', 'ISO 4217 currency of the plan.'),
  f('period.start', 'date', '사용기간 시작', 'Period start', 'First day of the billed period.'),
  f('period.end', 'date', '사용기간 종료', 'Period end', 'Day after the last day of the billed period (exclusive).'),
  f('period.days', 'number', '사용기간 일수', 'Period days', 'Number of days in the period.'),
  f('period.month', 'number', '청구 월', 'Period month', 'Month (1-12) of the period start.'),
  f('bill.subtotal', 'money', '청구 소계', 'Bill subtotal', "The subscription's charges before discounts (null before pricing)."),
  f('invoice.subtotal', 'money', '인보이스 소계', 'Invoice subtotal', "All subscriptions' charges before discounts (null before pricing)."),
  f('coupons', 'array', '쿠폰 코드', 'Coupon codes', 'Codes presented on the invoice and the subscription.'),
  // Dunning facts (server/dunning/facts.ts builds them for each overdue invoice).
  f('invoice.daysOverdue', 'number', '연체 일수', 'Days overdue', 'Days since the due date.', { scope: 'dunning', nonNegative: true }),
  f('invoice.amountDue', 'money', '미납 금액', 'Amount due', 'Unpaid amount of the invoice.', { scope: 'dunning', nonNegative: true }),
  f('invoice.currency', 'string', '인보이스 통화', 'Invoice currency', 'ISO 4217 currency of the invoice.', { scope: 'dunning' }),
  f('payer.overdueBalance', 'money', '납부자 연체 잔액', 'Payer overdue balance', "What the payer owes on all its overdue invoices in the invoice's currency.", { scope: 'dunning', nonNegative: true }),
  f('payer.unpaidInvoiceCount', 'number', '납부자 미납 건수', 'Payer unpaid invoices', 'How many overdue invoices the payer has.', { scope: 'dunning', nonNegative: true }),
  f('payment.attempts', 'number', '결제 재시도 횟수', 'Payment attempts', 'Collection attempts dunning has made for the invoice.', { scope: 'dunning', nonNegative: true }),
  f('payment.lastDeclineCode', 'string', '최근 거절 코드', 'Last decline code', "The last failed payment's decline code (null: none).", { scope: 'dunning' }),
  f('payment.method', 'string', '결제 수단', 'Payment method', "The payer's default method: card, bank_transfer, virtual_account or prepaid.", {
    scope: 'dunning', allowedValues: ['card', 'bank_transfer', 'virtual_account', 'prepaid'],
  }),
  f('dunning.stepsTaken', 'number', '진행된 미납 조치 수', 'Dunning steps taken', 'Actions dunning has taken on the invoice so far.', { scope: 'dunning', nonNegative: true }),
  f('calendar.weekday', 'number', '요일', 'Weekday', "1 = Monday … 7 = Sunday, in the tenant's time zone.", { scope: 'dunning' }),
  f('calendar.dayOfMonth', 'number', '일자', 'Day of month', "1-31, in the tenant's time zone.", { scope: 'dunning' }),
];

export const DYNAMIC_FACTS: readonly FactDef[] = [
  f('customer.attributes.', 'string', '고객 속성', 'Customer attribute', 'A tenant-defined customer attribute.', {
    prefix: true,
    loose: true,
    scope: 'both',
  }),
  f('subscription.quantities.', 'number', '수량', 'Quantity', 'Units held on the subscription (e.g. seats).', { prefix: true }),
  f('usage.', 'number', '사용량', 'Usage', 'Units metered in the period (a percentage meter: its amount).', { prefix: true }),
];

const hasOwn = (o: object, k: string) => Object.prototype.propertyIsEnumerable.call(o, k);
const BY_NAME = new Map(FACT_CATALOG.map((d) => [d.name, d]));
const SUFFIX_RE = /^[A-Za-z0-9_-]+$/;

/** The catalog entry for a fact name, resolving dynamic prefixes; undefined when unknown. */
export function lookupFact(name: string): FactDef | undefined {
  const exact = BY_NAME.get(name);
  if (exact) return exact;
  for (const d of DYNAMIC_FACTS) {
    if (name.startsWith(d.name) && SUFFIX_RE.test(name.slice(d.name.length))) return d;
  }
  return undefined;
}

/** Fact names are used as object keys in fact maps; values must be plain JSON. */
export type FactValue = string | number | boolean | null | readonly string[];
export type FactMap = Record<string, unknown>;

export interface FactCustomer {
  id?: string | null;
  type?: string | null;
  segment?: string | null;
  country?: string | null;
  tags?: readonly string[] | null;
  tenureMonths?: number | null;
  dunningExcluded?: boolean | null;
  attributes?: Record<string, string | number | boolean | null> | null;
  /** The latest churn score of the active model (server/churn/facts.ts); absent = no score. */
  churnRisk?: number | null;
  churnBand?: string | null;
  behaviourSegment?: string | null;
  /** Where the churn facts came from, named in the trace of every rule that reads them. */
  churnScore?: { modelVersion: number; asOf: string } | null;
}

export interface BuildFactsInput {
  customer: FactCustomer;
  subscription?: {
    planCode?: string | null;
    startDate?: string | null;
    cycleIndex?: number | null;
    installmentsLeft?: number | null;
    termEndsOn?: string | null;
    /** Quantities already converted to numbers (conditions compare, they never compute money). */
    quantities?: Record<string, number> | null;
  };
  plan?: { code?: string | null; interval?: string | null; currency?: string | null };
  period?: { start: string; end: string; days: number } | null;
  usage?: Record<string, number> | null;
  /** Money facts go to conditions as JS numbers: json-rules-engine compares them with `<`. */
  billSubtotal?: number | null;
  invoiceSubtotal?: number | null;
  coupons?: readonly string[] | null;
  /** Dynamic fact names the rules reference; absent ones are supplied as null. */
  referencedFacts?: Iterable<string>;
}

/**
 * The flat fact map for one subscription in one period. Every catalog fact is present, null
 * when unknown, so a missing fact can neither throw (json-rules-engine's UndefinedFactError) nor
 * silently satisfy `notEqual`.
 */
export function buildFacts(input: BuildFactsInput): FactMap {
  const c = input.customer;
  const s = input.subscription ?? {};
  const p = input.plan ?? {};
  const per = input.period ?? null;
  const facts: FactMap = {
    'customer.id': c.id ?? null,
    'customer.type': c.type ?? null,
    'customer.segment': c.segment ?? null,
    'customer.country': c.country ?? null,
    'customer.tags': c.tags ?? null,
    'customer.tenureMonths': c.tenureMonths ?? null,
    'customer.dunningExcluded': c.dunningExcluded ?? null,
    'customer.churnRisk': c.churnRisk ?? null,
    'customer.churnBand': c.churnBand ?? null,
    'customer.behaviourSegment': c.behaviourSegment ?? null,
    'subscription.planCode': s.planCode ?? null,
    'subscription.startDate': s.startDate ?? null,
    'subscription.cycleIndex': s.cycleIndex ?? null,
    'subscription.installmentsLeft': s.installmentsLeft ?? null,
    'subscription.termEndsOn': s.termEndsOn ?? null,
    'plan.code': p.code ?? null,
    'plan.interval': p.interval ?? null,
    'plan.currency': p.currency ?? null,
    'period.start': per ? per.start : null,
    'period.end': per ? per.end : null,
    'period.days': per ? per.days : null,
    'period.month': per ? Number(per.start.slice(5, 7)) : null,
    'bill.subtotal': input.billSubtotal ?? null,
    'invoice.subtotal': input.invoiceSubtotal ?? null,
    coupons: input.coupons ?? null,
  };
  // for-in over own keys (no Object.entries arrays): same keys, same order.
  const attrs = c.attributes;
  if (attrs) for (const k in attrs) if (hasOwn(attrs, k)) facts[`customer.attributes.${k}`] = attrs[k] ?? null;
  const qs = s.quantities;
  if (qs) for (const k in qs) if (hasOwn(qs, k)) facts[`subscription.quantities.${k}`] = qs[k];
  const us = input.usage;
  if (us) for (const k in us) if (hasOwn(us, k)) facts[`usage.${k}`] = us[k];
  if (input.referencedFacts) for (const name of input.referencedFacts) if (!(name in facts)) facts[name] = null;
  return facts;
}
