/**
 * `npx tsx test/bench/import-shapes.bench.ts`: what one write statement shape costs per row, to
 * choose the customer import's write (server/customers/import-write.ts). Writes N rows (default
 * 10,000) of the import bench's customers in CH-row transactions (default 500; use 2000 on
 * PostgreSQL) with each shape, first as inserts, then again as updates of the same rows, and
 * prints wall time, this process's CPU and (PostgreSQL) the backend's CPU. Findings: README of
 * server/customers, "Where the time goes".
 *
 *   DATABASE_URL  admin URL of a PostgreSQL server (a database bw_bench_shapes_<random> is made and
 *                 dropped); without it, PGlite in a temporary folder
 *   N, CH         rows, rows per transaction;  SHAPES  a comma list of shape names to run
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createDb } from '../../server/db/client';
import { tenants } from '../../server/db/schema';
import { backendCpu, cpuDelta } from './support/cpu';

const N = Number(process.env.N ?? 10000);
const CH = Number(process.env.CH ?? 500);
const url = process.env.DATABASE_URL;
type Q = (text: string, params?: unknown[], blob?: Blob) => Promise<any[]>;
const COLS = ['tenant_id', 'external_id', 'type', 'name', 'email', 'phone', 'business_reg_no', 'tax_id', 'country', 'timezone', 'currency',
  'segment', 'tags', 'attributes', 'status', 'billing_group', 'dunning_excluded', 'payer_id', 'created_at', 'updated_at'];
const TYPES: Record<string, string> = { tenant_id: 'uuid', tags: 'text[]', attributes: 'jsonb', dunning_excluded: 'boolean', payer_id: 'uuid', created_at: 'timestamptz', updated_at: 'timestamptz' };
const UPD = COLS.filter((c) => !['tenant_id', 'external_id', 'created_at'].includes(c));
function rows(t: string, from: number, to: number) {
  const now = new Date().toISOString();
  const out = [];
  for (let i = from; i < to; i++) {
    const id = String(i).padStart(6, '0');
    out.push({ tenant_id: t, external_id: `BI-${id}`, type: 'individual', name: `고객 ${id}`, email: `c${id}@bench.test`, phone: null, business_reg_no: null, tax_id: null,
      country: 'KR', timezone: 'Asia/Seoul', currency: 'KRW', segment: i % 3 ? 'smb' : 'enterprise', tags: ['bench', `t${i % 7}`], attributes: { tier: i % 4 }, status: 'active',
      billing_group: null, dunning_excluded: false, payer_id: null, created_at: now, updated_at: now });
  }
  return out;
}
const cl = COLS.map((c) => `"${c}"`).join(', ');
const setU = UPD.map((c) => `"${c}" = excluded."${c}"`).join(', ');
const recdef = COLS.map((c) => `"${c}" ${TYPES[c] ?? 'text'}`).join(', ');
const csvq = (s: string) => `"${s.replace(/"/g, '""')}"`;
const pgArr = (a: string[]) => `{${a.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
function toCsv(rs: any[]) {
  return rs.map((r) => COLS.map((c) => { const v = r[c]; if (v === null) return ''; if (c === 'tags') return csvq(pgArr(v)); if (c === 'attributes') return csvq(JSON.stringify(v)); return csvq(String(v)); }).join(',')).join('\n') + '\n';
}
const shapes: Record<string, (q: Q, rs: any[], pg: boolean) => Promise<any>> = {
  json_populate: (q, rs) => q(`insert into customers (${cl}) select ${cl} from json_populate_recordset(null::customers, $1::text::json) on conflict (tenant_id, external_id) do update set ${setU} returning (xmax = 0) as inserted`, [JSON.stringify(rs)]),
  jsonb_to_recordset: (q, rs) => q(`insert into customers (${cl}) select ${cl} from jsonb_to_recordset($1::text::jsonb) as r(${recdef}) on conflict (tenant_id, external_id) do update set ${setU} returning (xmax = 0) as inserted`, [JSON.stringify(rs)]),
  json_to_recordset: (q, rs) => q(`insert into customers (${cl}) select ${cl} from json_to_recordset($1::text::json) as r(${recdef}) on conflict (tenant_id, external_id) do update set ${setU} returning (xmax = 0) as inserted`, [JSON.stringify(rs)]),
  json_nothing: (q, rs) => q(`insert into customers (${cl}) select ${cl} from json_to_recordset($1::text::json) as r(${recdef}) on conflict (tenant_id, external_id) do nothing returning external_id`, [JSON.stringify(rs)]),
  json_plain_noreturn: (q, rs) => q(`insert into customers (${cl}) select ${cl} from json_to_recordset($1::text::json) as r(${recdef})`, [JSON.stringify(rs)]),
  copy_direct: async (q, rs, pg) => pg ? q(`copy customers (${cl}) from stdin with (format csv)`, [toCsv(rs)]) : q(`copy customers (${cl}) from '/dev/blob' with (format csv)`, [], new Blob([toCsv(rs)])),
  copy_stage: async (q, rs, pg) => {
    await q(`create temp table if not exists imp_stage (like customers including defaults) on commit delete rows`);
    await q(`truncate imp_stage`);
    if (pg) await q(`copy imp_stage (${cl}) from stdin with (format csv)`, [toCsv(rs)]);
    else await q(`copy imp_stage (${cl}) from '/dev/blob' with (format csv)`, [], new Blob([toCsv(rs)]));
    return q(`insert into customers (${cl}) select ${cl} from imp_stage on conflict (tenant_id, external_id) do update set ${setU} returning (xmax = 0) as inserted`);
  },
};
async function main() {
  let q: Q; let raw: postgres.Sql | null = null; let cleanup = async () => {};
  let handle;
  if (url) {
    const name = `bw_bench_shapes_${randomBytes(4).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(url); u.pathname = `/${name}`;
    handle = await createDb({ databaseUrl: u.toString() });
    raw = postgres(u.toString(), { max: 1, onnotice: () => {} });
    const r = raw;
    q = async (text, params = []) => {
      if (text.startsWith('copy')) { const s = await r.unsafe(text).writable(); await new Promise<void>((res, rej) => { s.on('error', rej); s.on('finish', res); s.end(params[0] as string); }); return []; }
      return [...await r.unsafe(text, params as any[])];
    };
    cleanup = async () => { await r.end(); await handle!.close(); await admin.unsafe(`drop database ${name} with (force)`); await admin.end(); };
  } else {
    handle = await createDb({ dataDir: mkdtempSync(join(tmpdir(), 'bw-bench-shapes-')) });
    const c = (handle.db as any).$client;
    q = async (text, params = [], blob) => (await c.query(text, params, blob ? { blob } : undefined)).rows;
  }
  await handle.migrate();
  const only = process.env.SHAPES?.split(',');
  for (const [name, fn] of Object.entries(shapes)) {
    if (only && !only.includes(name)) continue;
    const [{ id: tid }] = await handle.db.insert(tenants).values({ code: `s-${name}-${Date.now()}`, name }).returning({ id: tenants.id });
    for (const phase of ['insert', 'update']) {
      if (phase === 'update' && ['json_nothing', 'json_plain_noreturn', 'copy_direct'].includes(name)) continue;
      const pg0 = raw ? await backendCpu(raw, 'self') : null;
      const c0 = process.cpuUsage(); const t0 = performance.now(); const lat: number[] = [];
      for (let f = 0; f < N; f += CH) {
        const rs = rows(tid, f, Math.min(N, f + CH));
        const s0 = performance.now();
        await q('begin'); await fn(q, rs, !!raw); await q('commit');
        lat.push(performance.now() - s0);
      }
      const ms = performance.now() - t0; const c = process.cpuUsage(c0); const pgc = raw ? cpuDelta(pg0, await backendCpu(raw, 'self')) : 0;
      lat.sort((a, b) => a - b);
      console.log(`${name.padEnd(20)} ${phase}  wall ${ms.toFixed(0)} ms  node CPU ${((c.user + c.system) / 1000).toFixed(0)} ms  pg CPU ${pgc}  chunk p50 ${lat[lat.length >> 1].toFixed(0)} max ${lat[lat.length - 1].toFixed(0)} ms`);
    }
  }
  await cleanup();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
