import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The address login throttling counts against. X-Forwarded-For is anyone's to write, so it is
 * read only when TRUST_PROXY_HOPS says how many proxies of ours stand in front (the client is
 * the entry that many places from the right); otherwise the socket's peer address counts.
 * In-process requests (app.request() in tests) have no socket: they share the address "unknown".
 */
export function clientAddress(c: Context, env: NodeJS.ProcessEnv = process.env): string {
  const hops = Number(env.TRUST_PROXY_HOPS ?? 0);
  if (Number.isInteger(hops) && hops > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (chain.length >= hops) return chain[chain.length - hops];
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
