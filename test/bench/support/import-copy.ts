/**
 * The import bench's reference: the same customers the generated file describes, written by a
 * raw COPY into the same `customers` table (same indexes and constraints) under a second tenant,
 * so `import ÷ COPY` in one run says how far the import is from what the database can do.
 * PGlite takes COPY from a blob (`/dev/blob`); postgres.js streams `COPY FROM STDIN`.
 */
import type postgres from 'postgres';
import { tenants } from '../../../server/db/schema';
import type { DbHandle } from '../../../server/db/client';
import { backendCpu, cpuDelta } from './cpu';

const COLS = 'tenant_id, external_id, type, name, email, country, timezone, currency, segment, tags, attributes, status, dunning_excluded, created_at, updated_at';
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Row i exactly as the import stores it (benchCsv's columns, the KR tenant's defaults). */
export function copyCsv(tenantId: string, from: number, to: number, now: string): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const id = String(i).padStart(6, '0');
    out += [tenantId, `BI-${id}`, 'individual', q(`고객 ${id}`), `c${id}@bench.test`, 'KR', 'Asia/Seoul', 'KRW', i % 3 ? 'smb' : 'enterprise',
      q(`{bench,t${i % 7}}`), q(JSON.stringify({ tier: i % 4 })), 'active', 'false', now, now].join(',') + '\n';
  }
  return out;
}

/**
 * COPYs N rows for a new tenant: the wall milliseconds it took (building its text included) and
 * the CPU milliseconds it cost this process and, on a local PostgreSQL, its backend.
 */
export async function copyReference(handle: DbHandle, raw: postgres.Sql | null, n: number): Promise<{ ms: number; cpuMs: number }> {
  const [t] = await handle.db.insert(tenants).values({ code: `bench-copy-${Date.now()}`, name: 'COPY reference' }).returning({ id: tenants.id });
  const now = new Date().toISOString();
  const pg0 = raw ? await backendCpu(raw, 'self') : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (raw) {
    const stream = await raw.unsafe(`copy customers (${COLS}) from stdin with (format csv)`).writable();
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      let i = 0;
      const pump = () => {
        while (i < n) {
          const to = Math.min(n, i + 5000);
          const ok = stream.write(copyCsv(t.id, i, to, now));
          i = to;
          if (!ok) { stream.once('drain', pump); return; }
        }
        stream.end();
      };
      pump();
    });
  } else {
    const client = (handle.db as unknown as { $client: { query: (q: string, p: unknown[], o: { blob: Blob }) => Promise<unknown> } }).$client;
    await client.query(`copy customers (${COLS}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([copyCsv(t.id, 0, n, now)]) });
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg = raw ? cpuDelta(pg0, await backendCpu(raw, 'self')) ?? 0 : 0;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 + pg };
}
