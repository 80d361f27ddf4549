import { readFileSync } from 'node:fs';
import type { Sql } from 'postgres';

/**
 * CPU time (ms) of the PostgreSQL backends serving the current database (all but the asking
 * connection, or only it), read from /proc: null when the server is not local or /proc is
 * unreadable. Together with process.cpuUsage() it gives a cost per event that does not depend
 * on how busy the machine is.
 */
export async function backendCpu(sql: Sql, which: 'others' | 'self'): Promise<Map<number, number> | null> {
  const rows = which === 'self'
    ? await sql`select pg_backend_pid() as pid`
    : await sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  const out = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(Number(pid), (Number(f[11]) + Number(f[12])) * 10); // clock ticks of 10 ms
    }
  } catch {
    return null;
  }
  return out;
}

/** CPU ms spent between two snapshots (backends that appeared in between count from zero). */
export function cpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

export function processCpuMs(since?: NodeJS.CpuUsage): { ms: number; mark: NodeJS.CpuUsage } {
  const u = process.cpuUsage(since);
  return { ms: (u.user + u.system) / 1000, mark: process.cpuUsage() };
}
