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
