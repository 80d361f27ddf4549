import { z } from '@hono/zod-openapi';
import { isoDate } from '../lib/schemas';
import { isCurrencyCode } from '../lib/money';

export const ExclusionIn = z.object({
  customerId: z.string().uuid().optional().openapi({ description: 'Exclude this customer (give exactly one of customerId, payerId)' }),
  payerId: z.string().uuid().optional().openapi({ description: 'Exclude every invoice of this payer' }),
  reasonCode: z.string().trim().min(1).max(50).openapi({ example: 'public_budget_cycle' }),
  note: z.string().max(2000).optional(),
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
}).openapi('DunningExclusionCreate');
export const ExclusionOut = z.object({
  id: z.string(), customerId: z.string().nullable(), payerId: z.string().nullable(), reasonCode: z.string(), note: z.string().nullable(), setBy: z.string(),
  validFrom: z.string().nullable(), validTo: z.string().nullable(), createdAt: z.string(), endedAt: z.string().nullable(), endedBy: z.string().nullable(),
}).openapi('DunningExclusion');
export const ExclusionListQuery = z.object({ includeEnded: z.enum(['true', 'false']).optional() });

export const ControlIn = z.object({
  pausedUntil: isoDate.nullable().optional().openapi({ description: "No step acts on or before this date (tenant time); '9999-12-31' until resumed; null resumes" }),
  promiseToPayOn: isoDate.nullable().optional().openapi({ description: 'The payer promised to pay by this date: steps wait until the day after; null clears' }),
  note: z.string().max(2000).nullable().optional(),
}).openapi('DunningControlSet');
export const ControlOut = z.object({ pausedUntil: z.string().nullable(), promiseToPayOn: z.string().nullable(), note: z.string().nullable(), updatedBy: z.string(), updatedAt: z.string() }).openapi('DunningControl');

export const StepOut = z.object({
  id: z.string(), invoiceId: z.string(), billTo: z.string(), ruleCode: z.string(), ruleVersion: z.number().int(), step: z.number().int(), action: z.string(),
  status: z.enum(['queued', 'sending', 'done', 'failed', 'cancelled', 'open', 'unknown']), runDate: z.string(), lastAttemptOn: z.string(), attempts: z.number().int(),
  result: z.record(z.string(), z.unknown()), error: z.string().nullable(), reversedAt: z.string().nullable(),
}).openapi('DunningStep');
export const TimelineOut = z.object({
  id: z.string(), runDate: z.string(), ruleCode: z.string().nullable(), ruleVersion: z.number().int().nullable(), action: z.string().nullable(),
  decision: z.string().openapi({ description: 'acted | failed | excluded | paused | not_due | no_action | stopped | reinstated | unknown' }),
  reason: z.string().nullable(),
  code: z.string().openapi({ description: 'The reason as a stable code (server/dunning/reasons.ts): other = free text in params.text, empty = no reason' }),
  params: z.record(z.string(), z.string()).openapi({ description: 'The reason\'s parameters (failedRetry: error, and errorCode when the error is a known one)' }),
  facts: z.record(z.string(), z.unknown()), trace: z.unknown(), createdAt: z.string(),
}).openapi('DunningTimelineEntry');
export const InvoiceDunningOut = z.object({ invoiceId: z.string(), control: ControlOut.nullable(), steps: z.array(StepOut), timeline: z.array(TimelineOut) }).openapi('InvoiceDunning');

export const RunIn = z.object({ date: isoDate.optional().openapi({ description: "The tenant-local date to run for; default today" }) }).openapi('DunningRunStart');
export const RunOut = z.object({ localDate: z.string(), dedupeKey: z.string() }).openapi('DunningRunStarted');

const Projected = z.object({
  date: z.string(), daysOverdue: z.number().int(), ruleCode: z.string(), ruleVersion: z.number().int(), ruleName: z.string(), action: z.string(),
  amount: z.string().optional(), facts: z.record(z.string(), z.unknown()),
}).openapi('DunningProjectedStep');
const Stopped = z.object({ date: z.string(), ruleCode: z.string(), reason: z.string() }).openapi('DunningProjectedStop');
const Rules = z.array(z.unknown()).max(100).optional().openapi({ description: 'Draft dunning rule documents; without them the published policy' });

export const SimulateIn = z.object({ rules: Rules, days: z.number().int().min(1).max(90).default(30), limit: z.number().int().min(1).max(500).default(100) }).openapi('DunningSimulate');
export const SimulateOut = z.object({
  today: z.string(), until: z.string(), overdueTotal: z.number().int(),
  invoices: z.array(z.object({ invoiceId: z.string(), number: z.string().nullable(), billTo: z.string(), currency: z.string(), amountDue: z.string(), dueDate: z.string(), daysOverdue: z.number().int(), steps: z.array(Projected), stopped: z.array(Stopped) })),
}).openapi('DunningSimulation');
export const PreviewIn = z.object({
  rules: Rules, amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal string like "100000"'), currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').refine(isCurrencyCode, 'is not an ISO 4217 currency code'),
  days: z.number().int().min(1).max(180).default(60),
  customer: z.object({ type: z.enum(['individual', 'corporate', 'public', 'foreigner']).optional(), segment: z.string().optional(), tags: z.array(z.string()).optional() }).optional(),
}).openapi('DunningPreview');
export const PreviewOut = z.object({ amount: z.string(), currency: z.string(), days: z.number().int(), steps: z.array(Projected.extend({ day: z.number().int() })), stopped: z.array(Stopped) }).openapi('DunningPreviewResult');

const MoneyByCurrency = z.object({ currency: z.string(), amount: z.string() });
export const BoardQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const BoardOut = z.object({
  today: z.string(),
  aging: z.array(z.object({ currency: z.string(), buckets: z.array(z.object({ bucket: z.enum(['current', '1-30', '31-60', '61-90', '90+']), amount: z.string(), count: z.number().int() })) })),
  stages: z.array(z.object({ stage: z.string(), count: z.number().int() })),
  recovery: z.array(z.object({ ruleCode: z.string(), action: z.string(), invoices: z.number().int(), paid: z.number().int(), rate: z.number().openapi({ description: 'percent of invoices acted on that are now paid' }), recovered: z.array(MoneyByCurrency) })),
  escalations: z.array(StepOut),
  overdueCount: z.number().int(),
  invoices: z.array(z.object({
    invoiceId: z.string(), number: z.string().nullable(), billTo: z.string(), payerId: z.string().nullable(), customerName: z.string().nullable(), currency: z.string(),
    amountDue: z.string(), dueDate: z.string(), daysOverdue: z.number().int(), stage: z.string(), pausedUntil: z.string().nullable(), promiseToPayOn: z.string().nullable(),
    next: z.object({ date: z.string(), ruleCode: z.string(), ruleVersion: z.number().int(), ruleName: z.string(), action: z.string(), amount: z.string().nullable(), why: z.record(z.string(), z.unknown()) }).nullable(),
    blockedBy: z.string().nullable(),
  })),
}).openapi('DunningBoard');

export const PendingChargeOut = z.object({
  id: z.string(), billTo: z.string(), currency: z.string(), amount: z.string(), description: z.string(),
  sourceInvoiceId: z.string(), sourceInvoiceNumber: z.string().nullable(), ruleCode: z.string(), ruleVersion: z.number().int(),
  status: z.enum(['pending', 'billed', 'reversed', 'waived']).openapi({ description: 'pending: waits for the party\'s next invoice; billed: a line of `invoiceId`; reversed: its overdue invoice was voided; waived: by a person (`reason`)' }),
  invoiceId: z.string().nullable(), invoiceNumber: z.string().nullable(), reason: z.string().nullable(), createdAt: z.string(), settledAt: z.string().nullable(),
}).openapi('DunningPendingCharge');
export const PendingChargeQuery = z.object({
  sourceInvoiceId: z.uuid().optional().openapi({ description: 'The overdue invoice the fee is for' }),
  billTo: z.uuid().optional(),
  status: z.enum(['pending', 'billed', 'reversed', 'waived']).optional(),
});
export const WaiveIn = z.object({ reason: z.string().trim().min(1).max(500).openapi({ description: 'Why the fee is waived (on the timeline and in the audit log)' }) });
