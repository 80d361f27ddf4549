/**
 * A tenant's stored gateway credentials, remembered per database handle, tenant and provider for
 * the inbound-webhook path: every Stripe or Toss webhook needs them to check its signature, and a
 * query (plus an AES-GCM decryption) per webhook was a round trip the inbox's group commit cannot
 * share.
 *
 * A change must take effect (a rotated webhook secret, removed credentials):
 * - the process that writes them forgets its entry after the write commits (`forgetCredentials`);
 * - the write also sends `pg_notify(CREDENTIALS_CHANNEL, '<tenant>:<provider>')` in its
 *   transaction, so every other process that listens (createApp with a `listen`) forgets it at commit;
 * - an entry is kept at most TTL_MS in any case (a process without LISTEN, a lost notification).
 * A load that was running while its key was forgotten is not stored (the generation check), so an
 * old value read just before a change cannot outlive it. Only the tenant's own row is cached; the
 * environment fallback is read fresh every time (it costs nothing).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { gatewayAccounts } from '../../db/schema';
import { decryptSecret } from './secrets';

export const CREDENTIALS_CHANNEL = 'bw_gateway_credentials';
const TTL_MS = 30_000;

/** As ./credentials.ts has them (not imported: that module imports this one). */
type Credentials = Record<string, string>;
interface Entry { creds: Credentials | null; at: number }
const cache = new Map<string, Entry>();
const generation = new Map<string, number>();
const keyOf = (tenantId: string, provider: string) => `${tenantId}:${provider}`;

/** The tenant's stored credentials for `provider` (decrypted), or null when it has none. */
export async function storedCredentials(db: DbOrTx, tenantId: string, provider: string, opts: { cached?: boolean } = {}): Promise<Credentials | null> {
  const key = keyOf(tenantId, provider);
  const hit = opts.cached ? cache.get(key) : undefined;
  if (hit && Date.now() - hit.at < TTL_MS) return hit.creds;
  const gen = generation.get(key) ?? 0;
  const [row] = await db.select({ sealed: gatewayAccounts.configEncrypted }).from(gatewayAccounts)
    .where(and(eq(gatewayAccounts.tenantId, tenantId), eq(gatewayAccounts.provider, provider)));
  const creds = row ? (JSON.parse(decryptSecret(row.sealed)) as Credentials) : null;
  if ((generation.get(key) ?? 0) === gen) {
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { creds, at: Date.now() });
  }
  return creds;
}

/** Forgets one tenant's provider (or, with a payload that is not `<tenant>:<provider>`, everything). */
export function forgetCredentials(tenantId: string, provider: string) {
  const key = keyOf(tenantId, provider);
  generation.set(key, (generation.get(key) ?? 0) + 1);
  cache.delete(key);
}

/** In the writing transaction: tells every listening process, at commit, to forget the entry. */
export async function announceCredentialsChange(tx: Tx, tenantId: string, provider: string) {
  await tx.execute(sql`select pg_notify(${CREDENTIALS_CHANNEL}, ${keyOf(tenantId, provider)})`);
}

type ListenFn = (channel: string, onPayload: (payload: string) => void) => Promise<unknown>;
const listening = new WeakSet<object>();
/** Makes this process hear other processes' changes (server/app.ts calls it once per database). */
export function listenForCredentialChanges(db: object, listen: ListenFn) {
  if (listening.has(db)) return;
  listening.add(db);
  listen(CREDENTIALS_CHANNEL, (payload) => {
    const [tenantId, provider] = payload.split(':');
    if (tenantId && provider) forgetCredentials(tenantId, provider);
    else cache.clear();
  }).catch((e) => {
    listening.delete(db);
    console.error('gateway credentials: LISTEN failed, cached entries expire after', TTL_MS, 'ms:', e instanceof Error ? e.message : e);
  });
}
