import { Decimal } from '../lib/money';
import { inDateRange, isIsoDate } from '../lib/dates';
import { escapeUnstorable, unstorableText } from '../lib/input-guard';
import { NUMERIC_AGGREGATIONS, type Aggregation } from './schemas';

/**
 * Pure checks of one raw usage event against the tenant's customers and meters. Used by ingest
 * and by reprocessing, so an event is judged by the same rules both times.
 */

export type RejectReason = 'invalid_event' | 'invalid_timestamp' | 'unknown_customer' | 'unknown_meter' | 'missing_field' | 'invalid_value';

export interface MeterLite { id: string; code: string; aggregation: Aggregation; field: string | null; status: string }

export interface EventRow {
  eventId: string;
  customerId: string;
  meterId: string;
  timestamp: Date;
  value: string | null;
  properties: Record<string, unknown>;
}

export type Checked =
  /** `json`: the properties as JSON text (already serialized for the size check; ingest stores it as is). */
  | { ok: true; row: EventRow; json: string }
  | { ok: false; reason: RejectReason; message: string; eventId: string | null; customerRef: string | null; meterCode: string | null };

/** ISO 8601 with a zone (Z or ±hh:mm): a timestamp without one is ambiguous, so it is refused. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DECIMAL = /^-?\d{1,25}(\.\d{1,15})?$/;
const MAX_FUTURE_MS = 24 * 3600_000;
const MAX_PROPERTIES_CHARS = 16_000;
/** Levels of nesting `properties` may have (the object itself is level 1). */
export const MAX_PROPERTIES_DEPTH = 32;
/**
 * How deep a stored payload keeps its containers: the event is level 1 and its properties level 2,
 * so a too deep event keeps MAX_PROPERTIES_DEPTH + 1 levels of properties and is still refused
 * when reprocessed.
 */
const MAX_PAYLOAD_DEPTH = MAX_PROPERTIES_DEPTH + 2;
const TRUNCATED = `[nested deeper than ${MAX_PAYLOAD_DEPTH} levels: not stored]`;
/** \u0000 or an unpaired surrogate (\ud800-\udfff) in JSON.stringify output, not preceded by an escaped backslash. */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/** Containers nested in `v` (an object or array counts 1 plus its deepest child); stops counting past `limit`. */
function depthOver(v: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (!x || typeof x !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

/**
 * A payload jsonb can store (metering_errors.payload), built without recursion: PostgreSQL
 * refuses the NUL character and unpaired surrogates, so they are kept as their visible escapes
 * (the text `\u0000`), in keys too; containers deeper than MAX_PAYLOAD_DEPTH become a note; a
 * missing or null event is JSON null (which the caller must store as `'null'::jsonb`).
 */
export function storablePayload(raw: unknown): unknown {
  if (raw === undefined || raw === null) return null;
  const copy = (v: unknown): unknown => (typeof v === 'string' ? escapeUnstorable(v) : v);
  if (!raw || typeof raw !== 'object') return copy(raw);
  const root: unknown = Array.isArray(raw) ? [] : {};
  const stack: Array<[from: object, to: Record<string | number, unknown>, depth: number]> = [[raw, root as Record<string, unknown>, 1]];
  while (stack.length) {
    const [from, to, depth] = stack.pop()!;
    const entries: Array<[string | number, unknown]> = Array.isArray(from) ? from.map((x, i) => [i, x]) : Object.entries(from);
    for (const [k, v] of entries) {
      const key = typeof k === 'string' ? escapeUnstorable(k) : k;
      if (v && typeof v === 'object') {
        if (depth >= MAX_PAYLOAD_DEPTH) { to[key] = TRUNCATED; continue; }
        const child = Array.isArray(v) ? [] : {};
        to[key] = child;
        stack.push([v, child as Record<string, unknown>, depth + 1]);
      } else to[key] = copy(v);
    }
  }
  return root;
}

/**
 * The event as JSON text for metering_errors.raw_payload: JSON.stringify writes a NUL and an
 * unpaired surrogate as \u escapes, so the text is storable and parses back to the same event.
 * Null when it is nested deeper than a stored payload keeps (JSON.stringify recurses).
 */
export function rawPayloadText(raw: unknown): string | null {
  if (raw === undefined || raw === null) return 'null';
  if (typeof raw === 'object' && depthOver(raw, MAX_PAYLOAD_DEPTH)) return null;
  return JSON.stringify(raw) ?? null;
}

/** The event a reprocess judges: the raw text when there is one, else the storable copy. */
export function reprocessSource(row: { payload: unknown; rawPayload: string | null }): unknown {
  return row.rawPayload !== null ? JSON.parse(row.rawPayload) : row.payload;
}

// PostgreSQL text cannot hold the NUL character (nor an unpaired surrogate faithfully): such an
// id, customer or meter is no usable value.
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' && !unstorableText(v) ? v.trim() : null);
const unstorable = (v: unknown): boolean => typeof v === 'string' && unstorableText(v) !== null;
const UNSTORABLE_MSG = 'must not contain the NUL character (\\u0000) or an unpaired surrogate';

/** A numeric meter value: a finite JSON number or a plain decimal string, as a decimal string. */
export function parseValue(v: unknown): string | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const s = new Decimal(v).toFixed();
    return DECIMAL.test(s) ? s : null;
  }
  if (typeof v === 'string' && DECIMAL.test(v.trim())) return new Decimal(v.trim()).toFixed();
  return null;
}

// Module level, not a closure per event: checkEvent runs for every event of every batch.
function failed(eventId: string | null, customerRef: string | null, meterCode: string | null, reason: RejectReason, message: string): Checked {
  return { ok: false, reason, message, eventId, customerRef, meterCode };
}

export function checkEvent(
  raw: unknown,
  lookup: { customer: (ref: string) => string | undefined; meter: (code: string) => MeterLite | undefined },
  now: Date,
): Checked {
  const o = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  const eventId = o && (typeof o.id === 'string' || typeof o.id === 'number') && String(o.id).trim() !== '' && String(o.id).length <= 200
    && !unstorable(o.id) ? String(o.id).trim() : null;
  const customerRef = o ? str(o.customer) : null;
  const meterCode = o ? str(o.meter) : null;
  if (!o) return failed(eventId, customerRef, meterCode, 'invalid_event', 'an event must be a JSON object');
  // Only a missing one can be unstorable text (the usual event skips this).
  if (!eventId || !customerRef || !meterCode) {
    for (const k of ['id', 'customer', 'meter'] as const) {
      if (unstorable(o[k])) return failed(eventId, customerRef, meterCode, 'invalid_event', `${k} ${UNSTORABLE_MSG}`);
    }
  }
  if (!eventId) return failed(eventId, customerRef, meterCode, 'invalid_event', 'id is required (a string of at most 200 characters; it is the idempotency key)');
  if (!customerRef) return failed(eventId, customerRef, meterCode, 'invalid_event', 'customer is required (the customer\'s external id or id)');
  if (!meterCode) return failed(eventId, customerRef, meterCode, 'invalid_event', 'meter is required (a meter code)');
  const props = o.properties ?? {};
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return failed(eventId, customerRef, meterCode, 'invalid_event', 'properties must be a JSON object');
  // Before serializing: JSON.stringify recurses, and 20,000 levels overflow the stack.
  if (depthOver(props, MAX_PROPERTIES_DEPTH)) return failed(eventId, customerRef, meterCode, 'invalid_event', `properties are nested deeper than ${MAX_PROPERTIES_DEPTH} levels`);
  const json = JSON.stringify(props);
  if (json.length > MAX_PROPERTIES_CHARS) return failed(eventId, customerRef, meterCode, 'invalid_event', `properties are larger than ${MAX_PROPERTIES_CHARS} characters`);
  // PostgreSQL's jsonb cannot hold the NUL character nor an unpaired surrogate (JSON.stringify
  // writes both as \u escapes): refuse the event rather than fail the batch.
  if (json.includes('\\u') && UNSTORABLE_ESCAPE.test(json)) return failed(eventId, customerRef, meterCode, 'invalid_event', `properties ${UNSTORABLE_MSG}`);
  const ms = typeof o.timestamp === 'string' && ISO_INSTANT.test(o.timestamp) ? Date.parse(o.timestamp) : NaN;
  if (Number.isNaN(ms)) {
    return failed(eventId, customerRef, meterCode, 'invalid_timestamp', 'timestamp must be an ISO 8601 instant with a zone, e.g. 2025-05-01T09:00:00+09:00');
  }
  // Date.parse rolls an impossible day over (2025-02-30 is read as 2 March): refuse it instead.
  const day = (o.timestamp as string).slice(0, 10);
  // PostgreSQL refuses year 0000: one such event used to fail the whole batch with a 500.
  if (!inDateRange(day)) return failed(eventId, customerRef, meterCode, 'invalid_timestamp', 'timestamp must be between 1900-01-01 and 9999-12-31');
  if (!isIsoDate(day)) return failed(eventId, customerRef, meterCode, 'invalid_timestamp', `timestamp: ${day} is not a calendar date`);
  const timestamp = new Date(ms);
  if (timestamp.getTime() > now.getTime() + MAX_FUTURE_MS) return failed(eventId, customerRef, meterCode, 'invalid_timestamp', 'timestamp is more than 24 hours in the future');
  const customerId = lookup.customer(customerRef);
  if (!customerId) return failed(eventId, customerRef, meterCode, 'unknown_customer', `no customer with external id or id "${customerRef}"`);
  const meter = lookup.meter(meterCode);
  if (!meter) return failed(eventId, customerRef, meterCode, 'unknown_meter', `no meter with code "${meterCode}"`);
  if (meter.status !== 'active') return failed(eventId, customerRef, meterCode, 'unknown_meter', `meter "${meterCode}" is inactive`);
  const p = props as Record<string, unknown>;
  let value: string | null = null;
  if (meter.field) {
    const v = p[meter.field];
    if (v === undefined || v === null || v === '') return failed(eventId, customerRef, meterCode, 'missing_field', `properties.${meter.field} is required by meter "${meter.code}" (${meter.aggregation})`);
    if (NUMERIC_AGGREGATIONS.has(meter.aggregation)) {
      value = parseValue(v);
      if (value === null) return failed(eventId, customerRef, meterCode, 'invalid_value', `properties.${meter.field} must be a number for ${meter.aggregation}, got ${JSON.stringify(v).slice(0, 50)}`);
    } else if (typeof v === 'object') {
      return failed(eventId, customerRef, meterCode, 'invalid_value', `properties.${meter.field} must be a string, number or boolean for unique_count`);
    }
  }
  return { ok: true, row: { eventId, customerId, meterId: meter.id, timestamp, value, properties: p }, json };
}
