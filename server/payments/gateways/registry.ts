/** The adapter for a provider, with the tenant's credentials. The only place adapters are chosen. */
import type { DbOrTx } from '../../db/client';
import { loadCredentials, type Provider } from './credentials';
import { sandboxGateway } from './sandbox';
import { stripeGateway } from './stripe';
import { tossGateway } from './toss';
import { GatewayRejected, type Gateway } from './types';

/**
 * `db`: the caller's handle. A request running in one transaction (Idempotency-Key) passes that
 * transaction: the sandbox keeps its ledger through it (PGlite has one connection, so a second
 * handle would wait for the request forever), and its rows roll back with a failed request.
 */
export async function gatewayFor(db: DbOrTx, tenantId: string, provider: Provider, opts: { cachedCredentials?: boolean } = {}): Promise<Gateway> {
  if (provider === 'sandbox') return sandboxGateway(db);
  const { creds } = await loadCredentials(db, tenantId, provider, { cached: opts.cachedCredentials });
  if (!creds.secretKey) throw new GatewayRejected(provider, 'not_configured', `no ${provider} credentials for this tenant or server`);
  return provider === 'stripe' ? stripeGateway(creds) : tossGateway(creds);
}
