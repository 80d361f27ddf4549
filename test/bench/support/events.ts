/**
 * Deterministic usage events for the ingest bench: event i is the same whether it is sent over
 * HTTP (as JSON) or written by COPY (as CSV), so both paths store the same rows.
 */

export const BENCH_METERS = [
  { code: 'bench_calls', name: 'Bench calls', aggregation: 'count' as const, field: null },
  { code: 'bench_bytes', name: 'Bench bytes', aggregation: 'sum' as const, field: 'bytes' },
  { code: 'bench_peak', name: 'Bench peak GB', aggregation: 'max' as const, field: 'gb' },
  { code: 'bench_users', name: 'Bench active users', aggregation: 'unique_count' as const, field: 'userId' },
];

export const REGIONS = ['kr', 'jp', 'us', 'eu'];
/** Event timestamps: one per 10 ms from here (1,000,000 events span under 3 hours). */
export const BASE_MS = Date.parse('2025-05-01T00:00:00Z');

export interface BenchEventSpec { customers: number }

export const customerRef = (c: number) => `BC-${String(c).padStart(6, '0')}`;

export interface BenchEvent {
  id: string;
  customer: string;
  meter: string;
  timestamp: string;
  properties: { region: string; bytes: number; gb: string; userId: string };
}

/** Event number i (0-based). */
export function benchEvent(i: number, customers: number): BenchEvent {
  const m = BENCH_METERS[i % BENCH_METERS.length];
  return {
    id: `ev-${i}`,
    customer: customerRef((i * 7919) % customers),
    meter: m.code,
    timestamp: new Date(BASE_MS + i * 10).toISOString(),
    properties: { region: REGIONS[i % REGIONS.length], bytes: 100 + (i % 9973), gb: `${i % 500}.25`, userId: `u${i % 5003}` },
  };
}

/** The value ingest stores for the event's meter (sum/max: the parsed field; others: null). */
export function benchValue(e: BenchEvent): string | null {
  if (e.meter === 'bench_bytes') return String(e.properties.bytes);
  if (e.meter === 'bench_peak') return e.properties.gb;
  return null;
}

/** The JSON body of batch b: events [b*size, (b+1)*size). */
export function batchBody(b: number, size: number, customers: number): string {
  const events: BenchEvent[] = new Array(size);
  for (let k = 0; k < size; k++) events[k] = benchEvent(b * size + k, customers);
  return JSON.stringify({ events });
}

const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * CSV lines (tenant_id, event_id, customer_id, meter_id, timestamp, value, properties, received_at)
 * of events [from, to), as ingest would store them.
 */
export function csvChunk(from: number, to: number, o: {
  tenantId: string; customers: number; customerIds: Map<string, string>; meterIds: Map<string, string>; receivedAt: string;
}): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const e = benchEvent(i, o.customers);
    const v = benchValue(e);
    out += `${o.tenantId},${e.id},${o.customerIds.get(e.customer)},${o.meterIds.get(e.meter)},${e.timestamp},${v ?? ''},${csvQuote(JSON.stringify(e.properties))},${o.receivedAt}\n`;
  }
  return out;
}
