import { z } from '@hono/zod-openapi';
import { isoDate } from '../lib/schemas';

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
  status: z.enum(['sending', 'done', 'failed', 'cancelled', 'open', 'unknown']), runDate: z.string(), lastAttemptOn: z.string(), attempts: z.number().int(),
  result: z.record(z.string(), z.unknown()), error: z.string().nullable(), reversedAt: z.string().nullable(),
}).openapi('DunningStep');
export const TimelineOut = z.object({
  id: z.string(), runDate: z.string(), ruleCode: z.string().nullable(), ruleVersion: z.number().int().nullable(), action: z.string().nullable(),
  decision: z.string().openapi({ description: 'acted | failed | excluded | paused | not_due | no_action | stopped | reinstated | unknown' }),
  reason: z.string().nullable(), facts: z.record(z.string(), z.unknown()), trace: z.unknown(), createdAt: z.string(),
}).openapi('DunningTimelineEntry');
export const InvoiceDunningOut = z.object({ invoiceId: z.string(), control: ControlOut.nullable(), steps: z.array(StepOut), timeline: z.array(TimelineOut) }).openapi('InvoiceDunning');

export const RunIn = z.object({ date: isoDate.optional().openapi({ description: "The tenant-local date to run for; default today" }) }).openapi('DunningRunStart');
export const RunOut = z.object({ localDate: z.string(), dedupeKey: z.string() }).openapi('DunningRunStarted');
