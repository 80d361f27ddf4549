/**
 * Where webhooks may be sent (SSRF): only http(s) URLs, and only to public addresses. A tenant's
 * endpoint URL must not make this server reach its own loopback, the private network it runs in,
 * or the cloud metadata service (169.254.169.254). Checked twice:
 *
 * - when an endpoint is created or changed (`endpointUrlIssues`, a 422 at `url`): the scheme, an
 *   address written in the URL, and what the host name resolves to now (a name that does not
 *   resolve is accepted; its deliveries fail and are logged);
 * - at every delivery (`guardedPost`): a name may resolve elsewhere later (DNS rebinding), so the
 *   connection itself resolves through `guardedLookup`, which refuses private addresses, and
 *   connects to exactly the address it checked.
 *
 * `WEBHOOKS_ALLOW_PRIVATE=1` allows private targets (an on-premises receiver; tests that deliver
 * to a server on 127.0.0.1). Read at each check, so it can be switched without a restart.
 */
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { FieldIssue } from '../lib/errors';

export const privateTargetsAllowed = () => process.env.WEBHOOKS_ALLOW_PRIVATE === '1';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** An IPv4 address carried inside an IPv6 one (::ffff:a.b.c.d, NAT64 64:ff9b::, 6to4 2002::), else null. */
function embeddedV4(ip: string): string | null {
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip) ?? /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/i.exec(ip);
  if (!hex) return null;
  const [a, b] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

/** True for loopback, private, link-local, CGNAT, documentation, multicast and reserved addresses. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address: never a safe target
  const v4 = embeddedV4(bare);
  return v4 ? blocked.check(v4, 'ipv4') : blocked.check(bare, 'ipv6');
}

/** The URL's problem before any lookup (scheme, credentials, a private address written in it), or null. */
function syntaxProblem(u: URL | null): string | null {
  if (!u || !['https:', 'http:'].includes(u.protocol)) return 'must be an http(s) URL';
  if (u.username || u.password) return 'must not contain credentials; the signature authenticates us';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!privateTargetsAllowed() && isIP(host) && isPrivateAddress(host)) return `points at a private, loopback or link-local address (${host})`;
  return null;
}

const parse = (url: string) => { try { return new URL(url); } catch { return null; } };

const lookupAll = (host: string) => new Promise<LookupAddress[]>((resolve) => {
  const timer = setTimeout(() => resolve([]), 3000);
  dnsLookup(host, { all: true }, (err, addrs) => { clearTimeout(timer); resolve(err ? [] : addrs); });
});

/** 422 issues for an endpoint URL being created or changed (empty when it may be used). */
export async function endpointUrlIssues(url: string): Promise<FieldIssue[]> {
  const u = parse(url);
  const problem = syntaxProblem(u);
  if (problem) return [{ path: 'url', message: problem }];
  const host = u!.hostname.replace(/^\[|\]$/g, '');
  if (privateTargetsAllowed() || isIP(host)) return [];
  const bad = (await lookupAll(host)).find((a) => isPrivateAddress(a.address));
  return bad ? [{ path: 'url', message: `points at a private, loopback or link-local address (${bad.address})` }] : [];
}

/** dns.lookup that refuses private addresses, for the delivery's own connection (no second lookup to rebind). */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
    if (err) return callback(err, '', 0);
    const list = addrs as LookupAddress[];
    const bad = privateTargetsAllowed() ? undefined : list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private, loopback or link-local address (${bad.address}); refused`), { code: 'EPRIVATE' }), '', 0);
    if (!list.length) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    else callback(null, list[0].address, list[0].family);
  });
};

/**
 * POSTs a delivery the way `fetch` would (the subset deliver.ts uses: status, and a body to
 * cancel), through `guardedLookup`, never following redirects (a 3xx is an answer, not a hop).
 */
export function guardedPost(url: string, init: { method: 'POST'; body: string; headers: Record<string, string>; signal: AbortSignal; redirect?: 'manual' }): Promise<{ status: number; body: { cancel(): Promise<void> } }> {
  const u = parse(url);
  const problem = syntaxProblem(u);
  if (problem) return Promise.reject(new Error(`refused ${url}: ${problem}`));
  const mod = u!.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u!, {
      method: init.method, signal: init.signal, lookup: guardedLookup,
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
    }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, body: { cancel: async () => { res.destroy(); } } });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
