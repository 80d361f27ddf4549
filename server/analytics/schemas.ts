import { z } from '@hono/zod-openapi';

const Money = z.string().openapi({ description: 'Decimal string in the currency' });
const Rate = z.string().nullable().openapi({ description: 'A fraction with 4 decimals ("0.0500" = 5%); null when its base is zero' });

export const MrrMonth = z.object({
  month: z.string(), currency: z.string(),
  startMrr: Money, new: Money, expansion: Money, reactivation: Money, contraction: Money, churn: Money, endMrr: Money, arr: Money,
  startCustomers: z.number(), endCustomers: z.number(), newCustomers: z.number(), reactivatedCustomers: z.number(), churnedCustomers: z.number(),
  logoChurnRate: Rate, grossMrrChurnRate: Rate, netMrrChurnRate: Rate, nrr: Rate,
  arpa: Money.nullable(), ltv: Money.nullable().openapi({ description: 'ARPA ÷ logo churn rate' }),
}).openapi('MrrMonth');

export const MrrReport = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()), asOf: z.string(),
  currencyMode: z.literal('per_currency'),
  mrr: z.array(MrrMonth),
  trials: z.array(z.object({ month: z.string(), trialsEnded: z.number(), converted: z.number(), rate: Rate })),
}).openapi('MrrReport');

export const CohortReport = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()), asOf: z.string(),
  cohorts: z.array(z.object({
    currency: z.string(), cohort: z.string(), customers: z.number(), mrr: Money,
    months: z.array(z.object({ month: z.string(), offset: z.number(), customers: z.number(), mrr: Money, customerRetention: Rate, mrrRetention: Rate })),
  })),
}).openapi('CohortReport');

export const ReceivablesReport = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()), asOf: z.string(),
  billedVsCollected: z.array(z.object({
    month: z.string(), currency: z.string(), billed: Money, collected: Money, outstanding: Money, collectionRate: Rate,
    dso: z.string().nullable().openapi({ description: 'Days sales outstanding, 1 decimal' }),
  })),
  aging: z.object({
    asOf: z.string(),
    buckets: z.array(z.object({ currency: z.string(), bucket: z.enum(['current', '1-30', '31-60', '61-90', '90+']), amount: Money, count: z.number() })),
    overdue: z.array(z.object({ currency: z.string(), amount: Money })),
    invoices: z.array(z.object({ id: z.string(), number: z.string().nullable(), customerId: z.string().nullable(), billTo: z.string(), currency: z.string(),
      dueDate: z.string(), daysPastDue: z.number(), bucket: z.string(), open: Money })),
  }),
}).openapi('ReceivablesReport');

export const PaymentPatterns = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()),
  methodMix: z.array(z.object({ month: z.string(), method: z.string(), currency: z.string(), count: z.number(), amount: Money })),
  outcomes: z.array(z.object({ method: z.string(), succeeded: z.number(), failed: z.number(), successRate: Rate })),
  declines: z.array(z.object({ method: z.string(), declineCode: z.string(), count: z.number() })),
  daysToPay: z.array(z.object({ method: z.string(), customerType: z.string(), bucket: z.string(), count: z.number() })),
  timeliness: z.object({ onTime: z.number(), late: z.number(), onTimeShare: Rate }),
  latePayers: z.array(z.object({ billTo: z.string(), name: z.string().nullable(), late: z.number(), avgDaysLate: z.string() })),
  heatmap: z.array(z.object({ day: z.number(), hour: z.number(), count: z.number() })),
}).openapi('PaymentPatterns');

const RoiGroup = z.object({ customers: z.number(), revenuePerCustomer: Money.nullable(), retention: Rate });
export const PromotionRoi = z.object({
  from: z.string(), to: z.string(), months: z.array(z.string()),
  givenAway: z.array(z.object({ rule: z.string(), name: z.string(), kind: z.string(), month: z.string(), currency: z.string(), amount: Money, invoices: z.number(), customers: z.number() })),
  comparison: z.array(z.object({ rule: z.string(), name: z.string(), kind: z.string(), currency: z.string(), users: RoiGroup, nonUsers: RoiGroup })),
}).openapi('PromotionRoi');

export const MovementList = z.object({
  data: z.array(z.object({
    customerId: z.string(), customerName: z.string(), externalId: z.string(), currency: z.string(), date: z.string(),
    kind: z.enum(['new', 'expansion', 'contraction', 'churn', 'reactivation']), amount: Money, mrrBefore: Money, mrrAfter: Money, planCode: z.string().nullable(),
  })),
}).openapi('MrrMovementList');
