import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../lib/dates';
import { isoDate, paging, isoMonth } from '../lib/schemas';

export const AGGREGATIONS = ['count', 'sum', 'max', 'unique_count', 'latest'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** Aggregations whose field must be numeric; the parsed number is stored on the event as `value`. */
export const NUMERIC_AGGREGATIONS: ReadonlySet<Aggregation> = new Set(['sum', 'max', 'latest']);
export const MAX_BATCH = 1000;

const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
const propName = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'a property name: letters, digits, _ . -');
export const Filters = z.record(propName, z.union([scalar, z.array(scalar).min(1).max(100)]))
  .openapi({ description: 'Only events whose property equals the value (or one of the values) count', example: { region: ['kr', 'jp'] } });

export const MeterCreateIn = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'lowercase letters, digits and _, 2-63 characters (it becomes the fact usage.<code>)'),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(1000).nullable().optional(),
  aggregation: z.enum(AGGREGATIONS),
  field: propName.nullable().optional().openapi({ description: 'Event property aggregated; required except for count' }),
  filters: Filters.optional(),
  unit: z.string().trim().max(30).nullable().optional(),
}).superRefine((m, ctx) => {
  if (m.aggregation !== 'count' && !m.field) ctx.addIssue({ code: 'custom', path: ['field'], message: `is required for ${m.aggregation}` });
  if (m.aggregation === 'count' && m.field) ctx.addIssue({ code: 'custom', path: ['field'], message: 'count counts events; it has no field' });
}).openapi('MeterCreate');

export const MeterPatchIn = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  aggregation: z.enum(AGGREGATIONS).optional(),
  field: propName.nullable().optional(),
  filters: Filters.optional(),
  unit: z.string().trim().max(30).nullable().optional(),
  status: z.enum(['active', 'inactive']).optional(),
}).openapi('MeterPatch');

export const MeterOut = z.object({
  id: z.string(), code: z.string(), name: z.string(), description: z.string().nullable(), aggregation: z.enum(AGGREGATIONS),
  field: z.string().nullable(), filters: z.record(z.string(), z.any()), unit: z.string().nullable(), status: z.string(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Meter');

export const EventIn = z.object({
  id: z.string().openapi({ description: 'Client-chosen idempotency id, unique per tenant; a retry answers "duplicate"' }),
  customer: z.string().openapi({ description: 'The customer\'s external id or id' }),
  meter: z.string().openapi({ description: 'Meter code' }),
  timestamp: z.string().openapi({ description: 'ISO 8601 with a zone, e.g. 2025-05-01T09:00:00+09:00' }),
  properties: z.record(z.string(), z.any()).optional(),
}).openapi('UsageEvent');

export const IngestIn = z.any().openapi({
  description: `One event, or {"events": [...]} with at most ${MAX_BATCH}. Events that cannot be accepted are kept as metering errors, never dropped.`,
  example: { events: [{ id: 'evt-1', customer: 'SCN', meter: 'api_calls', timestamp: '2025-05-01T09:00:00+09:00', properties: { endpoint: '/v1/search' } }] },
});

export const EventResult = z.object({
  index: z.number().int(), id: z.string().nullable(), status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.string().optional(), message: z.string().optional(), errorId: z.string().optional(),
});
export const IngestOut = z.object({
  accepted: z.number().int(), duplicates: z.number().int(), rejected: z.number().int(), results: z.array(EventResult),
}).openapi('IngestResult');

export const MeteringErrorOut = z.object({
  id: z.string(), eventId: z.string().nullable(), customerRef: z.string().nullable(), meterCode: z.string().nullable(),
  reason: z.string(), message: z.string(), payload: z.any(), rawPayload: z.string().nullable().openapi({ description: 'The event exactly as received, as JSON text (a NUL stays the JSON escape \\u0000)' }), status: z.string(), occurrences: z.number().int(),
  firstReceivedAt: z.string(), lastReceivedAt: z.string(), resolvedAt: z.string().nullable(),
}).openapi('MeteringError');
export const MeteringErrorQuery = z.object({
  status: z.enum(['open', 'reprocessed', 'resolved']).optional(), reason: z.string().optional(), meter: z.string().optional(),
  customer: z.string().optional(),
  ...paging(),
});

// The day must exist in both forms: Date.parse rolls 2025-02-30T00:00Z over to 2 March.
const dateOrInstant = z.string().refine((s) => isIsoDate(s.slice(0, 10)) && (s.length === 10 || (s[10] === 'T' && !Number.isNaN(Date.parse(s)))),
  'must be a date YYYY-MM-DD (midnight in the tenant time zone) or an ISO 8601 instant');
export const UsageQuery = z.object({ from: dateOrInstant.optional(), to: dateOrInstant.optional() });
export const MeterUsage = z.object({
  meter: z.string(), name: z.string(), aggregation: z.enum(AGGREGATIONS), unit: z.string().nullable(),
  value: z.string().openapi({ description: 'Decimal string' }), events: z.number().int(),
});
export const UsageOut = z.object({
  customerId: z.string(), from: z.string(), to: z.string(), timezone: z.string(), meters: z.array(MeterUsage),
}).openapi('CustomerUsage');

const month = isoMonth;
export const MonthlyQuery = z.object({ from: month.optional(), to: month.optional().openapi({ description: 'Exclusive' }) });
export const MonthlyOut = z.object({
  customerId: z.string(), timezone: z.string(),
  months: z.array(z.object({ month: z.string(), meters: z.array(MeterUsage) })),
}).openapi('CustomerMonthlyUsage');
export const RollupIn = z.object({ from: isoDate, to: isoDate.openapi({ description: 'Exclusive' }) }).openapi('RollupRequest');
export const RollupOut = z.object({ from: z.string(), to: z.string(), rows: z.number().int() }).openapi('RollupResult');

export type MeterCreate = z.infer<typeof MeterCreateIn>;
export type MeterPatch = z.infer<typeof MeterPatchIn>;
export type MeteringErrorQuery = z.infer<typeof MeteringErrorQuery>;
